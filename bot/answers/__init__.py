"""Answers kept in memory while the database has not changed (see `kept.py`)."""
