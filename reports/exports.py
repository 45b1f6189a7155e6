"""The session report's tables (section 5 of the council report), as the page shows them and as the
workbook writes them (every text cell through portal.safe_cells).

Every figure comes from reports.achievement: a table is one achievement() call, its cells are
Row counts and Row percentages, nothing is recomputed here.
"""

import re
from dataclasses import dataclass, field
from io import BytesIO
from itertools import groupby

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from academics.choices import StudyForm
from portal.numbers import NumberFormat, number
from portal.safe_cells import safe_text
from sessions_app.choices import GradeValue, NotAdmittedReason

from .achievement import By, Stage, achievement, achievement_tables, best, total

# The columns of the seed's tables, grouped under their two-row heading. The page shows a count
# and its share of the contingent in one cell; the workbook gives the share its own column.


@dataclass(frozen=True)
class Column:
    """One figure: a count (with its share of the contingent when `share`), or a rate."""

    key: str
    label: object = ""  # the second heading row; empty when the group has this one column
    rate: bool = False  # absolute_pct / quality_pct, a Row property
    share: bool = False

    def value(self, row):
        return getattr(row, self.key) if self.rate else row.counts[self.key]

    def share_of(self, row):
        return row.pct(self.key) if self.share else None


@dataclass(frozen=True)
class ColumnGroup:
    label: object
    columns: tuple

    @property
    def span(self):
        return len(self.columns)

    @property
    def single(self):
        return len(self.columns) == 1


def _one(key, label, share=False):
    return ColumnGroup(label, (Column(key, share=share),))


HEAD = (
    _one("contingent", gettext_lazy("Contingent")),
    ColumnGroup(
        gettext_lazy("Funding"),
        (Column("budget", gettext_lazy("budget")), Column("contract", gettext_lazy("contract"))),
    ),
    _one("admitted", gettext_lazy("Admitted"), share=True),
    ColumnGroup(
        gettext_lazy("Not admitted"),
        (
            Column("not_admitted_valid", gettext_lazy("valid reason")),
            Column("not_admitted_invalid", gettext_lazy("invalid reason")),
        ),
    ),
    _one("excellent", gettext_lazy("Excellent"), share=True),
    _one("good", gettext_lazy("Excellent and good"), share=True),
    _one("mixed", gettext_lazy("Mixed"), share=True),
    _one("satisfactory", gettext_lazy("Satisfactory"), share=True),
    _one("passed", gettext_lazy("Passed")),
    _one("not_passed", gettext_lazy("Not passed"), share=True),
    _one("no_show", gettext_lazy("No-shows"), share=True),
    ColumnGroup(
        gettext_lazy("Owing subjects"),
        (
            Column("owing_1", "1", share=True),
            Column("owing_2", "2", share=True),
            Column("owing_3_plus", "3+", share=True),
        ),
    ),
    ColumnGroup(
        gettext_lazy("Achievement, %"),
        (
            Column("absolute_pct", gettext_lazy("absolute"), rate=True),
            Column("quality_pct", gettext_lazy("quality"), rate=True),
        ),
    ),
)
COLUMNS = tuple(column for group in HEAD for column in group.columns)
# Where a new heading group starts, for a rule between groups on the page.
_GROUP_STARTS = frozenset(sum(group.span for group in HEAD[:index]) for index in range(len(HEAD)))


@dataclass(frozen=True)
class Cell:
    value: object  # an int, or a Decimal for a rate
    share: object  # the count's share of the contingent (a Decimal), or None
    rate: bool
    group_start: bool = False


@dataclass(frozen=True)
class SheetColumn:
    """A column of the workbook: a count, a share or a rate, under its group."""

    group: ColumnGroup
    label: object
    column: Column
    is_share: bool

    @property
    def percent(self):
        return self.is_share or self.column.rate

    def value(self, row):
        return self.column.share_of(row) if self.is_share else self.column.value(row)


def sheet_columns():
    columns = []
    for group in HEAD:
        for column in group.columns:
            label = column.label
            if column.share and not label:
                label = gettext_lazy("number")
            columns.append(SheetColumn(group, label, column, False))
            if column.share:
                columns.append(SheetColumn(group, "%", column, True))
    return columns


@dataclass
class Line:
    """A row of a table: the Row, and whether it is the best."""

    row: object
    best: bool = False

    @property
    def cells(self):
        return [
            Cell(column.value(self.row), column.share_of(self.row), column.rate, i in _GROUP_STARTS)
            for i, column in enumerate(COLUMNS)
        ]

    def cells_html(self):
        """The <td> cells of the row, numbers in the active language's format. Built here rather
        than in the template: a page of four tables has some 700 of them, and the template
        engine would spend more time on them than the database spends on the figures."""
        number = NumberFormat()
        parts = []
        for cell in self.cells:
            classes = "num rate" if cell.rate else "num"
            if cell.group_start:
                classes += " group-start"
            share = ""
            if cell.rate:
                text = number(cell.value, 2)
            else:
                text = number(cell.value, 0)
                if cell.share is not None:
                    share = format_html('<span class="share">{}\xa0%</span>', number(cell.share, 2))
            parts.append((classes, text, share))
        return format_html_join("", '<td class="{}">{}{}</td>', parts)


