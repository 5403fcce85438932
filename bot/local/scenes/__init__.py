"""Longer scenes of `consortium-bot demo`, each a module of its own."""
