"""Statistics of the cases, counted by the read models, suppressed for analysts."""
