"""A grade sheet as an .xlsx file to fill offline, and that file read back.

The file carries, on a very hidden sheet, the sheet's identity (assessment, attempt, version) and
each row's student and the value its cell held when downloaded, signed with Django's signing: a
file of another sheet, or one whose identity was edited, is refused. What it holds back are the
typed cells as text (forms.parse_grade decides what they mean) and the downloaded values: the
page saves them through services.record_grades, whose merge writes only the cells changed since
the download and shows a cell someone else changed meanwhile as a conflict.

Reading refuses the file as a whole (SheetFileRefused, each message naming the cell as Excel
does, "E9") when any row or cell is wrong: nothing is written.
"""

import io
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal import workbook_identity
from portal.context_processors import portal as portal_context
from portal.safe_cells import safe_text
from portal.uploads import XLSX, Refused, inspect_upload

from .choices import AssessmentKind, Attempt
from .forms import grade_cell_text, hint, parse_grade, points_allowed

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IDENTITY_SHEET, IDENTITY_CELL = workbook_identity.SHEET, workbook_identity.CELL
SALT = "sessions_app.sheet_file"
# The cells offered in the grade column's drop-down; points and other words are allowed too.
SUGGESTED = {"graded": ["5", "4", "3", "2", "н"], "credit": ["+", "-", "н"]}
GREY = PatternFill("solid", fgColor="E7E7E7")
THIN = Side(style="thin", color="9A9A9A")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LOCKED = Protection(locked=True)
OPEN = Protection(locked=False)


class SheetFileRefused(Refused):
    """The uploaded file is refused whole; each message names the cell (or the file)."""


class FileRow(NamedTuple):
    student_id: int
    record_book: str
    original: str  # the cell's value when downloaded, as grade_cell_text wrote it


class Layout(NamedTuple):
    """Where the roster lies in the visible sheet: its first row and its columns (1-based)."""

    first_row: int
    book_col: int
    grade_col: int


class Filled(NamedTuple):
    """What an uploaded file asks: student id -> typed text and -> the downloaded text, the cell
    of each student's grade ("E9"), and the sheet's version when downloaded."""

    typed: dict
    originals: dict
    cells: dict
    version: int


def _titles():
    return {
        AssessmentKind.EXAM: _("EXAM GRADE SHEET"),
        AssessmentKind.CREDIT: _("CREDIT GRADE SHEET"),
        AssessmentKind.COURSE_WORK: _("COURSE WORK GRADE SHEET"),
        AssessmentKind.PRACTICE: _("PRACTICE GRADE SHEET"),
    }


def _admission_text(row):
    if row.admitted:
        return _("admitted")
    if row.reason == "valid":
        return _("not admitted (valid reason)")
    return _("not admitted (invalid reason)")


def _header_lines(sheet):
    """(label, value) of the lines above the roster, as the printed sheet names them."""
    assessment = sheet.assessment
    session, group = assessment.session, assessment.group
    lines = [
        (_("Faculty"), group.program.faculty.name),
        (_("Exam session"), str(session)),
        (_("Study group"), group.name),
        (_("Program"), str(group.program)),
        (_("Discipline"), assessment.discipline.name),
        (_("Kind"), f"{assessment.get_kind_display()} · {sheet.get_attempt_display()}"),
        (_("Examiner"), assessment.examiner.full_name if assessment.examiner else "—"),
        (
            _("Date"),
            date_format(sheet.date, "SHORT_DATE_FORMAT") if sheet.date else "—",
        ),
        (
            _("Downloaded"),
            date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT"),
        ),
    ]
    return lines


def _columns(sheet):
    """The roster's column titles and widths; the grade column's index (1-based)."""
    columns = [("№", 5), (_("Student's full name"), 38), (_("Record book №"), 16)]
    if sheet.attempt == Attempt.RETAKE:
        columns.append((_("Main session"), 14))
    columns.append((_("Grade"), 10))
    grade_col = len(columns)
    columns.append((_("Admission to the session"), 30))
    return columns, grade_col


