"""Reports hold no tables of their own: every figure is computed from the other apps."""
