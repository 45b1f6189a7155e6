"""The group summary sheet: its figures are reports.achievement's, its students are in Kyrgyz
alphabetical order, its workbook reads back as the page shows it, and a filled workbook uploaded
back writes only the changed cells through the grade writer (with audit), all or nothing, naming
each refused cell as Excel does. Another faculty's group answers 404."""

from collections import Counter
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from academics import roles
from academics.models import Faculty
from reports.achievement import By, Stage, achievement
from reports.summary.sheet import group_summary
from reports.summary.workbook import FIRST_GRADE_COL, FIRST_ROW
from sessions_app import services
from sessions_app.choices import Attempt, ChangeSource
from sessions_app.models import Assessment, Grade, GradeChange
from tests import factories
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary_world(world):  # noqa: F811
    """test_achievement's hand-computed group, its three assessments (exam, exam, credit) and a
    user of each kind."""
    group = world["group"]
    faculty = group.program.faculty
    return {
        **world,
        "exams": list(Assessment.objects.filter(group=group).order_by("pk")),
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "other_dean": factories.user(
            role=roles.DEAN_OFFICE, faculty=Faculty.objects.get(name="Экономика")
        ),
        "rector": factories.user(role=roles.VICE_RECTOR),
    }


def client_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def urls(sw, group=None):
    args = (sw["session"].pk, (group or sw["group"]).pk)
    return {
        "page": reverse("reports:group_summary", args=args),
        "xlsx": reverse("reports:group_summary_xlsx", args=args),
        "print": reverse("reports:group_summary_print", args=args),
    }


def cell_of(sw, student_letter, assessment, attempt):
    """The workbook cell of a student's grade ("D7"), found from the summary's own order."""
    summary = group_summary(sw["session"], sw["group"])
    student = sw["students"][student_letter]
    row = FIRST_ROW + next(i for i, line in enumerate(summary.lines) if line.student == student)
    index = next(i for i, c in enumerate(summary.columns) if c.assessment == assessment)
    col = FIRST_GRADE_COL + 2 * index + (attempt == Attempt.RETAKE)
    return f"{get_column_letter(col)}{row}"


def download(client, sw, group=None):
    response = client.get(urls(sw, group)["xlsx"])
    assert response.status_code == 200
    # The group's Cyrillic name travels in RFC 6266's filename*.
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''summary-")
    return load_workbook(BytesIO(response.content))


def upload(client, sw, book, name="summary.xlsx"):
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return client.post(urls(sw)["page"], {"file": buffer})


# The figures


def test_the_figures_at_the_bottom_are_achievements_for_the_group(summary_world):
    session, group = summary_world["session"], summary_world["group"]
    summary = group_summary(session, group)
    for stage in Stage.VALUES:
        (row,) = achievement(session, stage, By.GROUP, group_ids=[group.pk])
        assert summary.figures[stage].counts == row.counts
        assert summary.figures[stage].absolute_pct == row.absolute_pct
        assert summary.figures[stage].quality_pct == row.quality_pct
    with translation.override("en"):
        labels = [str(label) for label, _values in summary.figure_rows]
        rows = dict(summary.figure_rows)
    assert labels[-2:] == [
        "Absolute achievement, %",
        "Quality achievement, %",
    ]
    assert list(rows.values())[-2:] == [["40.00", "60.00"], ["20.00", "30.00"]]


def test_each_students_category_adds_up_to_the_groups_counts(summary_world):
    summary = group_summary(summary_world["session"], summary_world["group"])
    for stage in Stage.VALUES:
        counts = Counter(line.category[stage] for line in summary.lines)
        figures = summary.figures[stage].counts
        for key in ("excellent", "good", "mixed", "satisfactory"):
            assert counts[key] == figures[key]
        assert counts["not_admitted"] == figures["contingent"] - figures["admitted"]
        assert counts["owing"] == figures["admitted"] - figures["passed"]
    by_name = {line.student.full_name[0]: line for line in summary.lines}
    assert by_name["A"].category == {"before": "excellent", "after": "excellent"}
    assert by_name["F"].category == {"before": "not_admitted", "after": "good"}
    assert by_name["G"].category == {"before": "owing", "after": "mixed"}
    assert (by_name["H"].owed, by_name["H"].category["after"]) == (
        {"before": 3, "after": 1},
        "owing",
    )
    assert by_name["E"].owed == {"before": None, "after": None}


def test_a_cell_shows_the_main_grade_then_the_akzh_grade(summary_world):
    exam1 = summary_world["exams"][0]
    summary = group_summary(summary_world["session"], summary_world["group"])
    index = next(i for i, c in enumerate(summary.columns) if c.assessment == exam1)
    texts = {line.student.full_name[0]: line.cells[index].text for line in summary.lines}
    assert (texts["A"], texts["G"], texts["H"], texts["F"]) == ("5", "н → 3", "2 → 2", "— → 4")
    column = summary.columns[index]
    assert (column.count(Stage.BEFORE, "5"), column.owing) == (
        4,  # A, B, I, J
        {"before": 2, "after": 1},  # G and H before; H after
    )