def _write_header(ws, sheet, width):
    title = _titles()[sheet.assessment.kind]
    if sheet.attempt == Attempt.RETAKE:
        title = f"{title} · {_('Academic debt retake (АКЖ)')}"
    # The university's name as every page and the printed sheet give it.
    ws.append([safe_text(portal_context(None)["university_name"])])
    ws.append([safe_text(title)])
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.cell(row, 1).font = Font(bold=True, size=12)
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
    for label, value in _header_lines(sheet):
        ws.append(["", safe_text(label), safe_text(value)])
        row = ws.max_row
        ws.cell(row, 2).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
    ws.append([])


def _write_roster(ws, sheet, rows, columns, grade_col):
    ws.append([safe_text(title) for title, _width in columns])
    head = ws.max_row
    for col, (_title, width) in enumerate(columns, 1):
        cell = ws.cell(head, col)
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.fill = GREY
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, entry in enumerate(rows, 1):
        values = [number, safe_text(entry.student.full_name), safe_text(entry.student.record_book)]
        if sheet.attempt == Attempt.RETAKE:
            values.append(safe_text(grade_cell_text(entry.main_value)))
        values.append(safe_text(grade_cell_text(entry.value, entry.points)))
        values.append(safe_text(_admission_text(entry)))
        ws.append(values)
        line = ws.max_row
        for col in range(1, len(columns) + 1):
            cell = ws.cell(line, col)
            cell.border = BOX
            editable = col == grade_col and entry.admitted
            cell.protection = OPEN if editable else LOCKED
            if not editable:
                cell.fill = GREY
        # Typed 5 stays the text "5", as on the page; points typed stay digits.
        ws.cell(line, grade_col).number_format = "@"
        ws.cell(line, grade_col).alignment = Alignment(horizontal="center")
    return head + 1


def _validation(ws, kind, grade_col, first_row, last_row):
    """A drop-down of the usual values and the page's hint; a warning, not a refusal, since
    points (and the other words parse_grade knows) are grades too."""
    if last_row < first_row:
        return
    choices = SUGGESTED["graded" if points_allowed(kind) else "credit"]
    check = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        showInputMessage=True,
    )
    check.prompt = str(hint(kind))[:250]
    check.error = str(hint(kind))[:250]
    letter = get_column_letter(grade_col)
    check.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(check)


def _identity(sheet, rows, layout):
    return {
        "a": sheet.assessment_id,
        "t": sheet.attempt,
        "v": sheet.version or 0,
        "l": list(layout),
        "r": [
            [
                entry.student.pk,
                entry.student.record_book,
                grade_cell_text(entry.value, entry.points),
            ]
            for entry in rows
        ],
    }


def build_workbook(sheet, rows):
    """The .xlsx bytes of a sheet: its header, its roster (`rows`: services.roster) with the
    values as the page shows them, the grade cells the only ones open, and its signed identity."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe_text(_("Grade sheet"))[:31]
    columns, grade_col = _columns(sheet)
    _write_header(ws, sheet, len(columns))
    first_row = _write_roster(ws, sheet, rows, columns, grade_col)
    _validation(ws, sheet.assessment.kind, grade_col, first_row, first_row + len(rows) - 1)
    ws.freeze_panes = ws.cell(first_row, 1)
    ws.protection.sheet = True  # no password: it guards against slips, the signature against edits
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    workbook_identity.write(wb, _identity(sheet, rows, Layout(first_row, 3, grade_col)), SALT)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_name(sheet):
    assessment = sheet.assessment
    attempt = "AKZh" if sheet.attempt == Attempt.RETAKE else "main"
    return f"{assessment.group.name} {assessment.discipline.name} {attempt}.xlsx".replace("/", "-")


# Reading back


def _cell_text(value):
    """A cell's value as the text a person typed: Excel turns a typed 87 into a number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_identity(wb, sheet, filename):
    where = _("“%(file)s”, the hidden sheet “%(sheet)s”, cell %(cell)s") % {
        "file": filename,
        "sheet": IDENTITY_SHEET,
        "cell": IDENTITY_CELL,
    }
    try:
        identity = workbook_identity.read(wb, SALT)
    except workbook_identity.IdentityMissing:
        raise SheetFileRefused(
            _(
                "“%(file)s” is not a grade sheet downloaded from the portal: download the sheet "
                "with “Download for Excel”, fill it and upload that file."
            )
            % {"file": filename}
        ) from None
    except workbook_identity.IdentityChanged:
        raise SheetFileRefused(
            _("%(where)s: the sheet's identity was changed, so the file cannot be trusted.")
            % {"where": where}
        ) from None
    if identity["a"] != sheet.assessment_id or identity["t"] != sheet.attempt:
        raise SheetFileRefused(
            _("%(where)s: this file is of another grade sheet; upload it on that sheet's page.")
            % {"where": where}
        )
    return identity


