"""The grade service: all-or-nothing writes, the lock, the version check, the audit, АКЖ rosters."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from academics import roles
from sessions_app import rules, services
from sessions_app.choices import Attempt, ChangeSource, SheetStatus
from sessions_app.models import Admission, Grade, GradeChange, SheetEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    students = [factories.student(group=group, full_name=f"Студент {i}") for i in range(4)]
    assessment = factories.assessment(group=group)
    services.ensure_admissions(assessment.session, group)
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    head = factories.user(role=roles.DEAN_OFFICE_HEAD, faculty=faculty)
    sheet = services.open_sheet(assessment, Attempt.MAIN)
    return {
        "faculty": faculty,
        "group": group,
        "students": students,
        "assessment": assessment,
        "dean": dean,
        "head": head,
        "sheet": sheet,
    }


def test_record_grades_writes_values_and_audit(setup):
    s = setup
    a, b = s["students"][:2]
    saved = services.record_grades(s["sheet"], {a.pk: "5", b.pk: "2"}, s["dean"], version=0)
    assert saved.changed == 2
    assert dict(Grade.objects.values_list("student_id", "value")) == {a.pk: "5", b.pk: "2"}
    change = GradeChange.objects.get(student=a)
    assert (change.old_value, change.new_value, change.source) == ("", "5", ChangeSource.PAGE)
    assert change.changed_by == s["dean"]
    s["sheet"].refresh_from_db()
    assert s["sheet"].version == 1


def test_changing_a_grade_keeps_the_old_value_in_the_audit(setup):
    s = setup
    a = s["students"][0]
    services.record_grades(s["sheet"], {a.pk: "3"}, s["dean"], version=0)
    services.record_grades(s["sheet"], {a.pk: "4"}, s["dean"], version=1)
    assert Grade.objects.get(student=a).value == "4"
    assert list(
        GradeChange.objects.filter(student=a).order_by("id").values_list("old_value", "new_value")
    ) == [("", "3"), ("3", "4")]


def test_one_bad_value_writes_nothing(setup):
    s = setup
    a, b = s["students"][:2]
    with pytest.raises(services.InvalidGrades) as info:
        services.record_grades(s["sheet"], {a.pk: "5", b.pk: "pass"}, s["dean"], version=0)
    assert b.pk in info.value.errors
    assert not Grade.objects.exists() and not GradeChange.objects.exists()


def test_stale_version_is_refused_and_shows_the_first_save(setup):
    s = setup
    a = s["students"][0]
    services.record_grades(s["sheet"], {a.pk: "5"}, s["dean"], version=0)
    with pytest.raises(services.StaleSheet) as info:
        services.record_grades(s["sheet"], {a.pk: "3"}, s["head"], version=0)
    assert info.value.current[a.pk] == "5"
    assert Grade.objects.get(student=a).value == "5"


def test_not_admitted_student_cannot_be_graded(setup):
    s = setup
    a = s["students"][0]
    services.set_admissions(
        s["assessment"].session,
        s["group"],
        Attempt.MAIN,
        {a.pk: (False, "invalid", "financial debt")},
        s["dean"],
    )
    with pytest.raises(services.InvalidGrades):
        services.record_grades(s["sheet"], {a.pk: "4"}, s["dean"], version=0)


def test_points_are_converted_by_the_scale(setup):
    s = setup
    a, b, c, d = s["students"]
    services.record_grades(s["sheet"], {a.pk: 95, b.pk: 80, c.pk: 61, d.pk: 40}, s["dean"], 0)
    got = dict(Grade.objects.values_list("student_id", "value"))
    assert got == {a.pk: "5", b.pk: "4", c.pk: "3", d.pk: "2"}
    assert Grade.objects.get(student=a).points == 95


def test_submitted_and_locked_sheets_refuse_writes_until_reopened_with_a_reason(setup):
    s = setup
    a = s["students"][0]
    sheet = services.submit_sheet(s["sheet"], s["dean"])
    assert sheet.status == SheetStatus.SUBMITTED
    with pytest.raises(services.SheetLocked):
        services.record_grades(sheet, {a.pk: "5"}, s["dean"], version=sheet.version)
    sheet = services.lock_sheet(sheet, s["head"])
    with pytest.raises(services.SheetLocked):
        services.record_grades(sheet, {a.pk: "5"}, None, version=sheet.version)
    with pytest.raises(PermissionDenied):
        services.reopen_sheet(sheet, s["dean"], "typo")
    with pytest.raises(services.SheetError):
        services.reopen_sheet(sheet, s["head"], "  ")
    sheet = services.reopen_sheet(sheet, s["head"], "examiner corrected a grade")
    assert sheet.status == SheetStatus.DRAFT
    assert list(SheetEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "submit",
        "lock",
        "reopen",
    ]
    assert SheetEvent.objects.get(action="reopen").reason == "examiner corrected a grade"
    services.record_grades(sheet, {a.pk: "5"}, s["dean"], version=sheet.version)


def test_after_the_deadline_only_the_head_enters(setup):
    s = setup
    session = s["assessment"].session
    session.entry_deadline = datetime.date(2024, 6, 30)
    session.save()
    a = s["students"][0]
    late = datetime.date(2024, 7, 1)
    with pytest.raises(services.SheetLocked):
        services.record_grades(s["sheet"], {a.pk: "5"}, s["dean"], version=0, today=late)
    services.record_grades(s["sheet"], {a.pk: "5"}, s["head"], version=0, today=late)


def test_other_faculty_and_readers_cannot_write(setup):
    s = setup
    other = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    rector = factories.user(role=roles.VICE_RECTOR)
    for user in (other, rector):
        with pytest.raises(PermissionDenied):
            services.record_grades(s["sheet"], {s["students"][0].pk: "5"}, user, version=0)
    assert not Grade.objects.exists()


def test_retake_sheet_lists_only_those_who_owe_and_keeps_the_main_grade(setup):
    s = setup
    a, b, c, d = s["students"]
    session = s["assessment"].session
    services.set_admissions(
        session, s["group"], Attempt.MAIN, {d.pk: (False, "valid", "ill")}, s["dean"]
    )
    services.record_grades(s["sheet"], {a.pk: "5", b.pk: "2", c.pk: "absent"}, s["dean"], 0)
    services.set_admissions(session, s["group"], Attempt.RETAKE, {d.pk: (True, "", "")}, s["dean"])
    retake = services.open_sheet(s["assessment"], Attempt.RETAKE)
    on_sheet = {row.student.pk for row in services.roster(retake)}
    assert on_sheet == {b.pk, c.pk, d.pk}
    services.record_grades(retake, {b.pk: "3", d.pk: "4"}, s["dean"], version=0)
    assert Grade.objects.get(student=b, attempt=Attempt.MAIN).value == "2"
    assert Grade.objects.get(student=b, attempt=Attempt.RETAKE).value == "3"
    with pytest.raises(services.InvalidGrades):
        services.record_grades(retake, {a.pk: "5"}, s["dean"], version=1)


def test_admission_needs_the_reason_kind(setup):
    s = setup
    with pytest.raises(services.InvalidGrades):
        services.set_admissions(
            s["assessment"].session,
            s["group"],
            Attempt.MAIN,
            {s["students"][0].pk: (False, "", "")},
            s["dean"],
        )
    assert Admission.objects.filter(admitted=False).count() == 0


# The queries of one save, whatever the group's size: the savepoint and its release, the
# assessment, lock the session, the user's permissions, roles and faculty (4, cached for the rest
# of a request), the students who joined the group (ensure_admissions), what the rules check
# against (sessions_app.ledger: the sheets, the contingent, the students' АКЖ admissions, the
# grades), bump the sheet's version, insert, update, audit, bump the session's figures version,
# the students' session outcomes (delete, insert: sessions_app.outcomes).
SAVE_QUERIES = 20


@pytest.mark.parametrize("size", [5, 40])
def test_saving_a_sheet_costs_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    students = [factories.student(group=group) for _ in range(size)]
    assessment = factories.assessment(group=group)
    services.ensure_admissions(assessment.session, group)
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    sheet = services.open_sheet(assessment, Attempt.MAIN)
    services.record_grades(sheet, {st.pk: "3" for st in students[: size // 2]}, dean, 0)
    dean = type(dean).objects.get(pk=dean.pk)  # a fresh request's user, with nothing cached
    with django_assert_max_num_queries(SAVE_QUERIES):
        # Half the grades change, half are new: inserts and updates in one save.
        services.record_grades(sheet, {st.pk: "4" for st in students}, dean, 1)
    assert Grade.objects.filter(assessment=assessment, value="4").count() == size


def test_audit_rows_cannot_be_changed_or_deleted(setup):
    s = setup
    services.record_grades(s["sheet"], {s["students"][0].pk: "5"}, s["dean"], version=0)
    change = GradeChange.objects.get()
    change.new_value = "2"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()
    assert GradeChange.objects.get().new_value == "5"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_grade_and_an_admission_saved_at_once_never_both_write(monkeypatch):
    """The head enters a grade while the dean's office marks the same student not admitted. The
    writers take the session's lock before they read what they check, so the second waits for
    the first and sees its grade: it refuses ("clear the grade first") instead of leaving a grade
    behind a not-admitted student."""
    import threading

    from django.db import connection

    from sessions_app import outcomes

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: nothing to interleave")
    session = factories.exam_session()
    group = factories.group()
    student = factories.student(group=group)
    exam = factories.assessment(session=session, group=group)
    services.ensure_admissions(session, group)
    written, release = threading.Event(), threading.Event()
    original = outcomes.refresh

    def refresh_then_wait(session_ids, student_ids=None):
        original(session_ids, student_ids)
        if threading.current_thread().name == "grade":
            written.set()
            release.wait(10)

    monkeypatch.setattr(outcomes, "refresh", refresh_then_wait)
    errors = {}

    def run(name, action):
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors[name] = error
        finally:
            connection.close()

    grade = threading.Thread(
        target=run,
        args=(
            "grade",
            lambda: services.record_grades(
                services.open_sheet(exam, Attempt.MAIN), {student.pk: "4"}, None, 0
            ),
        ),
        name="grade",
    )
    admission = threading.Thread(
        target=run,
        args=(
            "admission",
            lambda: services.set_admissions(
                session, group, Attempt.MAIN, {student.pk: (False, "invalid", "")}, None
            ),
        ),
        name="admission",
    )
    grade.start()
    assert written.wait(10)
    admission.start()
    admission.join(1)
    assert admission.is_alive(), "it waits for the grade's commit"
    release.set()
    grade.join(10)
    admission.join(10)
    assert "grade" not in errors
    assert isinstance(errors["admission"], services.InvalidGrades)
    assert errors["admission"].refusals[student.pk].code == rules.HAS_GRADE  # clear it first
    assert Grade.objects.get(student=student).value == "4"
    assert Admission.objects.get(student=student, stage=Attempt.MAIN).admitted is True
