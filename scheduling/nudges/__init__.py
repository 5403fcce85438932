"""Nudges: DMs that chase the countries a round still misses, by themselves."""