def _read_rows(ws, identity, on_sheet, kind):
    """The file's rows against the signed roster; every refusal names its cell."""
    layout = Layout(*identity["l"])
    # Keyed as the cell shows it: safe_text may have put an apostrophe before it.
    signed = {safe_text(book): FileRow(pk, book, original) for pk, book, original in identity["r"]}
    book_letter = get_column_letter(layout.book_col)
    grade_letter = get_column_letter(layout.grade_col)
    typed, originals, cells, errors, seen = {}, {}, {}, [], set()
    rows = ws.iter_rows(min_row=layout.first_row, max_col=max(layout.book_col, layout.grade_col))
    for line, cells_of_row in enumerate(rows, layout.first_row):
        values = [_cell_text(cell.value).strip() for cell in cells_of_row]
        book = values[layout.book_col - 1] if len(values) >= layout.book_col else ""
        grade = values[layout.grade_col - 1] if len(values) >= layout.grade_col else ""
        if not book:
            if grade:
                errors.append(
                    _("%(cell)s: a grade without a student (no record-book number in %(book)s).")
                    % {"cell": f"{grade_letter}{line}", "book": f"{book_letter}{line}"}
                )
            continue
        where = f"{book_letter}{line}"
        row = signed.get(book)
        if row is None:
            errors.append(
                _("%(cell)s: no student with record book “%(book)s” is on this sheet.")
                % {"cell": where, "book": book}
            )
        elif row.student_id not in on_sheet:
            errors.append(
                _(
                    "%(cell)s: the student with record book “%(book)s” is not on this sheet any "
                    "more; download the sheet again."
                )
                % {"cell": where, "book": book}
            )
        elif row.student_id in seen:
            errors.append(
                _("%(cell)s: the record book “%(book)s” is on the sheet twice.")
                % {"cell": where, "book": book}
            )
        else:
            seen.add(row.student_id)
            cell = f"{grade_letter}{line}"
            try:
                parse_grade(grade, kind)
            except ValidationError as exc:
                errors.append(f"{cell}: {exc.messages[0]}")
            typed[row.student_id] = grade
            originals[row.student_id] = row.original
            cells[row.student_id] = cell
    return typed, originals, cells, errors


def read_upload(upload, sheet, on_sheet):
    """What an uploaded file asks of `sheet` (Filled), or SheetFileRefused; `on_sheet`: the ids
    of the students the sheet lists now. The upload passes the portal's upload check first."""
    inspection = inspect_upload(upload, kinds=(XLSX,))
    filename = inspection.filename
    stream = getattr(upload, "file", upload)
    stream.seek(0)
    try:
        wb = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise SheetFileRefused(
            _("“%(file)s” cannot be read as a workbook.") % {"file": filename}
        ) from None
    try:
        identity = _read_identity(wb, sheet, filename)
        visible = [name for name in wb.sheetnames if name != IDENTITY_SHEET]
        ws = wb[visible[0]]
        typed, originals, cells, errors = _read_rows(
            ws, identity, set(on_sheet), sheet.assessment.kind
        )
    finally:
        wb.close()
    if errors:
        raise SheetFileRefused([f"“{filename}”: {message}" for message in errors])
    return Filled(typed, originals, cells, identity["v"])
