"""The results import: whole files or nothing, every bad row named, the audit, locks, languages."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from academics import roles
from academics.models import AcademicYear, Discipline, Faculty, Program, Student, StudyGroup
from sessions_app import importer, rules, services
from sessions_app.choices import Attempt, ChangeSource, GradeValue, SheetStatus
from sessions_app.models import (
    Admission,
    Assessment,
    ExamSession,
    Grade,
    GradeChange,
    GradeSheet,
)
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = [column for column in importer.COLUMNS if column not in importer.OPTIONAL_COLUMNS]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(**values):
    base = {
        "academic_year": "2023-2024",
        "term": 2,
        "faculty": "Faculty of IT",
        "program_code": "710400",
        "program_name": "Software engineering",
        "level": "bachelor",
        "form": "day",
        "group": "PI-1-23",
        "student_id": "2300001",
        "student_name": "Asanov Bakyt",
        "funding": "budget",
        "admitted": "yes",
        "not_admitted_reason": "",
        "discipline": "Mathematics",
        "kind": "exam",
        "attempt": "main",
        "grade": "5",
    }
    base.update(values)
    return base


def student(n, **values):
    names = {1: "Asanov Bakyt", 2: "Bekova Aida", 3: "Tokonov Emil"}
    funding = {1: "budget", 2: "contract", 3: "contract"}
    return row(student_id=f"230000{n}", student_name=names[n], funding=funding[n], **values)


def good_rows():
    """Three students, an exam and a credit, the main session and АКЖ."""
    not_admitted = {"admitted": "no", "not_admitted_reason": "invalid", "grade": ""}
    return [
        student(1, discipline="Mathematics", kind="exam", grade="5"),  # row 2
        student(1, discipline="Physics", kind="credit", grade="pass"),  # row 3
        student(2, discipline="Mathematics", kind="exam", grade="2"),  # row 4
        student(2, discipline="Physics", kind="credit", grade="absent"),  # row 5
        student(3, discipline="Mathematics", kind="exam", **not_admitted),  # row 6
        student(3, discipline="Physics", kind="credit", **not_admitted),  # row 7
        student(2, discipline="Mathematics", kind="exam", attempt="retake", grade="4"),  # row 8
        student(2, discipline="Physics", kind="credit", attempt="retake", grade=""),  # row 9
        student(3, discipline="Mathematics", kind="exam", attempt="retake", grade="3"),  # row 10
    ]


def workbook(rows, headers=None, sheet="results", keys=None, before=None):
    """An .xlsx in memory: `headers` as written in row 1, the `rows` (dicts by column)."""
    keys = keys or HEADERS
    headers = headers or keys
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for values in rows:
        ws.append([values.get(key, "") for key in keys])
    if before:
        before(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(rows, user=None, dry_run=False, **kw):
    return importer.import_results(workbook(rows, **kw), user=user, dry_run=dry_run)


def messages(result):
    return [str(error) for error in result.errors]


def counts(result):
    return {model.__name__: (c.created, c.updated, c.unchanged) for model, c in result.count_rows()}


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (
            AcademicYear,
            Faculty,
            Program,
            StudyGroup,
            Student,
            Discipline,
            ExamSession,
            Assessment,
            Admission,
            Grade,
            GradeChange,
            GradeSheet,
        )
    }


EMPTY = {
    "AcademicYear": 0,
    "Faculty": 0,
    "Program": 0,
    "StudyGroup": 0,
    "Student": 0,
    "Discipline": 0,
    "ExamSession": 0,
    "Assessment": 0,
    "Admission": 0,
    "Grade": 0,
    "GradeChange": 0,
    "GradeSheet": 0,
}


# A good file, and the same file again


def test_a_good_file_imports_everything():
    result = run(good_rows())
    assert result.ok and result.written, messages(result)
    assert result.rows == 9
    assert snapshot() == {
        "AcademicYear": 1,
        "Faculty": 1,
        "Program": 1,
        "StudyGroup": 1,
        "Student": 3,
        "Discipline": 2,
        "ExamSession": 1,
        "Assessment": 2,
        "Admission": 5,  # 3 main, АКЖ for the two students who owe
        "Grade": 6,
        "GradeChange": 6,
        "GradeSheet": 3,  # both main sheets, the exam's АКЖ sheet
    }
    program = Program.objects.get()
    assert (program.code, program.name, program.level, program.form) == (
        "710400",
        "Software engineering",
        "bachelor",
        "day",
    )
    assert program.faculty.name == "Faculty of IT"
    group = StudyGroup.objects.get()
    assert (group.name, group.academic_year.start_year, group.program) == ("PI-1-23", 2023, program)
    bekova = Student.objects.get(record_book="2300002")
    assert (bekova.full_name, bekova.funding, bekova.group) == ("Bekova Aida", "contract", group)
    session = ExamSession.objects.get()
    assert (session.academic_year.start_year, session.term) == (2023, 2)
    math = Assessment.objects.get(discipline__name="Mathematics")
    assert (math.kind, math.group, math.session) == ("exam", group, session)
    grades = {
        (g.student.record_book, g.assessment.discipline.name, g.attempt): g.value
        for g in Grade.objects.select_related("student", "assessment__discipline")
    }
    assert grades == {
        ("2300001", "Mathematics", "main"): "5",
        ("2300001", "Physics", "main"): "pass",
        ("2300002", "Mathematics", "main"): "2",
        ("2300002", "Physics", "main"): "absent",
        ("2300002", "Mathematics", "retake"): "4",
        ("2300003", "Mathematics", "retake"): "3",
    }
    tokonov = Admission.objects.get(student__record_book="2300003", stage=Attempt.MAIN)
    assert (tokonov.admitted, tokonov.reason, tokonov.group) == (False, "invalid", group)
    assert Admission.objects.get(student__record_book="2300003", stage=Attempt.RETAKE).admitted
    # The audit: one row per grade, from the import.
    assert set(GradeChange.objects.values_list("source", flat=True)) == {ChangeSource.IMPORT}
    change = GradeChange.objects.get(student=bekova, attempt="retake")
    assert (change.old_value, change.new_value, change.changed_by) == ("", "4", None)
    assert set(GradeSheet.objects.values_list("status", "version")) == {("draft", 1)}
    assert counts(result)["Grade"] == (6, 0, 0)
    assert counts(result)["Admission"] == (5, 0, 0)


def test_the_sheets_of_an_import_show_on_the_grade_sheet_roster():
    run(good_rows())
    math = Assessment.objects.get(discipline__name="Mathematics")
    retake = GradeSheet.objects.get(assessment=math, attempt=Attempt.RETAKE)
    rows = {r.student.record_book: (r.admitted, r.value) for r in services.roster(retake)}
    assert rows == {"2300002": (True, "4"), "2300003": (True, "3")}


def test_importing_the_same_file_again_changes_nothing():
    user = factories.user(is_superuser=True)
    data = workbook(good_rows())
    importer.import_results(data, user=user)
    before = snapshot()
    sheets = set(GradeSheet.objects.values_list("pk", "version", "updated_at"))
    admissions = set(Admission.objects.values_list("pk", "updated_at"))
    grades = set(Grade.objects.values_list("pk", "value", "entered_at"))

    result = importer.import_results(data, user=user)
    assert result.ok and result.written
    assert result.changed == 0
    assert all(c.created == c.updated == 0 for _model, c in result.count_rows())
    assert snapshot() == before
    assert set(GradeSheet.objects.values_list("pk", "version", "updated_at")) == sheets
    assert set(Admission.objects.values_list("pk", "updated_at")) == admissions
    assert set(Grade.objects.values_list("pk", "value", "entered_at")) == grades
    assert counts(result)["Grade"] == (0, 0, 6)


def test_a_changed_grade_is_updated_with_its_audit_and_the_sheet_version():
    run(good_rows())
    rows = good_rows()
    rows[0]["grade"] = "4"
    result = run(rows)
    assert result.ok, messages(result)
    assert counts(result)["Grade"] == (0, 1, 5)
    asanov = Grade.objects.get(
        student__record_book="2300001", assessment__discipline__name="Mathematics"
    )
    assert asanov.value == "4"
    change = GradeChange.objects.filter(student__record_book="2300001").latest("id")
    assert (change.old_value, change.new_value, change.source) == ("5", "4", "import")
    sheet = GradeSheet.objects.get(assessment=asanov.assessment, attempt="main")
    assert sheet.version == 2
    physics = GradeSheet.objects.get(assessment__discipline__name="Physics", attempt="main")
    assert physics.version == 1


def test_a_dry_run_writes_nothing_and_counts_what_would_change():
    result = run(good_rows(), dry_run=True)
    assert result.ok and not result.written
    assert snapshot() == EMPTY
    assert counts(result)["Student"] == (3, 0, 0)
    assert counts(result)["Grade"] == (6, 0, 0)
    assert counts(result)["GradeSheet"] == (3, 0, 0)


# Bad rows


def test_one_bad_row_among_good_ones_writes_nothing_and_is_named():
    rows = good_rows()
    rows[3]["grade"] = "6x"  # Excel row 5
    result = run(rows)
    assert not result.ok and not result.written
    assert snapshot() == EMPTY
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (5, "grade")
    assert "“6x” is not a grade" in error.message
    assert str(error).startswith("Row 5, column “grade”: ")


def test_every_bad_row_is_listed():
    rows = good_rows()
    rows[0]["term"] = 3  # row 2
    rows[2]["funding"] = "free"  # row 4
    rows[4]["not_admitted_reason"] = ""  # row 6
    rows[5]["student_id"] = ""  # row 7
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "term"),
        (4, "funding"),
        (6, "not_admitted_reason"),
        (7, "student_id"),
    ]
    assert "a value is required" in str(result.errors[3])
    assert snapshot() == EMPTY


@pytest.mark.parametrize(
    "change, indexes, column, reason",
    [
        (
            {"kind": "credit", "grade": "5"},
            [0],
            "grade",
            "“5 (excellent)” is not allowed here; use one of",
        ),
        ({"grade": "3"}, [4], "grade", "not admitted"),
        ({"not_admitted_reason": "valid"}, [0, 1], "not_admitted_reason", "blank"),
        ({"academic_year": "2023"}, [0], "academic_year", "not an academic year"),
        ({"level": "doctorate"}, [0], "level", "is not one of"),
    ],
)
def test_a_row_that_contradicts_itself_is_an_error(change, indexes, column, reason):
    rows = good_rows()
    for index in indexes:
        rows[index].update(change)
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(i + 2, column) for i in indexes]
    assert reason in result.errors[0].message
    assert snapshot() == EMPTY


def test_rows_that_contradict_each_other_are_errors():
    rows = good_rows()
    rows[1]["student_name"] = "Someone Else"  # row 3: another name for 2300001
    rows[3]["group"] = "PI-2-23"  # row 5: Bekova in two groups in one session
    rows.append(student(1, discipline="Mathematics", kind="exam", grade="4"))  # row 11: duplicate
    rows.append(row(student_id="2300009", program_name="Another name"))  # row 12
    result = run(rows)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "row 2 gives this record book to “Asanov Bakyt”" in found[(3, "student_name")]
    assert "row 4 puts this student in the group “PI-1-23”" in found[(5, "group")]
    assert "row 2 already holds this student's" in found[(11, "")]
    assert "row 2 names the program 710400 “Software engineering”" in found[(12, "program_name")]
    assert snapshot() == EMPTY


def test_a_retake_grade_for_a_student_who_does_not_owe_is_an_error():
    rows = good_rows()
    rows.append(student(1, discipline="Mathematics", attempt="retake", grade="5"))  # row 11
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(11, "grade")]
    assert "does not owe this assessment" in result.errors[0].message
    assert snapshot() == EMPTY


def test_a_retake_row_needs_a_main_session_row():
    result = run([student(1, attempt="retake", grade="3")])
    assert [(e.row, e.column) for e in result.errors] == [(2, "attempt")]
    assert "no main-session row" in result.errors[0].message


def test_retakes_keep_the_main_grade_and_a_blank_retake_grade_records_only_the_admission():
    result = run(good_rows())
    assert result.ok
    bekova = Student.objects.get(record_book="2300002")
    math = Grade.objects.filter(student=bekova, assessment__discipline__name="Mathematics")
    assert dict(math.values_list("attempt", "value")) == {"main": "2", "retake": "4"}
    # Physics: absent in the main session, a retake row without a grade.
    physics = Grade.objects.filter(student=bekova, assessment__discipline__name="Physics")
    assert dict(physics.values_list("attempt", "value")) == {"main": "absent"}
    assert not GradeSheet.objects.filter(
        assessment__discipline__name="Physics", attempt="retake"
    ).exists()
    retake = Admission.objects.get(student=bekova, stage=Attempt.RETAKE)
    assert (retake.admitted, retake.reason) == (True, "")

    # A later file with the АКЖ result of Physics leaves the main grade as it was.
    rows = good_rows()
    rows[7]["grade"] = "pass"
    result = run(rows)
    assert result.ok, messages(result)
    assert dict(physics.values_list("attempt", "value")) == {"main": "absent", "retake": "pass"}


def test_a_passing_main_grade_cannot_contradict_a_retake_grade():
    run(good_rows())
    rows = good_rows()
    rows[2]["grade"] = "4"  # Bekova's main Mathematics, with a retake grade 4 stored
    del rows[6]
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(4, "grade")]
    assert "АКЖ grade" in result.errors[0].message


def test_a_not_admitted_row_cannot_hide_a_stored_grade():
    run(good_rows())
    rows = good_rows()
    rows[0].update(admitted="no", not_admitted_reason="valid", grade="")
    rows[1].update(admitted="no", not_admitted_reason="valid", grade="")
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "admitted"), (3, "admitted")]
    assert "clear the grade first, then mark the student not admitted" in result.errors[0].message


def test_a_retake_row_for_a_blank_main_grade_imports():
    # An admitted student whose main grade is blank owes the assessment: АКЖ may grade them.
    result = run([row(grade=""), row(attempt="retake", grade="4")])
    assert result.ok, messages(result)
    assert dict(Grade.objects.values_list("attempt", "value")) == {"retake": "4"}
    # The same when the blank main grade is the portal's, from an earlier file.
    other = {"student_id": "2300002", "student_name": "Bekova Aida", "funding": "contract"}
    assert run([row(**other, grade="")]).ok
    result = run([row(**other, attempt="retake", grade="3")])
    assert result.ok, messages(result)
    assert Grade.objects.get(student__record_book="2300002").value == "3"


# The grade rules: the same message for the same state on every path


def _sheet_refusal(assessment, attempt, student, value):
    """What the grade sheet's save (services.record_grades) says to `value` for the student."""
    sheet = GradeSheet.objects.get(assessment=assessment, attempt=attempt)
    try:
        services.record_grades(sheet, {student.pk: value}, None, sheet.version)
    except services.InvalidGrades as refused:
        return refused.errors[student.pk]
    except services.SheetLocked as refused:
        return str(refused)
    raise AssertionError("the grade sheet took it")


