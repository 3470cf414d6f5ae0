"""The tracker report of a partnership as at a day (seed 004 §6.1): every open case and
review, their clocks and the actions overdue, for the strategic partners and the
independent scrutineer, "to ensure no situations are lost"."""
