"""Reading the results workbook: portal.uploads checks it as it checks every upload (size,
type, zip and XML bombs) and, in the same streamed pass, counts the rows and finds the formulas
of its sheets; here the results sheet must be there, hold no formula and at most MAX_ROWS rows.
Then python-calamine reads its values (openpyxl takes eight times as long on 100 000 rows): the
values Excel cached, which is why formulas are refused first."""

import io
import os
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from academics.widgets import normalize
from portal import uploads

from .results import ImportRefused

# The import's own cap; the file's size and what it unpacks to are the portal's upload limits
# (settings PORTAL_UPLOAD_MAX_BYTES, PORTAL_UPLOAD_MAX_UNPACKED_BYTES).
MAX_ROWS = 200_000

SHEET_NAMES = ("results", "натыйжалар", "результаты")
# The name the template gives the sheet, and the messages use, per interface language.
SHEET_NAME = {"ky": "натыйжалар", "ru": "результаты"}


def sheet_name():
    """The results sheet's name in the interface's language."""
    return SHEET_NAME.get((translation.get_language() or "")[:2], SHEET_NAMES[0])


@dataclass(frozen=True)
class CheckedWorkbook:
    """A results workbook that passed the checks: its results sheet and the rows below its
    headers (blank rows included)."""

    filename: str
    sheet: str
    rows: int


@dataclass
class Sheet:
    name: str
    headers: list  # the cells of the header row
    rows: object  # iterator of the following rows, each a list of cell values
    first_row: int  # 0-based index of the header row
    first_column: int  # 0-based index of the first column
    row_count: int
    _book: object = None

    def close(self):
        if self._book is not None:
            self._book.close()


def check_workbook(source, filename=None):
    """Check a results workbook (a path, bytes, an uploaded or a binary file) and find its results
    sheet, without reading its cells: what the import page needs to know (how many rows) before
    the import runs. `filename` names the file in the messages (by default its own name).

    Raises ImportRefused with a message for the person who made the file.
    """
    if filename is None and isinstance(source, bytes | bytearray):
        filename = "results.xlsx"
    try:
        inspection = uploads.inspect_upload(source, filename, kinds=(uploads.XLSX,), formulas=False)
        sheet = _results_sheet(inspection.sheets)
        # Only this sheet is read: a formula in another one (a summary) does no harm.
        inspection.refuse_formulas([sheet])
    except uploads.UploadRefused as refusal:
        raise ImportRefused(refusal.messages) from None
    rows = max(sheet.rows - 1, 0)
    if rows > MAX_ROWS:
        raise ImportRefused(
            _("The sheet has %(rows)s rows; at most %(max)s can be imported at once.")
            % {"rows": rows, "max": MAX_ROWS}
        )
    return CheckedWorkbook(inspection.filename, sheet.name, rows)


def _results_sheet(sheets):
    wanted = {normalize(name) for name in SHEET_NAMES}
    for sheet in sheets:
        if normalize(sheet.name) in wanted:
            return sheet
    raise ImportRefused(
        _(
            "The workbook has no sheet named “%(name)s”; its sheets are: %(sheets)s. Name the "
            "sheet with the results “%(name)s” (or download the template)."
        )
        % {
            "name": sheet_name(),
            "sheets": ", ".join(f"“{sheet.name}”" for sheet in sheets) or "—",
        }
    )


def read_sheet(source, filename=None, checked=None):
    """Open the results sheet of a workbook that check_workbook() let through: `checked`, its
    answer for this very file, or else it is checked now.

    Raises ImportRefused with a message for the person who made the file.
    """
    checked = checked or check_workbook(source, filename)
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    return _open_sheet(source, checked.sheet)


def _open_sheet(source, name):
    """The sheet's values through python-calamine, with its header row taken off."""
    try:
        if isinstance(source, str | os.PathLike):
            book = CalamineWorkbook.from_path(os.fspath(source))
        else:
            source.seek(0)
            book = CalamineWorkbook.from_filelike(source)
        sheet = book.get_sheet_by_name(name)
    except CalamineError as error:
        raise ImportRefused(
            _("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": error}
        ) from None
    start = sheet.start
    if start is None or sheet.height == 0:
        book.close()
        raise ImportRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": name})
    if start[0] != 0:
        book.close()
        raise ImportRefused(
            _(
                "The headers must be in row 1 of the sheet “%(sheet)s”; its first filled row "
                "is row %(row)s."
            )
            % {"sheet": name, "row": start[0] + 1}
        )
    rows = iter(sheet.iter_rows())
    headers = next(rows)
    return Sheet(name, headers, rows, start[0], start[1], sheet.height, book)