@pytest.mark.parametrize(
    "case, index, value, record_book, attempt",
    [
        # Bekova's main grade 2 -> 5, with her АКЖ grade 4 stored (and in the file).
        ("retake exists", 2, "5", "2300002", "main"),
        # An АКЖ grade for Asanov, who passed the main attempt with 5.
        ("not owed", None, "4", "2300001", "retake"),
        # Asanov's main grade 5 -> 4 on a locked sheet.
        ("locked", 0, "4", "2300001", "main"),
    ],
)
def test_the_import_and_the_grade_sheet_refuse_the_same_state_with_the_same_message(
    case, index, value, record_book, attempt
):
    run(good_rows())
    math = Assessment.objects.get(discipline__name="Mathematics")
    if case == "locked":
        services.lock_sheet(GradeSheet.objects.get(assessment=math, attempt="main"), None)
    rows = good_rows()
    if index is None:
        rows.append(student(1, attempt=attempt, grade=value))
        index = len(rows) - 1
    else:
        rows[index]["grade"] = value
    before = snapshot()
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(index + 2, "grade")]
    assert snapshot() == before
    message = _sheet_refusal(math, attempt, Student.objects.get(record_book=record_book), value)
    assert result.errors[0].message == message
    if case == "retake exists":
        assert message == rules.retake_exists("4", "Mathematics").message


