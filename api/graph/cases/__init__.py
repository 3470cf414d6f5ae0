"""Cases: the tracker, one row per case, and what hangs off a case (its clocks, scoping,
reviews and, for full readers, its personal data)."""
