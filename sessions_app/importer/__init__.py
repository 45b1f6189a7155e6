"""The results import: a session's results workbook, read fast, checked whole, written at once.

- workbook: reading, and the file's limits (size, rows, zip and XML bombs, formulas);
- columns: the headers, the words the cells may say, and their parsers;
- pipeline: the checks, every error with its Excel row, the column as headed in the file and the
  reason, and the writes, in one transaction, of a file without errors;
- template: the workbook to fill in.
"""

from .columns import CHOICE_ALIASES, COLUMNS, OPTIONAL_COLUMNS
from .pipeline import can_import, import_results, import_rows
from .results import ImportRefused, ImportResult, RowError
from .template import build_template
from .workbook import MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES, count_rows

__all__ = [
    "CHOICE_ALIASES",
    "COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "OPTIONAL_COLUMNS",
    "ImportRefused",
    "ImportResult",
    "RowError",
    "build_template",
    "can_import",
    "count_rows",
    "import_results",
    "import_rows",
]