def _single_rows():
    """good_rows() and two students with one Mathematics row each: 2300004 admitted with no
    grade yet (row 11), 2300005 not admitted (row 12)."""
    return good_rows() + [
        row(student_id="2300004", student_name="Osmonova Jyldyz", grade=""),
        row(
            student_id="2300005",
            student_name="Kadyrov Ulan",
            admitted="no",
            not_admitted_reason="valid",
            grade="",
        ),
    ]


@pytest.mark.parametrize(
    "index, admitted, reason",
    [(9, "no", "valid"), (10, "yes", "")],
    ids=["admitted to not admitted", "not admitted to admitted"],
)
def test_an_admission_change_on_a_locked_main_sheet_is_refused_on_its_row(index, admitted, reason):
    assert run(_single_rows()).ok
    math = Assessment.objects.get(discipline__name="Mathematics")
    services.lock_sheet(GradeSheet.objects.get(assessment=math, attempt="main"), None)
    stored = set(Admission.objects.values_list("pk", "admitted", "reason", "updated_at"))
    before = snapshot()

    rows = _single_rows()
    rows[index].update(admitted=admitted, not_admitted_reason=reason)
    result = run(rows)
    expected = rules.row_on_closed_sheet("Mathematics", "main", SheetStatus.LOCKED).message
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (index + 2, "admitted", expected)
    ]
    assert not result.written
    assert snapshot() == before
    assert set(Admission.objects.values_list("pk", "admitted", "reason", "updated_at")) == stored

    # The admission page says the same for the same change.
    student_ = Student.objects.get(record_book=rows[index]["student_id"])
    with pytest.raises(services.InvalidGrades) as refused:
        services.set_admissions(
            math.session, math.group, "main", {student_.pk: (admitted == "yes", reason, "")}, None
        )
    assert refused.value.errors == {student_.pk: expected}


