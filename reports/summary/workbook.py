"""The group summary sheet as an .xlsx workbook: what the portal writes, and the identity it
carries so that the same file, filled in, can be uploaded back (reports.summary.upload).

Values only, never formulas; every text cell through portal.safe_cells. Each assessment has two
columns, the main attempt's grade and the АКЖ grade, so that a grade is typed as on the grade
sheet. A hidden sheet holds one signed value (django.core.signing): the session, the group, the
assessment and attempt of each grade column, and each grade cell's value as written, which the
upload takes as the values the person started from.
"""

import re
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from portal import workbook_identity
from portal.safe_cells import safe_cell, safe_text
from sessions_app.rules import MAIN, RETAKE

from ..achievement import Stage
from .sheet import FIGURES, RATES

SALT = "reports.summary.workbook"
IDENTITY_SHEET = workbook_identity.SHEET
# The layout: four heading lines, two rows of column headings, then a student a row.
HEAD_ROW = 5
FIRST_ROW = 7
NUMBER_COL, BOOK_COL, NAME_COL = 1, 2, 3
FIRST_GRADE_COL = 4
ATTEMPTS = (MAIN, RETAKE)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEF2F6")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def grade_columns(summary):
    """[(assessment, attempt)] in the order of the grade columns."""
    return [(column.assessment, attempt) for column in summary.columns for attempt in ATTEMPTS]


def identity(summary):
    """The identity the workbook carries, signed (portal.workbook_identity): whose summary it
    is, and what it held."""
    columns = grade_columns(summary)
    return {
        "session": summary.session.pk,
        "group": summary.group.pk,
        "columns": [[assessment.pk, attempt] for assessment, attempt in columns],
        "originals": {
            str(line.student.pk): [
                cell.typed(attempt) for cell in line.cells for attempt in ATTEMPTS
            ]
            for line in summary.lines
        },
    }