def test_students_are_in_kyrgyz_alphabetical_order():
    session = factories.exam_session()
    group = factories.group(name="ТИ-1-23")
    # By code point Ы would come before Ө and Ү; in the Kyrgyz alphabet it comes after them.
    for name in ("Ысаков Нурлан", "Үсөнов Бакыт", "Өмүрова Айгүл", "Абдыров Азамат", "Ногоев Ы"):
        factories.student(group=group, full_name=name)
    services.ensure_admissions(session, group)
    summary = group_summary(session, group)
    assert [line.student.full_name for line in summary.lines] == [
        "Абдыров Азамат",
        "Ногоев Ы",
        "Өмүрова Айгүл",
        "Үсөнов Бакыт",
        "Ысаков Нурлан",
    ]


# The pages


def test_the_groups_page_links_to_its_summary(summary_world):
    client = client_for(summary_world["dean"])
    args = (summary_world["session"].pk, summary_world["group"].pk)
    response = client.get(reverse("sessions:group_detail", args=args))
    assert urls(summary_world)["page"] in response.content.decode()


def test_the_page_and_its_printout_show_cells_and_rates_in_kyrgyz(summary_world):
    client = client_for(summary_world["dean"], language="ky")
    for name in ("page", "print"):
        response = client.get(urls(summary_world)[name])
        html = response.content.decode()
        assert response.status_code == 200
        assert "н → 3" in html and "2 → 2" in html
        assert "40,00" in html and "60,00" in html  # the Kyrgyz decimal comma


@pytest.mark.parametrize("name", ["page", "xlsx", "print"])
def test_another_faculty_gets_404(summary_world, name):
    client = client_for(summary_world["other_dean"])
    assert client.get(urls(summary_world)[name]).status_code == 404
    if name == "page":
        assert client.post(urls(summary_world)[name], {}).status_code == 404


def test_a_reader_who_may_not_enter_grades_sees_no_upload_and_may_not_post(summary_world):
    client = client_for(summary_world["rector"])
    response = client.get(urls(summary_world)["page"])
    assert response.status_code == 200
    assert b'type="file"' not in response.content
    book = download(client, summary_world)
    assert upload(client, summary_world, book).status_code == 403


# The workbook


def test_the_workbook_holds_the_page_as_values(summary_world, settings):
    settings.UNIVERSITY_NAME = "Ош технологиялык университети"
    book = download(client_for(summary_world["dean"]), summary_world)
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Ош технологиялык университети"
    assert "ЭЭ-1-23" in sheet["A3"].value
    assert sheet.freeze_panes == "D7"
    assert (sheet["A7"].value, sheet["C7"].value) == (1, "A студент")
    exam1, exam2, credit = summary_world["exams"]
    cells = {
        (letter, exam, attempt): sheet[cell_of(summary_world, letter, exam, attempt)].value
        for letter, exam, attempt in (
            ("A", exam1, Attempt.MAIN),
            ("G", exam1, Attempt.MAIN),
            ("G", exam1, Attempt.RETAKE),
            ("H", credit, Attempt.MAIN),
            ("J", exam2, Attempt.MAIN),
        )
    }
    assert list(cells.values()) == [5, "н", 3, "-", None]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    absolute = next(row for row in values if row[2] == "Absolute achievement, %")
    quality = next(row for row in values if row[2] == "Quality achievement, %")
    assert (float(absolute[3]), float(absolute[5])) == (40.0, 60.0)
    assert (float(quality[3]), float(quality[5])) == (20.0, 30.0)
    assert book["portal"].sheet_state == "veryHidden"  # Excel's menus cannot show it


def test_a_student_named_as_a_formula_is_written_as_text(summary_world):
    student = summary_world["students"]["A"]
    student.full_name = "=HYPERLINK(1)"
    student.save()
    sheet = download(client_for(summary_world["dean"]), summary_world).worksheets[0]
    names = [sheet.cell(row, 3).value for row in range(FIRST_ROW, FIRST_ROW + 10)]
    assert "'=HYPERLINK(1)" in names


# The upload