def test_what_the_writers_refuse_after_the_checks_is_named_by_row_and_column(monkeypatch):
    # The portal may change between the checks and the write: the writers check again, under
    # the sessions' locks, and their refusals are named like the checks' own. Here the import's
    # checks are made to let everything through; the writers' are not.
    assert run(_single_rows()).ok
    for name in ("check_admissions", "check_grades"):
        original = getattr(services, name)

        def lenient(*args, _original=original):
            changes, _refusals, unchanged = _original(*args)
            return changes, {}, unchanged

        monkeypatch.setattr(services, name, lenient)
    before = snapshot()

    rows = _single_rows()
    rows[2]["grade"] = "5"  # row 4: Bekova's main grade, with her АКЖ grade 4 stored
    result = run(rows)
    expected = rules.retake_exists("4", "Mathematics").message
    assert [(e.row, e.column, e.message) for e in result.errors] == [(4, "grade", expected)]

    math = Assessment.objects.get(discipline__name="Mathematics")
    services.lock_sheet(GradeSheet.objects.get(assessment=math, attempt="main"), None)
    before["GradeSheet"] = snapshot()["GradeSheet"]
    rows = _single_rows()
    rows[9].update(admitted="no", not_admitted_reason="valid")  # row 11
    result = run(rows)
    expected = rules.row_on_closed_sheet("Mathematics", "main", SheetStatus.LOCKED).message
    assert [(e.row, e.column, e.message) for e in result.errors] == [(11, "admitted", expected)]
    assert not result.written
    assert snapshot() == before


# Locks and faculties


def test_a_grade_change_on_a_locked_or_submitted_sheet_is_a_row_error():
    run(good_rows())
    math = Assessment.objects.get(discipline__name="Mathematics")
    services.lock_sheet(GradeSheet.objects.get(assessment=math, attempt="main"), None)
    physics = GradeSheet.objects.get(assessment__discipline__name="Physics", attempt="main")
    services.submit_sheet(physics, None)

    # The same values again are fine: a locked sheet is read, not written.
    assert run(good_rows()).ok

    rows = good_rows()
    rows[0]["grade"] = "3"  # row 2: locked main Mathematics sheet
    rows[1]["grade"] = "fail"  # row 3: submitted Physics sheet
    rows[6]["grade"] = "5"  # row 8: the АКЖ sheet is a draft: fine on its own
    before = snapshot()
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "grade"), (3, "grade")]
    assert result.errors[0].message == rules.sheet_closed(SheetStatus.LOCKED).message
    assert result.errors[1].message == rules.sheet_closed(SheetStatus.SUBMITTED).message
    assert snapshot() == before
    assert (
        Grade.objects.get(assessment=math, student__record_book="2300002", attempt="retake").value
        == "4"
    )


def test_the_service_refuses_a_locked_sheet_even_when_asked_directly():
    run(good_rows())
    math = Assessment.objects.get(discipline__name="Mathematics")
    sheet = services.lock_sheet(GradeSheet.objects.get(assessment=math, attempt="main"), None)
    asanov = Student.objects.get(record_book="2300001")
    with pytest.raises(services.SheetLocked):
        services.write_grades([services.GradeEntry(math.pk, asanov.pk, "main", "3")], None)
    assert Grade.objects.get(assessment=math, student=asanov, attempt="main").value == "5"
    sheet.refresh_from_db()
    assert sheet.version == 2  # the lock's own bump, nothing more


def test_a_dean_s_office_imports_only_its_own_faculty():
    mine = factories.faculty(name="Faculty of IT", short_name="ITF")
    other = factories.faculty(name="Faculty of Energy")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=mine)
    rows = good_rows()
    rows[0]["faculty"] = "ITF"  # the short name finds the faculty too
    result = run(rows, user=dean)
    assert result.ok, messages(result)
    assert Program.objects.get().faculty == mine
    assert set(GradeChange.objects.values_list("changed_by", flat=True)) == {dean.pk}

    before = snapshot()
    foreign = [
        row(
            faculty=other.name,
            program_code="640100",
            group="E-1-23",
            student_id="2309999",
            student_name="Other Student",
        )
    ]
    result = run(rows + foreign, user=dean)
    assert result.forbidden and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(11, "faculty")]
    assert "only the rows of your faculty" in result.errors[0].message
    assert snapshot() == before


def test_a_new_faculty_is_created_only_by_a_university_wide_user():
    factories.faculty(name="Faculty of IT")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=Faculty.objects.get())
    result = run([row(faculty="Faculty of Mining")], user=dean)
    assert result.forbidden
    assert run([row(faculty="Faculty of Mining")]).ok
    assert Faculty.objects.filter(name="Faculty of Mining").exists()


