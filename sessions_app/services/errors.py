"""What the writers raise when they refuse a write (always as a whole, nothing of it written), and
what they return when they write (WriteCounts, Saved)."""

from dataclasses import dataclass, field
from typing import NamedTuple


class SheetError(Exception):
    """A write that was refused as a whole; nothing of it was written."""


class SheetLocked(SheetError):
    """The sheet's state or its entry deadline refuses the write (rules.Refusal.whole_sheet)."""


class StaleSheet(SheetError):
    """Someone saved since the page was loaded, and the page did not say what it started from:
    nothing can be merged. `current` holds what is stored now."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


class Conflict(NamedTuple):
    """A cell (or an admission row) that both this person and someone else changed."""

    started: object  # what this person's page showed
    mine: object  # what this person wants
    theirs: object  # what the other person saved


class Conflicts(SheetError):
    """Cells both people changed since the page was loaded: nothing was written. `conflicts`
    maps each such cell's key to its Conflict; `current` holds every stored value now."""

    def __init__(self, message, conflicts, current):
        super().__init__(message)
        self.conflicts = conflicts
        self.current = current


@dataclass
class InvalidGrades(SheetError):
    """Entries the rules refuse, keyed as the caller keyed them (a student's id on a page, an
    (assessment, student, attempt) key in a bulk write): key -> message. Used for admissions
    too."""

    errors: dict = field(default_factory=dict)
    # key -> rules.Refusal, for callers that react to its code
    refusals: dict = field(default_factory=dict)

    def __str__(self):
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self):
        return self.created + self.updated


@dataclass
class Saved:
    """What a page's save did (a grade sheet's, an admission list's): rows changed, and rows
    someone else had changed meanwhile (kept as they saved them)."""

    changed: int
    others: int = 0