def test_the_filled_workbook_writes_only_the_changed_cells_with_audit(summary_world):
    dean = summary_world["dean"]
    client = client_for(dean)
    exam1, exam2, credit = summary_world["exams"]
    st = summary_world["students"]
    book = download(client, summary_world)
    sheet = book.worksheets[0]
    sheet[cell_of(summary_world, "J", exam2, Attempt.MAIN)] = 4  # a number, as Excel keeps it
    sheet[cell_of(summary_world, "I", credit, Attempt.RETAKE)] = "+"
    sheet[cell_of(summary_world, "H", exam1, Attempt.RETAKE)] = "3"
    before = GradeChange.objects.count()

    response = upload(client, summary_world, book)

    assert response.status_code == 302
    assert Grade.objects.get(assessment=exam2, student=st["J"], attempt="main").value == "4"
    assert Grade.objects.get(assessment=credit, student=st["I"], attempt="retake").value == "pass"
    assert Grade.objects.get(assessment=exam1, student=st["H"], attempt="retake").value == "3"
    changes = GradeChange.objects.order_by("pk")[before:]
    assert len(changes) == 3
    assert {(c.source, c.changed_by_id) for c in changes} == {(ChangeSource.IMPORT, dean.pk)}
    assert {(c.student_id, c.old_value, c.new_value) for c in changes} == {
        (st["J"].pk, "", "4"),
        (st["I"].pk, "", "pass"),
        (st["H"].pk, "2", "3"),
    }
    page = client.get(response["Location"]).content.decode()
    assert "3 grades were saved from the summary sheet." in page
    # The figures follow: H still owes the credit? No: H's retakes fixed all three but exam1
    # was 2, now 3, so H has passed after АКЖ.
    line = next(
        x
        for x in group_summary(summary_world["session"], summary_world["group"]).lines
        if x.student == st["H"]
    )
    assert line.owed["after"] == 0


def test_the_same_file_uploaded_unchanged_writes_nothing(summary_world):
    client = client_for(summary_world["dean"])
    before = GradeChange.objects.count()
    response = upload(client, summary_world, download(client, summary_world))
    assert response.status_code == 302
    assert GradeChange.objects.count() == before
    assert "nothing was saved" in client.get(response["Location"]).content.decode()


def test_a_bad_cell_is_refused_by_its_excel_name_and_nothing_is_written(summary_world):
    client = client_for(summary_world["dean"])
    exam1, exam2, credit = summary_world["exams"]
    book = download(client, summary_world)
    sheet = book.worksheets[0]
    sheet["D7"] = "5+"  # A's first grade column
    on_credit = cell_of(summary_world, "B", credit, Attempt.MAIN)
    sheet[on_credit] = 7  # points are no grade on a credit
    sheet[cell_of(summary_world, "J", exam2, Attempt.MAIN)] = "4"  # a good cell beside them
    before = GradeChange.objects.count()

    response = upload(client, summary_world, book)

    html = response.content.decode()
    assert response.status_code == 400
    assert "D7: “5+” is not a grade here. Type 5, 4, 3 or 2" in html
    assert f"{on_credit}: “7” is not a grade here. Type + for pass" in html
    assert html.index("D7: ") < html.index(f"{on_credit}: ")
    assert GradeChange.objects.count() == before
    assert not Grade.objects.filter(assessment=exam2, student=summary_world["students"]["J"])
    assert Grade.objects.get(assessment=exam1, student=summary_world["students"]["A"]).value == "5"


def test_a_rule_of_the_grade_writer_is_refused_with_its_cell(summary_world):
    client = client_for(summary_world["dean"])
    exam1 = summary_world["exams"][0]
    book = download(client, summary_world)
    cell = cell_of(summary_world, "A", exam1, Attempt.RETAKE)
    book.worksheets[0][cell] = "4"  # A passed with 5: no АКЖ grade
    before = GradeChange.objects.count()
    response = upload(client, summary_world, book)
    assert response.status_code == 400
    assert f"{cell}: The student does not owe this assessment" in response.content.decode()
    assert GradeChange.objects.count() == before


def test_a_cell_someone_changed_since_the_download_is_a_conflict(summary_world):
    dean = summary_world["dean"]
    client = client_for(dean)
    exam1, exam2, _credit = summary_world["exams"]
    st = summary_world["students"]
    book = download(client, summary_world)
    sheet = services.open_sheet(exam1, Attempt.MAIN)
    services.record_grades(sheet, {st["D"].pk: "4"}, dean, version=sheet.version)  # was 3
    cell = cell_of(summary_world, "D", exam1, Attempt.MAIN)
    book.worksheets[0][cell] = "5"
    before = GradeChange.objects.count()

    response = upload(client, summary_world, book)

    assert response.status_code == 400
    assert f"{cell}: you typed “5”, but someone saved “4”" in response.content.decode()
    assert GradeChange.objects.count() == before

    # Leave that cell as downloaded and change another: the other person's 4 stays.
    book.worksheets[0][cell] = "3"
    book.worksheets[0][cell_of(summary_world, "J", exam2, Attempt.MAIN)] = "5"
    response = upload(client, summary_world, book)
    assert response.status_code == 302
    assert Grade.objects.get(assessment=exam1, student=st["D"], attempt="main").value == "4"
    assert Grade.objects.get(assessment=exam2, student=st["J"], attempt="main").value == "5"
    page = client.get(response["Location"]).content.decode()
    assert "1 cell had been changed by someone else" in page