def test_existing_programs_groups_and_disciplines_are_found_not_duplicated():
    faculty = factories.faculty(name="Faculty of IT")
    program = factories.program(faculty=faculty, code="710400", name="Old name")
    group = factories.group(program=program, name="PI-1-23", year_of_study=2)
    factories.discipline(name="Mathematics")
    result = run(good_rows())
    assert result.ok, messages(result)
    assert Program.objects.get() == program
    program.refresh_from_db()
    assert program.name == "Software engineering"
    assert counts(result)["Program"] == (0, 1, 0)
    assert StudyGroup.objects.get() == group
    assert StudyGroup.objects.get().year_of_study == 2
    assert Discipline.objects.count() == 2


def test_a_program_of_another_faculty_is_not_moved():
    factories.program(faculty=factories.faculty(name="Faculty of Energy"), code="710400")
    result = run(good_rows())
    assert {e.column for e in result.errors} == {"faculty"}
    assert "belongs to the faculty “Faculty of Energy”" in result.errors[0].message


def test_the_student_s_group_follows_the_latest_year():
    faculty = factories.faculty(name="Faculty of IT")
    program = factories.program(faculty=faculty, code="710400", name="Software engineering")
    year_2024 = factories.academic_year(2024)
    later = factories.group(program=program, name="PI-2-23", academic_year=year_2024)
    moved = factories.student(record_book="2300001", full_name="Asanov Bakyt", group=later)
    # A 2023-2024 file fills in that year and leaves the 2024-2025 group alone.
    assert run(good_rows()).ok
    moved.refresh_from_db()
    assert moved.group == later
    admission = Admission.objects.get(student=moved, stage="main")
    assert admission.group.name == "PI-1-23"
    # A 2024-2025 file moves the student.
    result = run([row(academic_year="2024-2025", group="PI-3-24", student_name="Asanova Bakyt")])
    assert result.ok, messages(result)
    moved.refresh_from_db()
    assert (moved.group.name, moved.full_name) == ("PI-3-24", "Asanova Bakyt")


# Languages


KYRGYZ = {
    "academic_year": "Окуу жылы",
    "term": "Жарым жылдык",
    "faculty": "Факультет",
    "program_code": "Программанын коду",
    "program_name": "Программанын аталышы",
    "level": "Деңгээл",
    "form": "Окуу түрү",
    "group": "Тайпа",
    "student_id": "Зачеттук китепченин №",
    "student_name": "Аты-жөнү",
    "funding": "Окуу негизи",
    "admitted": "Уруксат",
    "not_admitted_reason": "Уруксат берилбөө себеби",
    "discipline": "Сабак",
    "kind": "Текшерүү түрү",
    "attempt": "Аракет",
    "grade": "Баа",
}
RUSSIAN = {
    "academic_year": "Учебный год",
    "term": "Семестр",
    "faculty": "Факультет",
    "program_code": "Код программы",
    "program_name": "Название программы",
    "level": "Уровень",
    "form": "Форма обучения",
    "group": "Группа",
    "student_id": "Номер зачётки",
    "student_name": "ФИО",
    "funding": "Основа обучения",
    "admitted": "Допуск",
    "not_admitted_reason": "Причина недопуска",
    "discipline": "Дисциплина",
    "kind": "Вид контроля",
    "attempt": "Попытка",
    "grade": "Оценка",
}


def test_kyrgyz_headers_and_values():
    rows = [
        row(
            level="бакалавр",
            form="күндүзгү",
            funding="бюджет",
            admitted="ооба",
            kind="экзамен",
            attempt="негизги",
            grade="эң жакшы",
        ),
        row(
            student_id="2300002",
            student_name="Бекова Аида",
            funding="контракт",
            admitted="жок",
            not_admitted_reason="себептүү",
            grade="",
        ),
        row(
            student_id="2300002",
            student_name="Бекова Аида",
            funding="контракт",
            admitted="ооба",
            attempt="АКЖ",
            grade="жакшы",
        ),
        row(discipline="Физика", kind="сынак", grade="келген жок"),
    ]
    result = run(rows, headers=[KYRGYZ[key] for key in HEADERS])
    assert result.ok, messages(result)
    assert set(Grade.objects.values_list("value", "assessment__kind", "attempt")) == {
        ("5", "exam", "main"),
        ("4", "exam", "retake"),
        ("absent", "credit", "main"),
    }
    admission = Admission.objects.get(student__record_book="2300002", stage="main")
    assert (admission.admitted, admission.reason) == (False, "valid")


def test_russian_headers_and_values():
    rows = [
        row(
            level="бакалавр",
            form="очная",
            funding="бюджет",
            admitted="да",
            kind="зачёт",
            attempt="основная",
            grade="не зачтено",
            term="2",
        ),
        row(admitted="да", kind="зачёт", attempt="пересдача", grade="зачтено"),
    ]
    result = run(rows, headers=[RUSSIAN[key] for key in HEADERS])
    assert result.ok, messages(result)
    assert dict(Grade.objects.values_list("attempt", "value")) == {"main": "fail", "retake": "pass"}


def test_errors_name_the_column_as_the_file_heads_it():
    result = run([row(grade="отлично!")], headers=[RUSSIAN[key] for key in HEADERS])
    assert str(result.errors[0]).startswith("Row 2, column “Оценка”: ")


# Grade words and points: the grade sheet's vocabulary (rules.GRADE_WORDS), and points by the scale


def russian_row(n, discipline, kind, grade, attempt="основная", **values):
    """A row of a dean's office's Russian-worded file; `n` picks the student."""
    return row(
        student_id=f"24000{n:02d}",
        student_name=f"Студент {n}",
        level="бакалавр",
        form="очная",
        funding="бюджет",
        admitted="да",
        discipline=discipline,
        kind=kind,
        attempt=attempt,
        grade=grade,
        **values,
    )


