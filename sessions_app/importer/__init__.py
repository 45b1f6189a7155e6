"""The results import: a session's results workbook, read fast, checked whole, written at once.

A pipeline of small stages over named records:

- read (workbook): the portal's upload check (portal.uploads: limits, zip and XML bombs, the rows
  and formulas of each sheet), the results sheet's own checks, then its values through
  python-calamine;
- rows (columns, records): the headers, each row parsed into a ResultRow (its Enrolment: the
  student in the session; its Mark: one attempt at one assessment), and the rows checked
  against each other;
- resolve: what the portal holds of what the file names — ids where they exist, placeholders
  (New) for what the import will create — and the Ledger the rules check against;
- check: the import's own checks (faculty scope, a program's faculty, a group's program, a
  retake row without its main row) and the grade rules, through the writers' own checks
  (services.check_admissions, services.check_grades), each refusal on its row and column with
  the message every other path gives;
- plan: what would be created, updated and left as it is (the dry run's preview);
- write: the structure in bulk, then the admissions and grades through their one writer each,
  in one transaction. A file with any error writes nothing; a file imported twice changes
  nothing the second time.
"""

from .columns import CHOICE_ALIASES, COLUMNS, OPTIONAL_COLUMNS
from .pipeline import can_import, import_results, import_rows
from .results import ImportRefused, ImportResult, RowError
from .template import build_template
from .workbook import MAX_ROWS, CheckedWorkbook, check_workbook

__all__ = [
    "CHOICE_ALIASES",
    "COLUMNS",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "CheckedWorkbook",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "build_template",
    "can_import",
    "check_workbook",
    "import_results",
    "import_rows",
]