def test_another_groups_summary_is_refused(summary_world):
    client = client_for(summary_world["dean"])
    book = download(client, summary_world, group=summary_world["empty"])
    before = GradeChange.objects.count()
    response = upload(client, summary_world, book, name="other.xlsx")
    assert response.status_code == 400
    assert "“other.xlsx” is the summary sheet of another group" in response.content.decode()
    assert GradeChange.objects.count() == before


def test_a_workbook_without_the_portals_signature_is_refused(summary_world):
    client = client_for(summary_world["dean"])
    book = download(client, summary_world)
    book["portal"]["A1"] = book["portal"]["A1"].value[:-3] + "abc"
    response = upload(client, summary_world, book)
    assert response.status_code == 400
    assert "is not a group summary sheet downloaded from the portal" in response.content.decode()


def test_a_formula_is_refused_by_the_upload_check(summary_world):
    client = client_for(summary_world["dean"])
    book = download(client, summary_world)
    book.worksheets[0][cell_of(summary_world, "J", summary_world["exams"][1], Attempt.MAIN)] = (
        "=2+2"
    )
    before = GradeChange.objects.count()
    response = upload(client, summary_world, book)
    assert response.status_code == 400
    assert "formula" in response.content.decode()
    assert GradeChange.objects.count() == before


def test_an_unknown_record_book_is_refused_by_its_cell(summary_world):
    client = client_for(summary_world["dean"])
    book = download(client, summary_world)
    book.worksheets[0]["B8"] = "NO-SUCH"
    response = upload(client, summary_world, book)
    assert response.status_code == 400
    assert "B8: no student with the record book “NO-SUCH”" in response.content.decode()


def test_a_cell_on_a_submitted_sheet_is_refused_with_its_cell_and_sheet(summary_world):
    dean = summary_world["dean"]
    client = client_for(dean)
    exam1, exam2, _credit = summary_world["exams"]
    services.submit_sheet(services.open_sheet(exam2, Attempt.MAIN), dean)
    book = download(client, summary_world)
    cell = cell_of(summary_world, "J", exam2, Attempt.MAIN)
    book.worksheets[0][cell] = "4"
    book.worksheets[0][cell_of(summary_world, "D", exam1, Attempt.MAIN)] = "4"  # an open sheet
    before = GradeChange.objects.count()
    response = upload(client, summary_world, book)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{cell} ({exam2.discipline.name}, main): the sheet is submitted" in html
    assert GradeChange.objects.count() == before


def test_a_sheet_far_longer_than_a_group_is_refused_unread(summary_world):
    client = client_for(summary_world["dean"])
    book = download(client, summary_world)
    for row in range(1, 2100):
        book.worksheets[0].cell(row, 40, "x")
    response = upload(client, summary_world, book, name="long.xlsx")
    assert response.status_code == 400
    assert "“long.xlsx” has more than 2000 rows" in response.content.decode()


def test_the_summary_takes_the_same_queries_whatever_the_groups_size(summary_world):
    session, group = summary_world["session"], summary_world["group"]
    with CaptureQueriesContext(connection) as small:
        group_summary(session, group)
    exam1 = summary_world["exams"][0]
    newcomers = [factories.student(group=group) for _ in range(5)]
    services.ensure_admissions(session, group)
    sheet = services.open_sheet(exam1, Attempt.MAIN)
    services.record_grades(sheet, {s.pk: "4" for s in newcomers}, None, version=sheet.version)
    with CaptureQueriesContext(connection) as big:
        summary = group_summary(session, group)
    assert len(summary.lines) == 15
    assert len(big.captured_queries) == len(small.captured_queries)


def test_the_api_does_not_offer_figures_per_student(summary_world):
    client = client_for(summary_world["rector"])
    response = client.get(
        "/api/reports/achievement/",
        {"year": "2023-2024", "term": 2, "stage": "before", "by": "student"},
    )
    assert response.status_code == 400


def test_a_group_with_no_contingent_yet_shows_an_empty_sheet(summary_world):
    group = factories.group(program=summary_world["group"].program, name="ЭЭ-9-23")
    client = client_for(summary_world["dean"])
    response = client.get(urls(summary_world, group)["page"])
    assert response.status_code == 200
    assert "No student is in the group's contingent for this session yet." in (
        response.content.decode()
    )
    book = download(client, summary_world, group=group)
    assert book.worksheets[0]["A7"].value is None