def russian_file_with_abbreviations_and_points():
    """Grades as registrars write them: abbreviations with dots and capitals, points as Excel
    number cells (87.0 is a float, 64 an int), a digit grade as a float (4.0). Row 2 onwards."""
    return [
        russian_row(1, "Математика", "экзамен", "Отл."),  # row 2
        russian_row(1, "Физика", "зачёт", "зач."),  # row 3
        russian_row(1, "Курсовая", "курсовая работа", 87.0),  # row 4
        russian_row(2, "Математика", "экзамен", " Хор "),  # row 5
        russian_row(2, "Физика", "зачёт", "Н/Я"),  # row 6
        russian_row(2, "Курсовая", "курсовая работа", 64),  # row 7
        russian_row(3, "Математика", "экзамен", "Удовл."),  # row 8
        russian_row(3, "Физика", "зачёт", "Не  зач."),  # row 9
        russian_row(3, "Курсовая", "курсовая работа", 4.0),  # row 10
        russian_row(4, "Математика", "экзамен", "неуд."),  # row 11
        russian_row(4, "Физика", "зачёт", "незачтено"),  # row 12
        russian_row(4, "Курсовая", "курсовая работа", "0"),  # row 13
        russian_row(4, "Математика", "экзамен", "УД", attempt="пересдача"),  # row 14
        russian_row(4, "Физика", "зачёт", "Зачтено", attempt="пересдача"),  # row 15
    ]


def stored_grades():
    return {
        (g.student.record_book, g.assessment.discipline.name, g.attempt): (g.value, g.points)
        for g in Grade.objects.select_related("student", "assessment__discipline")
    }


def test_a_russian_file_with_abbreviations_and_points_imports_without_editing():
    rows = russian_file_with_abbreviations_and_points()
    result = run(rows, headers=[RUSSIAN[key] for key in HEADERS])
    assert result.ok, messages(result)
    assert stored_grades() == {
        ("2400001", "Математика", "main"): ("5", None),
        ("2400001", "Физика", "main"): ("pass", None),
        ("2400001", "Курсовая", "main"): ("5", 87),
        ("2400002", "Математика", "main"): ("4", None),
        ("2400002", "Физика", "main"): ("absent", None),
        ("2400002", "Курсовая", "main"): ("3", 64),
        ("2400003", "Математика", "main"): ("3", None),
        ("2400003", "Физика", "main"): ("fail", None),
        ("2400003", "Курсовая", "main"): ("4", None),
        ("2400004", "Математика", "main"): ("2", None),
        ("2400004", "Физика", "main"): ("fail", None),
        ("2400004", "Курсовая", "main"): ("2", 0),
        ("2400004", "Математика", "retake"): ("3", None),
        ("2400004", "Физика", "retake"): ("pass", None),
    }
    # The audit keeps the points as the grade sheet page's writes do.
    change = GradeChange.objects.get(student__record_book="2400001", new_points__isnull=False)
    assert (change.new_value, change.new_points, change.source) == ("5", 87, ChangeSource.IMPORT)


def test_the_same_file_with_points_imported_again_changes_nothing():
    data = workbook(
        russian_file_with_abbreviations_and_points(), headers=[RUSSIAN[key] for key in HEADERS]
    )
    assert importer.import_results(data).ok
    before = (stored_grades(), GradeChange.objects.count(), snapshot())
    again = importer.import_results(data)
    assert again.ok, messages(again)
    assert counts(again)["Grade"] == (0, 0, 14)
    assert (stored_grades(), GradeChange.objects.count(), snapshot()) == before


def test_points_follow_the_configured_scale(settings):
    settings.GRADE_POINTS_SCALE = [(90, "5"), (75, "4"), (60, "3"), (0, "2")]
    rows = [russian_row(n, "Математика", "экзамен", p) for n, p in enumerate((89, 90, 60, 59))]
    assert run(rows).ok
    points = dict(Grade.objects.values_list("points", "value"))
    assert points == {89: "4", 90: "5", 60: "3", 59: "2"}


def test_kyrgyz_short_forms_import():
    rows = [
        russian_row(1, "Математика", "экзамен", "Эң жак."),
        russian_row(2, "Математика", "экзамен", "жак."),
        russian_row(3, "Математика", "экзамен", "канаат."),
        russian_row(4, "Математика", "экзамен", "к/ж"),
        russian_row(5, "Математика", "экзамен", "канааттандыраарлык эмес"),
        russian_row(1, "Физика", "сынак", "сыналды"),
        russian_row(2, "Физика", "сынак", "сыналган жок"),
        russian_row(6, "Математика", "экзамен", "5 (эң жакшы)"),  # as the label writes it
    ]
    result = run(rows, headers=[KYRGYZ[key] for key in HEADERS])
    assert result.ok, messages(result)
    assert sorted(Grade.objects.values_list("student__record_book", "value")) == [
        ("2400001", "5"),
        ("2400001", "pass"),
        ("2400002", "4"),
        ("2400002", "fail"),
        ("2400003", "3"),
        ("2400004", "absent"),
        ("2400005", "2"),
        ("2400006", "5"),
    ]


@pytest.mark.parametrize(
    "kind, grade, says",
    [
        ("экзамен", 87.5, "“87.5” is not points: points are a whole number from 0 to 100."),
        ("экзамен", "87,5", "“87,5” is not points"),
        ("экзамен", 101, "“101” is not points"),
        ("экзамен", "-3", "“-3” is not points"),
        ("экзамен", "отлл", "“отлл” is not a grade"),
        (
            "экзамен",
            "зач.",
            "“pass” is not allowed here; use one of: "
            "5 (excellent), 4 (good), 3 (satisfactory), 2 (unsatisfactory), absent.",
        ),
        ("зачёт", "отл", "“5 (excellent)” is not allowed here; use one of: absent, pass, fail."),
        ("зачёт", 80, "“80” is not allowed here; use one of: absent, pass, fail."),
    ],
)
def test_a_bad_grade_word_or_points_is_refused_on_its_row_and_column(kind, grade, says):
    rows = [russian_row(1, "Математика", "экзамен", "отл"), russian_row(1, "Физика", kind, grade)]
    result = run(rows, headers=[RUSSIAN[key] for key in HEADERS])
    assert not result.ok and not result.written
    assert snapshot() == EMPTY
    assert [(e.row, e.column) for e in result.errors] == [(3, "Оценка")]
    assert says in result.errors[0].message
    assert str(result.errors[0]).startswith("Row 3, column “Оценка”: ")