def _head(sheet, summary, university_name, last_col):
    session, group = summary.session, summary.group
    lines = (
        (university_name, Font(bold=True, size=12)),
        (_("GROUP SUMMARY SHEET"), Font(bold=True, size=13)),
        (
            _("Group %(group)s · %(session)s · %(faculty)s")
            % {"group": group.name, "session": session, "faculty": group.program.faculty.name},
            Font(size=11),
        ),
        (str(group.program), Font(italic=True, size=10)),
    )
    for row, (text, font) in enumerate(lines, 1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        cell = sheet.cell(row, 1, safe_text(text))
        cell.font = font
        cell.alignment = Alignment(horizontal="center")


def _headings(sheet, summary, last_col):
    fixed = {NUMBER_COL: "№", BOOK_COL: _("Record book №"), NAME_COL: _("Student's full name")}
    for col, text in fixed.items():
        sheet.merge_cells(
            start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW + 1, end_column=col
        )
        sheet.cell(HEAD_ROW, col, safe_text(text))
    col = FIRST_GRADE_COL
    for column in summary.columns:
        sheet.merge_cells(
            start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW, end_column=col + 1
        )
        sheet.cell(HEAD_ROW, col, safe_text(column.assessment.discipline.name))
        sheet.cell(HEAD_ROW + 1, col, safe_text(_("main")))
        sheet.cell(HEAD_ROW + 1, col + 1, "АКЖ")
        col += 2
    for _stage, label in Stage.CHOICES:
        sheet.merge_cells(
            start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW, end_column=col + 1
        )
        sheet.cell(HEAD_ROW, col, safe_text(label))
        sheet.cell(HEAD_ROW + 1, col, safe_text(_("owed")))
        sheet.cell(HEAD_ROW + 1, col + 1, safe_text(_("category")))
        col += 2
    for row in (HEAD_ROW, HEAD_ROW + 1):
        for col in range(1, last_col + 1):
            cell = sheet.cell(row, col)
            cell.font, cell.fill, cell.border, cell.alignment = (
                Font(bold=True),
                _HEAD_FILL,
                _BORDER,
                _WRAP,
            )


def _grade_cell(sheet, row, col, text):
    """A grade cell: a number as a number (as Excel keeps a typed 5); "+" and "-" (pass, fail),
    the closed vocabulary of grade_cell_text, as text marked as such (Excel's leading
    apostrophe, not a character of the value), so that the cell reads back as the grade."""
    if text.isdigit():
        return sheet.cell(row, col, int(text))
    cell = sheet.cell(row, col, text or None)
    if text and safe_text(text) != text:
        cell.quotePrefix = True
    return cell


def _students(sheet, summary):
    grades = range(FIRST_GRADE_COL, FIRST_GRADE_COL + 2 * len(summary.columns))
    for offset, line in enumerate(summary.lines):
        row = FIRST_ROW + offset
        values = [line.number, safe_text(line.student.record_book), line.student.full_name]
        values += [cell.typed(attempt) for cell in line.cells for attempt in ATTEMPTS]
        for stage in Stage.VALUES:
            values += [line.owed[stage], str(line.category_label(stage))]
        for col, value in enumerate(values, 1):
            if col in grades:
                cell = _grade_cell(sheet, row, col, value)
            else:
                cell = sheet.cell(row, col, safe_cell(value) if value is not None else None)
            cell.border = _BORDER
            if col >= FIRST_GRADE_COL:
                cell.alignment = Alignment(horizontal="center")
    return FIRST_ROW + len(summary.lines)


def _tallies(sheet, summary, row):
    """Under the students: per assessment, how many got each grade, then how many owe it: before
    АКЖ in the main column, after АКЖ in the АКЖ column (a line says so)."""
    row += 1
    note = _("Counts per assessment: before АКЖ under “main”, after АКЖ under “АКЖ”.")
    sheet.cell(row, NAME_COL, safe_text(note)).font = Font(bold=True)
    row += 1
    rows = [
        (label, [counts[stage] for stage in Stage.VALUES]) for label, counts in summary.tally_rows()
    ]
    rows.append(
        (
            _("owe it"),
            [[column.owing[stage] for column in summary.columns] for stage in Stage.VALUES],
        )
    )
    for label, (before, after) in rows:
        sheet.cell(row, NAME_COL, safe_text(label)).font = Font(italic=True)
        for index, (main, retake) in enumerate(zip(before, after, strict=True)):
            col = FIRST_GRADE_COL + 2 * index
            sheet.cell(row, col, main)
            sheet.cell(row, col + 1, retake)
        row += 1
    return row


def _figures(sheet, summary, row):
    """The group's figures (reports.achievement's Row), before and after АКЖ."""
    row += 1
    sheet.cell(row, NAME_COL, safe_text(_("The group's figures"))).font = Font(bold=True)
    for offset, (_stage, label) in enumerate(Stage.CHOICES):
        sheet.cell(row, FIRST_GRADE_COL + 2 * offset, safe_text(label)).font = Font(bold=True)
    for key, label in FIGURES:
        row += 1
        sheet.cell(row, NAME_COL, safe_text(label))
        for offset, stage in enumerate(Stage.VALUES):
            sheet.cell(row, FIRST_GRADE_COL + 2 * offset, summary.figures[stage].counts[key])
    for name, label in RATES:
        row += 1
        sheet.cell(row, NAME_COL, safe_text(label))
        for offset, stage in enumerate(Stage.VALUES):
            value = getattr(summary.figures[stage], name)
            cell = sheet.cell(row, FIRST_GRADE_COL + 2 * offset, value)
            cell.number_format = "0.00"


def workbook(summary, university_name):
    """The summary as an openpyxl Workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "_", safe_text(summary.group.name))[:31] or "summary"
    last_col = FIRST_GRADE_COL + 2 * len(summary.columns) + 3
    _head(sheet, summary, university_name, last_col)
    _headings(sheet, summary, last_col)
    row = _students(sheet, summary)
    row = _tallies(sheet, summary, row)
    _figures(sheet, summary, row)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_GRADE_COL)
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 34
    for col in range(FIRST_GRADE_COL, last_col + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 9
    sheet.row_dimensions[HEAD_ROW].height = 45
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW + 1}"
    workbook_identity.write(book, identity(summary), SALT)
    return book


def workbook_bytes(summary, university_name):
    buffer = BytesIO()
    workbook(summary, university_name).save(buffer)
    return buffer.getvalue()


def filename(summary):
    session = summary.session
    name = f"summary-{summary.group.name}-{session.academic_year.name}-{session.term}.xlsx"
    return "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