TITLES = {
    (StudyForm.DAY, Stage.BEFORE): gettext_lazy("Day study form, before АКЖ"),
    (StudyForm.DAY, Stage.AFTER): gettext_lazy("Day study form, after АКЖ"),
    (StudyForm.EXTRAMURAL, Stage.BEFORE): gettext_lazy("Extramural study form, before АКЖ"),
    (StudyForm.EXTRAMURAL, Stage.AFTER): gettext_lazy("Extramural study form, after АКЖ"),
}
# Sheet names: at most 31 characters in Excel.
SHEET_NAMES = {
    (StudyForm.DAY, Stage.BEFORE): gettext_lazy("Day, before АКЖ"),
    (StudyForm.DAY, Stage.AFTER): gettext_lazy("Day, after АКЖ"),
    (StudyForm.EXTRAMURAL, Stage.BEFORE): gettext_lazy("Extramural, before АКЖ"),
    (StudyForm.EXTRAMURAL, Stage.AFTER): gettext_lazy("Extramural, after АКЖ"),
}
SCOPE_LABELS = {
    By.FACULTY: gettext_lazy("Faculty"),
    By.GROUP: gettext_lazy("Study group"),
}


def best_sentence(row):
    """The seed's sentence under a table, naming the faculty with the best absolute achievement."""
    return _(
        "Among the faculties, %(faculty)s had the highest absolute achievement (%(percent)s %%)."
    ) % {"faculty": row.scope, "percent": number(row.absolute_pct, 2)}


@dataclass
class Table:
    """One table of the report: the rows of a form at a stage, by faculty (or by group inside a
    faculty), their total, and the best faculty."""

    session: object
    form: str
    stage: str
    by: str
    lines: list = field(default_factory=list)
    total: Line | None = None
    total_label: object = ""
    best: object = None  # the Row with the highest absolute achievement, among several faculties

    @property
    def title(self):
        return TITLES[(self.form, self.stage)]

    @property
    def sheet_name(self):
        return SHEET_NAMES[(self.form, self.stage)]

    @property
    def scope_label(self):
        return SCOPE_LABELS[self.by]

    @property
    def sentence(self):
        return best_sentence(self.best) if self.best is not None else ""


def report_tables(session, stages, forms, faculty=None, by=By.FACULTY, total_label=None):
    """The tables of `session` for each form and stage (form first, as the seed orders them),
    limited to `faculty` (a Faculty or its id) when given. One query for them all."""
    if total_label is None:
        total_label = _("Total") if faculty is not None else _("University")
    # One query gives every form's rows at every stage.
    found = achievement_tables(session, stages, by=by, faculty=faculty)
    tables = []
    for form in forms:
        for stage in stages:
            rows = found.get((stage, form), [])
            top = best(rows) if by == By.FACULTY and len(rows) > 1 else None
            tables.append(
                Table(
                    session,
                    form,
                    stage,
                    by,
                    lines=[Line(row, best=row is top) for row in rows],
                    total=Line(total(rows)),
                    total_label=total_label,
                    best=top,
                )
            )
    return tables


def group_table(session, stage, group):
    """The one-row table of a study group."""
    rows = achievement(session, stage, by=By.GROUP, group_ids=[group.pk])
    return Table(session, group.program.form, stage, By.GROUP, lines=[Line(row) for row in rows])


# The students who still owe, as the group page lists them.


@dataclass(frozen=True)
class OwedItem:
    discipline: str
    kind: str
    grade: str  # the grade's name, or "no grade"
    missing: bool


@dataclass(frozen=True)
class OwingLine:
    student: object
    admitted: bool
    reason: str  # why not admitted, when not admitted
    items: tuple

    @property
    def count(self):
        return len(self.items)


def owing_lines(owing):
    """reports.achievement.owing_students() in words: each owed assessment with its discipline,
    kind and grade ("no grade" when none was entered), or not admitted with the reason."""
    lines = []
    for entry in owing:
        items = tuple(
            OwedItem(
                assessment.discipline.name,
                assessment.get_kind_display(),
                GradeValue(value).label if value else _("no grade"),
                not value,
            )
            for assessment, value in entry.owed
        )
        reason = ""
        if not entry.admitted:
            reason = NotAdmittedReason(entry.reason).label if entry.reason else ""
        lines.append(OwingLine(entry.student, entry.admitted, reason, items))
    return lines


