"""Running a quiz: its settings, regrading after a key fix, audited per-member overrides."""
