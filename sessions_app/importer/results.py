"""What an import gives back: a file refused whole (ImportRefused), or the rows read, every bad
cell (RowError) and the counts of what was, or would be, created, updated and left unchanged."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from academics.models import (
    AcademicYear,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
)
from portal import uploads

from .. import services
from ..models import Admission, Assessment, ExamSession, Grade, GradeSheet


class ImportRefused(uploads.Refused):
    """The file as a whole cannot be imported (not an .xlsx, too large, formulas, headers)."""


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: the Excel row number, the column as headed in the file, why, and
    the cell as the file wrote it (when the error is about one cell)."""

    row: int | None
    column: str
    message: str
    # Outside the importing user's faculty: the import is refused as forbidden.
    forbidden: bool = False
    value: str = ""

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.message,
            }
        return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.message}


# The models an import counts, in the order it writes them.
COUNTED_MODELS = (
    AcademicYear,
    Faculty,
    Program,
    StudyGroup,
    Student,
    Discipline,
    StaffMember,
    ExamSession,
    Assessment,
    Admission,
    GradeSheet,
    Grade,
)


@dataclass
class ImportResult:
    rows: int = 0
    errors: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # model -> services.WriteCounts
    dry_run: bool = False
    written: bool = False
    timings: dict = field(default_factory=dict)  # phase -> seconds, for the benchmarks

    @property
    def ok(self):
        return not self.errors

    @property
    def forbidden(self):
        return any(error.forbidden for error in self.errors)

    def count_rows(self):
        """(model, counts) in the order things are written, for the preview and the command."""
        return [(model, self.counts.get(model, services.WriteCounts())) for model in COUNTED_MODELS]

    @property
    def changed(self):
        return sum(counts.changed for counts in self.counts.values())
