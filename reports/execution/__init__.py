"""The execution of the council's resolution: its items tracked to done (DOMAIN.md)."""
