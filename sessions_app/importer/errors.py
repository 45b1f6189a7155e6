"""The errors of a checked results file, grouped by kind for the page and kept whole for a
download: a registrar fixing 842 copies of one mistake reads one line that says which rows, and
sorts and filters the full list (row, column, value, message) in the spreadsheet program.

The full list waits under MEDIA_ROOT/import-errors/<token>.json, named by a random token that
only the uploader's session knows (as the uploads do, portal.staging): the session itself stays
small, since it is saved again on every request."""

import io
import json
import secrets
from typing import NamedTuple

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.safe_cells import safe_cell
from portal.staging import Staging

from .results import RowError

ERRORS = Staging("import-errors", ".json", session_key="results_import_errors")
# The rows named on each kind's line, and the kinds listed on the page (the rest: the download).
ROWS_SHOWN = 5
GROUPS_SHOWN = 15


class ErrorGroup(NamedTuple):
    """One kind of error: the same message in the same column, on `count` rows."""

    column: str
    message: str
    count: int
    rows: list  # the first ROWS_SHOWN rows, in the file's order
    forbidden: bool = False

    @property
    def more(self):
        return max(self.count - len(self.rows), 0)


def group_errors(errors):
    """[ErrorGroup], in the order each kind first appears in the file."""
    groups = {}
    for error in errors:
        key = (error.column, error.message)
        group = groups.get(key)
        if group is None:
            groups[key] = group = {"count": 0, "rows": [], "forbidden": error.forbidden}
        group["count"] += 1
        if error.row is not None and len(group["rows"]) < ROWS_SHOWN:
            group["rows"].append(error.row)
    return [
        ErrorGroup(column, message, group["count"], group["rows"], group["forbidden"])
        for (column, message), group in groups.items()
    ]


def keep_errors(errors):
    """Write every error for the download; its token."""
    ERRORS.directory().mkdir(parents=True, exist_ok=True)
    ERRORS.delete_old()
    token = secrets.token_urlsafe(24)
    rows = [[e.row, e.column, e.message, e.forbidden, e.value] for e in errors]
    with open(ERRORS.path(token), "x", encoding="utf-8") as out:
        json.dump(rows, out, ensure_ascii=False)
    return token


def kept_errors(token):
    with open(ERRORS.path(token), encoding="utf-8") as kept:
        return [RowError(*error) for error in json.load(kept)]


def errors_workbook(errors):
    """The .xlsx of every error, headed in the interface's language; every cell shown, never
    run (portal.safe_cells)."""
    # Written as a stream: a file may have 200 000 errors.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Errors")[:31])
    for letter, width in zip("ABCD", (8, 24, 24, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{len(errors) + 1}"
    headers = [_("Row"), _("Column"), _("Value in the file"), _("What is wrong")]
    sheet.append([_bold(sheet, header) for header in headers])
    for error in errors:
        sheet.append([safe_cell(v) for v in (error.row, error.column, error.value, error.message)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(sheet, text):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell
