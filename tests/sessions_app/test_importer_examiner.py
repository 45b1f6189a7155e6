"""The results import's examiner column: its headers, matching names to the teaching staff,
adding the unknown, one examiner per assessment, the rule of a closed main sheet, the audit."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from academics.choices import Position
from academics.models import Faculty, Program, StaffMember
from sessions_app import importer, rules, services
from sessions_app.choices import SheetAction
from sessions_app.importer import pipeline
from sessions_app.importer.columns import header
from sessions_app.models import Assessment, GradeSheet, SheetEvent
from tests import factories
from tests.sessions_app.test_import_page import URL, client_for, upload
from tests.sessions_app.test_importer import HEADERS, counts, good_rows, messages, workbook

pytestmark = pytest.mark.django_db

KEYS = [*HEADERS, "examiner"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(rows, user=None, dry_run=False, headers=None):
    data = workbook(rows, headers=headers, keys=KEYS)
    return importer.import_results(data, user=user, dry_run=dry_run)


def named(rows, math="", physics=""):
    """`rows` with the examiner of Mathematics and of Physics on each of their rows."""
    for values in rows:
        values["examiner"] = math if values["discipline"] == "Mathematics" else physics
    return rows


@pytest.fixture
def portal():
    """The file's structure imported once (no examiner), its program given a department."""
    result = importer.import_results(workbook(good_rows()))
    assert result.ok, messages(result)
    faculty = Faculty.objects.get()
    department = factories.department(faculty=faculty, name="Программалык инженерия кафедрасы")
    Program.objects.update(department=department)
    return {
        "faculty": faculty,
        "department": department,
        "math": Assessment.objects.get(discipline__name="Mathematics"),
        "physics": Assessment.objects.get(discipline__name="Physics"),
    }


def examiner_of(assessment):
    return Assessment.objects.get(pk=assessment.pk).examiner


# The header, in Kyrgyz and in Russian


@pytest.mark.parametrize(
    "language, alias",
    [
        ("ky", "Экзамен алуучу"),
        ("ky", "Окутуучу"),
        ("ru", "Экзаменатор"),
        ("ru", "ФИО преподавателя"),
        ("ru", "Преподаватель"),
    ],
)
def test_the_examiner_column_is_read_under_its_kyrgyz_and_russian_headers(portal, language, alias):
    teacher = factories.staff_member(full_name="Токтогулов Азамат", department=portal["department"])
    with translation.override(language):
        headers = [header(column) for column in HEADERS] + [alias]
        result = run(named(good_rows(), math="Токтогулов Азамат"), headers=headers)
    assert result.ok and result.written, messages(result)
    assert examiner_of(portal["math"]) == teacher
    # A blank cell (Physics) leaves the assessment without one, as it was.
    assert examiner_of(portal["physics"]) is None


def test_the_template_has_the_examiner_column_and_its_help():
    for language, title in [("ky", "Экзамен алуучу"), ("ru", "Экзаменатор")]:
        with translation.override(language):
            book = openpyxl.load_workbook(io.BytesIO(importer.build_template()))
        assert [c.value for c in book.worksheets[0][1]][-1] == title
        help_rows = [r[0].value for r in book.worksheets[1].iter_rows(min_row=2)]
        assert any(str(value).startswith(title) for value in help_rows if value)


# Matching the teaching staff


def test_a_name_matches_the_staff_despite_case_spacing_and_yo_and_kyrgyz_letters(portal):
    teacher = factories.staff_member(
        full_name="Сёмёнов Өмүр Асанович", department=portal["department"]
    )
    before = StaffMember.objects.count()
    rows = named(good_rows(), math="  СЕМЕНОВ   омур  асанович ", physics="сёмёнов өмүр асанович")
    result = run(rows)
    assert result.ok and result.written, messages(result)
    assert examiner_of(portal["math"]) == teacher
    assert examiner_of(portal["physics"]) == teacher
    assert StaffMember.objects.count() == before
    assert counts(result)["StaffMember"] == (0, 0, 0)
    assert counts(result)["Assessment"] == (0, 2, 0)


def test_of_two_staff_members_with_the_name_the_one_of_the_program_s_department_is_chosen(portal):
    elsewhere = factories.department(name="Жогорку математика кафедрасы")
    # Made first: the older record loses to the department's own.
    factories.staff_member(full_name="Асанов Болот", department=elsewhere)
    own = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    result = run(named(good_rows(), math="Асанов Болот"))
    assert result.ok, messages(result)
    assert examiner_of(portal["math"]) == own


# Adding the unknown


def test_an_unknown_name_is_added_to_the_program_s_department_once(portal):
    rows = named(good_rows(), math="Жаңы Окутуучу", physics="жаңы  окутуучу")
    dry = run(rows, dry_run=True)
    assert dry.ok, messages(dry)
    assert counts(dry)["StaffMember"] == (1, 0, 0)
    assert not StaffMember.objects.exists()

    result = run(rows)
    assert result.ok and result.written, messages(result)
    assert counts(result)["StaffMember"] == (1, 0, 0)
    added = StaffMember.objects.get()
    assert added.full_name == "Жаңы Окутуучу"
    assert added.department == portal["department"]
    assert added.position == Position.LECTURER
    assert examiner_of(portal["math"]) == added and examiner_of(portal["physics"]) == added
    # Importing it again finds the one added.
    again = run(rows)
    assert again.ok and counts(again)["StaffMember"] == (0, 0, 0)
    assert StaffMember.objects.count() == 1


def test_added_staff_get_personnel_numbers_no_one_holds(portal):
    factories.staff_member(full_name="Бар", department=portal["department"])
    result = run(named(good_rows(), math="Биринчи Жаңы", physics="Экинчи Жаңы"))
    assert result.ok, messages(result)
    numbers = list(StaffMember.objects.values_list("personnel_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3


def test_a_new_program_and_discipline_give_no_department_to_add_an_examiner_to():
    """The first import of a faculty: nothing is known of its departments."""
    before = Assessment.objects.count()
    result = run(named(good_rows(), math="Белгисиз Адам"))
    assert not result.written
    assert {(e.row, e.column) for e in result.errors} == {(2, "examiner")}
    assert "Белгисиз Адам" in result.errors[0].message
    assert Assessment.objects.count() == before
    assert not StaffMember.objects.exists()


def test_a_program_without_department_adds_the_examiner_to_the_discipline_s(portal):
    Program.objects.update(department=None)
    math_department = factories.department(name="Математика кафедрасы")
    portal["math"].discipline.department = math_department
    portal["math"].discipline.save()
    result = run(named(good_rows(), math="Жаңы Математик"))
    assert result.ok, messages(result)
    assert StaffMember.objects.get().department == math_department


# One examiner per assessment, all or nothing


def test_two_examiners_of_one_assessment_refuse_the_whole_file_naming_the_rows(portal):
    teacher = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    rows = named(good_rows(), math="Асанов Болот", physics="Жаңы Адам")
    rows[2]["examiner"] = "Бекова Айгүл"  # row 4: Mathematics again, another name
    result = run(rows)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(4, "examiner")]
    assert "row 2" in result.errors[0].message and "Асанов Болот" in result.errors[0].message
    assert "Row 4, column “examiner”" in messages(result)[0]
    # Nothing of the file was written: no examiner, no one added.
    assert examiner_of(portal["math"]) is None and examiner_of(portal["physics"]) is None
    assert list(StaffMember.objects.all()) == [teacher]


def test_an_examiner_named_on_some_rows_and_blank_on_others_is_one_examiner(portal):
    teacher = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    rows = good_rows()
    rows[2]["examiner"] = "Асанов Болот"  # row 4 only
    result = run(rows)
    assert result.ok, messages(result)
    assert examiner_of(portal["math"]) == teacher


# A blank cell, a closed sheet, the sheet's history


def test_a_blank_cell_keeps_the_examiner_the_assessment_has(portal):
    teacher = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    services.set_examiner(portal["math"], teacher, None)
    result = run(named(good_rows(), math="", physics=""))
    assert result.ok and result.written, messages(result)
    assert examiner_of(portal["math"]) == teacher
    assert counts(result)["Assessment"] == (0, 0, 2)


@pytest.mark.parametrize("close", [services.submit_sheet, services.lock_sheet])
def test_an_examiner_change_on_a_submitted_or_locked_main_sheet_is_refused_on_its_row(
    portal, close
):
    teacher = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    services.set_examiner(portal["math"], teacher, None)
    sheet = close(GradeSheet.objects.get(assessment=portal["math"], attempt="main"), None)
    for name in ("Жаңы Адам", "Бекова Айгүл"):
        factories.staff_member(full_name=name, department=portal["department"])
    before = StaffMember.objects.count()
    rows = named(good_rows(), math="Жаңы Адам", physics="Бекова Айгүл")
    for dry_run in (True, False):
        result = run(rows, dry_run=dry_run)
        assert not result.written
        assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "examiner", "Жаңы Адам")]
        assert result.errors[0].message == rules.refuse_examiner(sheet.status).message
    # All or nothing: Physics, whose sheet is open, keeps its examiner too.
    assert examiner_of(portal["math"]) == teacher and examiner_of(portal["physics"]) is None
    assert StaffMember.objects.count() == before
    # The examiner it already has is no change: the closed sheet takes the file.
    result = run(named(good_rows(), math="асанов болот"))
    assert result.ok and result.written, messages(result)


def test_an_examiner_changed_by_the_import_is_in_the_main_sheet_s_history(portal):
    old = factories.staff_member(full_name="Асанов Болот", department=portal["department"])
    services.set_examiner(portal["math"], old, None)
    sheet = GradeSheet.objects.get(assessment=portal["math"], attempt="main")
    user = factories.user(is_superuser=True)
    result = run(named(good_rows(), math="Жаңы Адам"), user=user)
    assert result.ok, messages(result)
    event = SheetEvent.objects.filter(sheet=sheet).latest("id")
    assert (event.action, event.by, event.reason) == (
        SheetAction.EXAMINER,
        user,
        "Асанов Болот → Жаңы Адам",
    )
    # A page opened before the change is stale.
    assert GradeSheet.objects.get(pk=sheet.pk).version > sheet.version


def test_a_dean_s_office_sets_its_own_faculty_s_examiners_only(portal):
    dean = factories.user(role="dean_office", faculty=portal["faculty"])
    result = run(named(good_rows(), math="Жаңы Адам"), user=dean)
    assert result.ok, messages(result)
    other = factories.user(role="dean_office", faculty=factories.faculty(name="Energy"))
    result = run(named(good_rows(), math="Башка Адам"), user=other)
    assert not result.written and result.forbidden
    assert examiner_of(portal["math"]).full_name == "Жаңы Адам"


# Fast: the staff are read once, whatever the number of names


def _queries(rows):
    with CaptureQueriesContext(connection) as queries:
        result = run(rows, dry_run=True)
    assert result.ok, messages(result)
    return len(queries)


def test_matching_examiners_takes_a_fixed_number_of_queries(portal):
    for n in range(12):
        factories.staff_member(full_name=f"Окутуучу {n}", department=portal["department"])

    def rows(math, physics):
        """Twelve groups' rows, Mathematics and Physics examined by math(n) and physics(n)."""
        found = []
        for n in range(12):
            for values in named(good_rows(), math=math(n), physics=physics(n)):
                values["group"] = f"PI-{n}-23"
                values["student_id"] = f"{values['student_id']}{n:02d}"
                found.append(values)
        return found

    blank = _queries(rows(lambda n: "", lambda n: ""))
    one = _queries(rows(lambda n: "Окутуучу 1", lambda n: "Окутуучу 1"))
    many = _queries(rows(lambda n: f"Окутуучу {n}", lambda n: f"Жаңы {n}"))
    assert many == one
    # The staff and the disciplines' departments, read once each.
    assert one - blank <= 2


def test_a_sheet_locked_between_the_check_and_the_write_refuses_the_file_on_its_row(
    portal, monkeypatch
):
    """The writer checks the rule again under the session's lock: a sheet locked after the file
    was checked refuses it whole, on the examiner's cell."""
    planned = pipeline.plan

    def lock_then_plan(*args):
        services.lock_sheet(services.open_sheet(portal["math"], "main"), None)
        return planned(*args)

    monkeypatch.setattr(pipeline, "plan", lock_then_plan)
    result = run(named(good_rows(), math="Жаңы Адам", physics="Жаңы Адам"))
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [(2, "examiner")]
    assert result.errors[0].message == rules.refuse_examiner("locked").message
    assert examiner_of(portal["math"]) is None and examiner_of(portal["physics"]) is None
    assert not StaffMember.objects.exists()


# The page says how many teaching staff the import adds


def test_the_import_page_says_how_many_examiners_it_adds_to_the_staff(portal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for(factories.user(is_superuser=True, is_staff=True))
    data = workbook(named(good_rows(), math="Жаңы Адам", physics="Экинчи Адам"), keys=KEYS)
    preview = client.post(URL, {"file": upload(data)})
    assert preview.context["staff_added"] == 2
    assert "2 examiners named in the file are not among the teaching staff" in (
        preview.content.decode()
    )
    assert not StaffMember.objects.exists()
    done = client.post(URL, {"token": preview.context["token"]})
    assert done.context["staff_added"] == 2
    assert 'id="staff-added"' in done.content.decode()
    assert StaffMember.objects.count() == 2
    # Matched ones add no one: no note.
    again = client.post(URL, {"file": upload(data)})
    assert again.context["staff_added"] == 0
    assert 'id="staff-added"' not in again.content.decode()
