"""Deadlines: every clock instance, per agency for scoping and per action."""
