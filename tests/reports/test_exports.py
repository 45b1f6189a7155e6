"""The session report's workbook: read back, it holds achievement()'s figures; text that a
spreadsheet would run as a formula is written as text."""

# The fixtures imported from the other test modules are used as parameters.
# ruff: noqa: F811

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from academics.choices import StudyForm
from portal import safe_cells
from reports import exports
from reports.achievement import By, Stage, achievement, total
from tests import factories
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)
from tests.reports.test_session_report_views import (  # noqa: F401  (report_world: a fixture)
    add_faculty_with_group,
    client_for,
    report_world,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports:session_report_xlsx")
FIRST_DATA_ROW = 5


def download(user, language="ky", **query):
    response = client_for(user, language).get(URL, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response, load_workbook(BytesIO(response.content))


def sheet_rows(sheet):
    """{label in column A: [the figures]} of the data rows (from row 5 to the first empty one)."""
    rows = {}
    for values in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if values[0] is None:
            break
        rows[values[0]] = list(values[1:])
    return rows


def expected(row):
    return [
        float(column.value(row)) if column.percent else column.value(row)
        for column in exports.sheet_columns()
    ]


def test_the_workbook_holds_the_pages_figures(report_world):
    session = report_world["session"]
    response, book = download(report_world["rector"], session=session.pk)
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    with translation.override("ky"):
        names = [str(exports.SHEET_NAMES[(f, s)]) for f in StudyForm.values for s in Stage.VALUES]
        titles = {
            (f, s): f"{session} — {exports.TITLES[(f, s)]}"
            for f in StudyForm.values
            for s in Stage.VALUES
        }
        university = str(translation.gettext("University"))
    assert book.sheetnames == names
    for form in StudyForm.values:
        for stage in Stage.VALUES:
            with translation.override("ky"):
                sheet = book[str(exports.SHEET_NAMES[(form, stage)])]
            rows = achievement(session, stage, By.FACULTY, form=form)
            assert sheet["A1"].value == titles[(form, stage)]
            got = sheet_rows(sheet)
            want = {row.scope: expected(row) for row in rows}
            want[university] = expected(total(rows))
            assert got == want
            assert list(got)[: len(rows)] == [row.scope for row in rows]
            assert sheet.freeze_panes == "B5"


def test_cells_are_typed_formatted_and_styled(report_world):
    _response, book = download(report_world["rector"], language="en", stage="before")
    assert book.sheetnames == ["Day, before АКЖ", "Extramural, before АКЖ"]
    sheet = book["Day, before АКЖ"]
    columns = exports.sheet_columns()
    # The heading: bold, in the active language, a group over its columns.
    assert sheet["A3"].value == "Faculty" and sheet["A3"].font.b
    assert sheet["B3"].value == "Contingent"
    assert "B3:B4" in {str(r) for r in sheet.merged_cells.ranges}
    admitted = 2 + next(i for i, c in enumerate(columns) if c.column.key == "admitted")
    assert sheet.cell(3, admitted).value == "Admitted"
    assert [sheet.cell(4, admitted).value, sheet.cell(4, admitted + 1).value] == ["number", "%"]
    assert sheet.cell(3, admitted).border.left.style == "thin"
    # Counts are integers, percentages numbers with two decimals shown.
    for index, column in enumerate(columns, start=2):
        cell = sheet.cell(FIRST_DATA_ROW, index)
        if column.percent:
            # 100.0 is stored as "100", which reads back as an int.
            assert isinstance(cell.value, int | float) and cell.number_format == "0.00"
        else:
            assert isinstance(cell.value, int) and cell.number_format == "#,##0"
    assert sheet.column_dimensions["A"].width > 30
    # The best faculty (the first row here) is highlighted, the others are not.
    labels = [sheet.cell(r, 1).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 3)]
    assert labels == ["Архитектура", "Энергетика", "University"]
    assert sheet.cell(FIRST_DATA_ROW, 1).fill.fgColor.rgb.endswith("E3F1E6")
    assert sheet.cell(FIRST_DATA_ROW + 1, 1).fill.fill_type is None
    sentence = sheet.cell(FIRST_DATA_ROW + 4, 1).value
    assert sentence.startswith("Among the faculties, Архитектура") and "100.00" in sentence


def test_a_dean_office_exports_only_its_faculty(report_world):
    _response, book = download(report_world["dean"], language="en", stage="after")
    got = sheet_rows(book["Day, after АКЖ"])
    assert list(got) == ["Энергетика", "Total"]
    assert got["Энергетика"] == got["Total"]
    assert book["Day, after АКЖ"]["A2"].value == "Энергетика"
    assert sheet_rows(book["Extramural, after АКЖ"]) == {"Total": [0] * len(got["Total"])}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+996 555", "'+996 555"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("Экономика = жакшы", "Экономика = жакшы"),
        ("bell\x07 and nul\x00", "bell and nul"),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_text_neutralises_formulas(text, safe):
    assert safe_cells.safe_text(text) == safe


def test_a_formula_in_a_name_is_written_as_text(world):
    session = world["session"]
    add_faculty_with_group(session, '=HYPERLINK("http://evil","x")', "X-1", ["5"])
    book = exports.workbook(exports.report_tables(session, [Stage.BEFORE], [StudyForm.DAY]))
    reread = load_workbook(BytesIO(_save(book)))
    cells = [c for row in reread.active.iter_rows() for c in row if c.value]
    named = [c for c in cells if str(c.value).lstrip("'").startswith("=HYPERLINK")]
    assert [c.coordinate for c in named] == ["A5"]  # the faculty's line
    assert named[0].data_type == "s" and named[0].value.startswith("'=")
    assert not any(c.data_type == "f" for c in cells)


def _save(book):
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_session_without_data_exports_empty_tables(report_world):
    newer = factories.exam_session(academic_year=factories.academic_year(2024), term=1)
    _response, book = download(report_world["rector"], language="en", session=newer.pk)
    assert all(list(sheet_rows(sheet)) == ["University"] for sheet in book.worksheets)
