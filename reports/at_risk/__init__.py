"""Students at risk: the early-warning list of a session for the dean's offices, and its notices."""