# The workbook.

_HEAD_ROW = 3  # the title on row 1, the scope (or nothing) on row 2
_FIRST_DATA_ROW = _HEAD_ROW + 2
_BEST_FILL = "E3F1E6"
_HEAD_FILL = "E9EEF4"
_TOTAL_FILL = "F3F5F8"


def workbook(tables, scope_name=""):
    """An openpyxl Workbook with one sheet per table, laid out like the page: a title naming the
    session and the stage, the two-row heading, one row per faculty, the total, the best faculty
    highlighted and named under the table."""
    thin = Side(style="thin", color="9AA5B1")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor=_HEAD_FILL)
    best_fill = PatternFill("solid", fgColor=_BEST_FILL)
    total_fill = PatternFill("solid", fgColor=_TOTAL_FILL)
    centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
    columns = sheet_columns()
    last_column = 1 + len(columns)

    book = Workbook()
    book.remove(book.active)
    used_names = set()
    for table in tables:
        name = _sheet_title(str(table.sheet_name), used_names)
        sheet = book.create_sheet(name)

        title = sheet.cell(1, 1, safe_text(f"{table.session} — {table.title}"))
        title.font = Font(bold=True, size=13)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
        if scope_name:
            sheet.cell(2, 1, safe_text(scope_name)).font = Font(italic=True)

        # The heading: a group over its columns, or one cell over both rows.
        head = sheet.cell(_HEAD_ROW, 1, safe_text(table.scope_label))
        sheet.merge_cells(start_row=_HEAD_ROW, start_column=1, end_row=_HEAD_ROW + 1, end_column=1)
        index = 2
        for group, members in groupby(columns, key=lambda c: c.group):
            members = list(members)
            sheet.cell(_HEAD_ROW, index, safe_text(group.label))
            if len(members) == 1:
                sheet.merge_cells(
                    start_row=_HEAD_ROW, start_column=index, end_row=_HEAD_ROW + 1, end_column=index
                )
            else:
                sheet.merge_cells(
                    start_row=_HEAD_ROW,
                    start_column=index,
                    end_row=_HEAD_ROW,
                    end_column=index + len(members) - 1,
                )
                for offset, member in enumerate(members):
                    sheet.cell(_HEAD_ROW + 1, index + offset, safe_text(member.label))
            index += len(members)
        for row_index in (_HEAD_ROW, _HEAD_ROW + 1):
            for col_index in range(1, last_column + 1):
                cell = sheet.cell(row_index, col_index)
                cell.font = bold
                cell.fill = head_fill
                cell.border = border
                cell.alignment = centered
        head.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)

        row_index = _FIRST_DATA_ROW
        lines = [(line, line.row.scope, False) for line in table.lines]
        if table.total is not None:
            lines.append((table.total, str(table.total_label), True))
        for line, label, is_total in lines:
            scope = sheet.cell(row_index, 1, safe_text(label))
            scope.alignment = Alignment(vertical="top", wrap_text=True)
            for col_index, column in enumerate(columns, start=2):
                value = column.value(line.row)
                # A percentage is a Decimal; the workbook holds it as a number shown with two
                # decimals, and a count as an integer.
                cell = sheet.cell(
                    row_index, col_index, float(value) if column.percent else int(value)
                )
                cell.number_format = "0.00" if column.percent else "#,##0"
            for col_index in range(1, last_column + 1):
                cell = sheet.cell(row_index, col_index)
                cell.border = border
                if is_total:
                    cell.font = bold
                    cell.fill = total_fill
                elif line.best:
                    cell.fill = best_fill
                    cell.font = bold
            row_index += 1
        if table.sentence:
            sheet.cell(row_index + 1, 1, safe_text(table.sentence))

        sheet.freeze_panes = sheet.cell(_FIRST_DATA_ROW, 2)
        sheet.column_dimensions["A"].width = 48
        for col_index, column in enumerate(columns, start=2):
            width = 8 if column.is_share else 11
            sheet.column_dimensions[get_column_letter(col_index)].width = width
        sheet.row_dimensions[_HEAD_ROW].height = 32
        sheet.print_title_rows = f"{_HEAD_ROW}:{_HEAD_ROW + 1}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return book


def _sheet_title(name, used):
    name = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def workbook_bytes(tables, scope_name=""):
    buffer = BytesIO()
    workbook(tables, scope_name).save(buffer)
    return buffer.getvalue()


def workbook_filename(session, stages):
    stage = stages[0] if len(stages) == 1 else "both"
    return f"achievement-{session.academic_year.name}-term{session.term}-{stage}.xlsx"