WITH_POINTS = [*HEADERS, "points"]
RUSSIAN_WITH_POINTS = [*(RUSSIAN[key] for key in HEADERS), "Баллы"]


def test_a_points_column_beside_the_grade_gives_the_grade_by_the_scale():
    rows = [
        russian_row(1, "Математика", "экзамен", "", points=87.0),  # the grade left blank
        russian_row(2, "Математика", "экзамен", "отл.", points=92),  # agrees with the scale
        russian_row(3, "Математика", "экзамен", "хор", points=""),  # no points: the word
        russian_row(4, "Математика", "экзамен", 55, points=55),  # the same points twice
        russian_row(1, "Физика", "зачёт", "зач.", points=""),
    ]
    data = workbook(rows, headers=RUSSIAN_WITH_POINTS, keys=WITH_POINTS)
    result = importer.import_results(data)
    assert result.ok, messages(result)
    assert stored_grades() == {
        ("2400001", "Математика", "main"): ("5", 87),
        ("2400002", "Математика", "main"): ("5", 92),
        ("2400003", "Математика", "main"): ("4", None),
        ("2400004", "Математика", "main"): ("2", 55),
        ("2400001", "Физика", "main"): ("pass", None),
    }
    assert counts(importer.import_results(data))["Grade"] == (0, 0, 5)


@pytest.mark.parametrize(
    "kind, grade, points, column, says",
    [
        ("экзамен", "хор", 92, "Оценка", "“4 (good)” is not what 92 points give on the scale"),
        ("экзамен", 80, 81, "Оценка", "the grade cell says 80 points, the points cell 81"),
        ("экзамен", "", "отл", "Баллы", "“отл” is not points"),
        ("экзамен", "", 100.5, "Баллы", "“100.5” is not points"),
        ("зачёт", "зач", 70, "Баллы", "“70” is not allowed here; use one of: absent, pass, fail."),
    ],
)
def test_a_points_cell_that_disagrees_or_is_no_points_is_refused(kind, grade, points, column, says):
    rows = [
        russian_row(1, "Математика", "экзамен", "отл", points=""),
        russian_row(1, "Физика", kind, grade, points=points),
    ]
    result = run(rows, headers=RUSSIAN_WITH_POINTS, keys=WITH_POINTS)
    assert not result.ok and snapshot() == EMPTY
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert says in result.errors[0].message


def test_the_grade_words_are_the_rules_table_and_nowhere_else():
    # The import keeps no grade words of its own: its grade cell reads rules.GRADE_WORDS.
    assert GradeValue not in importer.CHOICE_ALIASES
    grade = importer.columns.parsers()["grade"]
    for value, words in rules.GRADE_WORDS.items():
        for word in words:
            assert grade(word) == (True, (value, None)), word
            assert grade(f" {word.upper()}. ") == (True, (value, None)), word
    assert grade(87.0) == (True, ("5", 87))


# Files that are refused


def refused(data):
    with pytest.raises(importer.ImportRefused) as info:
        importer.import_results(data)
    assert snapshot() == EMPTY
    return " ".join(info.value.messages)


def test_a_formula_where_a_value_belongs_is_refused():
    def add_formula(book):
        book.active["Q3"] = "=2+3"

    message = refused(workbook(good_rows(), before=add_formula))
    assert "formula" in message and "row 3, column Q" in message


@pytest.mark.parametrize(
    "data",
    [
        b"academic_year,term\n2023-2024,2\n",  # a CSV renamed .xlsx
        bytes(range(256)) * 40,  # noise
        b"PK\x03\x04 but not really a zip file",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an old .xls or an encrypted workbook
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(data):
    message = refused(data)
    assert ".xlsx" in message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert "not an Excel workbook" in refused(buffer.getvalue())


def test_an_empty_file_is_refused():
    assert "empty" in refused(b"")


def test_a_too_large_file_is_refused(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    assert "at most 0.0 MB" in refused(workbook(good_rows()))


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(importer.workbook, "MAX_ROWS", 5)
    assert "The sheet has 9 rows; at most 5" in refused(workbook(good_rows()))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.PORTAL_UPLOAD_MAX_UNPACKED_BYTES = 10_000
    data = workbook(good_rows() * 20)
    assert "unpacks to" in refused(data)


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused():
    source = zipfile.ZipFile(io.BytesIO(workbook(good_rows())))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
    data = bytearray(buffer.getvalue())
    # Shrink the declared size of sharedStrings or styles in the central directory.
    name = b"xl/styles.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    assert ".xlsx" in refused(bytes(data))


def test_a_workbook_without_the_results_sheet_is_refused():
    message = refused(workbook(good_rows(), sheet="Sheet1"))
    assert "no sheet named “results”" in message and "“Sheet1”" in message


def test_the_sheet_may_be_named_in_kyrgyz_or_russian():
    assert importer.import_results(workbook(good_rows(), sheet="Натыйжалар")).ok


def test_unknown_and_missing_columns_are_refused():
    keys = HEADERS[:-1] + ["grade"]
    headers = HEADERS[:-1] + ["Mark!"]
    message = refused(workbook(good_rows(), headers=headers, keys=keys))
    assert "Unknown column “Mark!” (column Q)" in message
    assert "Missing column “grade”" in message


def test_a_number_column_before_the_headers_is_ignored():
    keys = ["n"] + HEADERS
    rows = [dict(r, n=i) for i, r in enumerate(good_rows(), start=1)]
    result = importer.import_results(workbook(rows, headers=["№"] + HEADERS, keys=keys))
    assert result.ok, messages(result)


def test_blank_lines_keep_the_excel_row_numbers():
    rows = good_rows()
    rows.insert(2, {})  # row 4 is blank
    rows[4]["grade"] = "7x"  # now row 6
    result = run(rows)
    assert [(e.row, e.column) for e in result.errors] == [(6, "grade")]


# The template and the command


def test_the_template_imports_as_it_is():
    data = importer.build_template()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["results", "help"]
    assert [c.value for c in book["results"][1]] == [*HEADERS, "examiner"]
    result = importer.import_results(data)
    assert result.ok, messages(result)
    assert Grade.objects.get().value == "4"


def test_the_template_s_help_sheet_lists_the_grade_words_and_the_scale_in_the_interface_language():
    with translation.override("ru"):
        book = openpyxl.load_workbook(io.BytesIO(importer.build_template()))
    rows = [[cell.value for cell in r] for r in book.worksheets[1].iter_rows()]
    by_label = {r[0]: r for r in rows if r[0]}
    # Each grade by its Russian label, with every word of rules.GRADE_WORDS for it.
    for value, label in [
        ("5", "5 (отлично)"),
        ("3", "3 (удовлетворительно)"),
        ("fail", "не зачтено"),
    ]:
        assert by_label[label][1].split("; ") == list(rules.GRADE_WORDS[value])
    assert by_label["не зачтено"][2] == "зачёт"
    assert "экзамен" in by_label["5 (отлично)"][2] and "зачёт" not in by_label["5 (отлично)"][2]
    # The points scale, band by band, from the configured scale.
    assert by_label["87–100"][1] == "5 (отлично)"
    assert by_label["61–73"][1] == "3 (удовлетворительно)"
    assert by_label["0–60"][1] == "2 (неудовлетворительно)"


def test_the_command_imports_and_prints_a_summary(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(workbook(good_rows()))
    out = io.StringIO()
    call_command("import_results", str(path), "--dry-run", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert snapshot() == EMPTY
    call_command("import_results", str(path), stdout=out)
    assert "Imported 9 rows." in out.getvalue()
    assert Grade.objects.count() == 6
    out = io.StringIO()
    call_command("import_results", str(path), stdout=out)
    assert "Nothing to change" in out.getvalue()


def test_the_command_lists_every_error_and_fails(tmp_path):
    rows = good_rows()
    rows[0]["grade"] = "pass"
    rows[2]["kind"] = "essay"
    path = tmp_path / "results.xlsx"
    path.write_bytes(workbook(rows))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_results", str(path), stderr=err)
    assert info.value.returncode == 1
    assert "2 errors in 2 of 9 rows; nothing was written." in str(info.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 2, column “grade”: ")
    assert lines[1].startswith("Row 4, column “kind”: ")
    assert snapshot() == EMPTY


def test_the_command_refuses_a_bad_file_and_an_unknown_user(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_bytes(b"not a workbook")
    err = io.StringIO()
    with pytest.raises(CommandError, match="refused"):
        call_command("import_results", str(path), stderr=err)
    assert "not an Excel workbook" in err.getvalue()
    with pytest.raises(CommandError, match="no user"):
        call_command("import_results", str(path), "--user", "nobody")


def test_the_command_as_a_dean_s_office_user(tmp_path):
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty(name="Energy"))
    path = tmp_path / "results.xlsx"
    path.write_bytes(workbook(good_rows()))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_results", str(path), "--user", dean.username, stderr=err)
    assert "only the rows of your faculty (Energy)" in err.getvalue()
    assert snapshot()["Grade"] == 0
    reader = factories.user(role=roles.VICE_RECTOR)
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_results", str(path), "--user", reader.username)


def test_after_the_entry_deadline_only_the_head_imports_changes():
    import datetime

    faculty = factories.faculty(name="Faculty of IT")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    head = factories.user(role=roles.DEAN_OFFICE_HEAD, faculty=faculty)
    session = factories.exam_session(term=2, entry_deadline=datetime.date(2024, 6, 30))
    late = datetime.date(2024, 7, 1)
    data = workbook(good_rows())
    result = importer.import_results(data, user=dean, today=late)
    assert {(e.column, e.row) for e in result.errors} == {("grade", n) for n in (2, 3, 4, 5, 8, 10)}
    assert "entry deadline" in result.errors[0].message
    assert not Grade.objects.exists()
    assert importer.import_results(data, user=head, today=late).ok
    assert Grade.objects.filter(assessment__session=session).count() == 6
    # The same values again are no change, so the dean's office may re-import them.
    assert importer.import_results(data, user=dean, today=late).ok


def test_the_audit_keeps_a_reason_with_tabs_and_line_breaks():
    run(good_rows())
    math = Assessment.objects.get(discipline__name="Mathematics")
    asanov = Student.objects.get(record_book="2300001")
    reason = "corrected\tafter appeal\nsee C:\\scans\\n1"
    services.write_grades(
        [services.GradeEntry(math.pk, asanov.pk, "main", "4")], None, reason=reason
    )
    change = GradeChange.objects.filter(student=asanov).latest("id")
    assert (change.old_value, change.new_value, change.reason) == ("5", "4", reason)
    assert change.old_points is None and change.changed_by is None


def test_an_import_restores_the_garbage_collector_s_thresholds():
    import gc

    before = gc.get_threshold()
    assert run(good_rows()).ok
    assert gc.get_threshold() == before
    rows = good_rows()
    rows[0]["grade"] = "6x"
    assert not run(rows).ok
    assert gc.get_threshold() == before
