"""`manage.py seed_demo` again after the demo was used: it adds what is missing and leaves
everything users entered as they left it (README: "Run bin/serve again at any time").

One seed for the module; then a day of use through the real services (a sheet corrected and
locked, АКЖ grades, admissions) and the admin's plain saves; then the command again. Everything
is rolled back at the end.
"""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from academics.models import (
    AcademicYear,
    Department,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
)
from accreditation.models import Accreditation, LicenceApplication, Seminar
from demo.surveys import TITLE
from demo.university import START_YEAR
from sessions_app import services
from sessions_app.choices import AssessmentKind, Attempt, SheetStatus
from sessions_app.models import Admission, Assessment, AttestationEntry, ExamSession, Grade
from surveys.models import Question

APPS = ("academics", "accreditation", "sessions_app", "surveys")


def snapshot():
    """Every row of the apps the demo writes, by model."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }


def _grades(assessment, attempt):
    return dict(
        Grade.objects.filter(assessment=assessment, attempt=attempt).values_list(
            "student_id", "value"
        )
    )


def _save(sheet, entries):
    sheet.refresh_from_db()
    services.record_grades(sheet, entries, None, version=sheet.version)


def use_the_demo():
    """A day of the demo's use, as its users would spend it; returns what they changed, to be
    found again after the next seed_demo."""
    session = ExamSession.objects.get(academic_year__start_year=START_YEAR, term=2)
    exams = list(
        Assessment.objects.filter(session=session, kind=AssessmentKind.EXAM)
        .select_related("group")
        .order_by("pk")
    )
    used = set()  # groups whose sheets were touched: one story per group

    def pick(test):
        for assessment in exams:
            if assessment.group_id in used:
                continue
            main, retake = _grades(assessment, Attempt.MAIN), _grades(assessment, Attempt.RETAKE)
            found = test(assessment, main, retake)
            if found is not None:
                used.add(assessment.group_id)
                return assessment, found
        raise AssertionError("the demo has no such grade")

    # A dean's office corrects a grade on a main sheet, and its head locks the sheet.
    locked, corrected = pick(
        lambda a, main, retake: next((s for s, v in main.items() if v == "4"), None)
    )
    sheet = services.open_sheet(locked, Attempt.MAIN)
    _save(sheet, {corrected: "5"})
    services.lock_sheet(sheet, None)

    # An АКЖ grade entered: a student who failed the retake passes it on a second try.
    retaken, debtor = pick(
        lambda a, main, retake: next(
            (s for s, v in main.items() if v == "2" and retake.get(s) in ("2", "absent")), None
        )
    )
    _save(services.open_sheet(retaken, Attempt.RETAKE), {debtor: "4"})

    # A main grade corrected from 2 to 3: its АКЖ grade is cleared first (DOMAIN.md).
    regraded, student = pick(
        lambda a, main, retake: next(
            (s for s, v in main.items() if v == "2" and retake.get(s) == "3"), None
        )
    )
    _save(services.open_sheet(regraded, Attempt.RETAKE), {student: ""})
    _save(services.open_sheet(regraded, Attempt.MAIN), {student: "3"})

    # A student who passed everything is found not admitted after all: the grades are cleared
    # on the sheets first, then the admission is changed.
    def passed_everything(assessment, main, retake):
        group_grades = Grade.objects.filter(
            assessment__session=session, assessment__group=assessment.group
        )
        owing = set(
            group_grades.filter(value__in=["2", "absent", "fail"]).values_list(
                "student_id", flat=True
            )
        )
        retaking = set(
            group_grades.filter(attempt=Attempt.RETAKE).values_list("student_id", flat=True)
        )
        return next(
            (s for s in sorted(main) if s not in owing and s not in retaking and main[s] == "5"),
            None,
        )

    first, not_admitted = pick(passed_everything)
    group = first.group
    for assessment in Assessment.objects.filter(session=session, group=group):
        _save(services.open_sheet(assessment, Attempt.MAIN), {not_admitted: ""})
    services.set_admissions(
        session, group, Attempt.MAIN, {not_admitted: (False, "invalid", "Төлөбү жок")}, None
    )

    # A student not admitted for an invalid reason (and so not admitted to АКЖ) is admitted.
    late = (
        Admission.objects.filter(session=session, stage=Attempt.MAIN, admitted=False)
        .filter(reason="invalid")
        .exclude(group__in=used)
        .order_by("pk")
        .first()
    )
    services.set_admissions(
        session, late.group, Attempt.MAIN, {late.student_id: (True, "", "Төлөдү")}, None
    )

    # The admin: a student's name and funding, a staff member's name, a department's and a
    # group's name, a program's name, a teaching load; the session's dates and an examiner.
    renamed = Student.objects.order_by("record_book").first()
    renamed.full_name = "Түзөтүлгөн Аты Жөнү"
    renamed.funding = "budget" if renamed.funding == "contract" else "contract"
    renamed.save()
    teacher = StaffMember.objects.order_by("personnel_number").first()
    teacher.full_name = "Түзөтүлгөн Окутуучу"
    teacher.save()
    department = Department.objects.order_by("name").first()
    department.name = "Кайра аталган кафедра"
    department.save()
    class_ = StudyGroup.objects.exclude(pk__in=used).order_by("pk").first()
    class_.name = "ЖАҢЫ-1-1"
    class_.save()
    program = Program.objects.exclude(code="").order_by("pk").first()
    program.name = "Түзөтүлгөн программа"
    program.save()
    load = TeachingLoad.objects.order_by("pk").first()
    load.performed_hours += 12
    load.reason = "Кошумча сааттар"
    load.save()
    newcomer = Student.objects.create(
        record_book="NEW-0001", full_name="Жаңы Студент", group=class_, funding="contract"
    )
    gone = StaffMember.objects.order_by("personnel_number").last()
    gone.delete()
    session.main_end = datetime.date(START_YEAR + 1, 6, 20)
    session.save()
    examined = Assessment.objects.filter(session=session).exclude(group__in=used).first()
    examined.examiner = StaffMember.objects.exclude(pk=examined.examiner_id).order_by("pk").last()
    examined.save()

    # The academic department: an accreditation's term, a licence's note, a seminar's head
    # count, a survey question's wording, a state attestation grade.
    accreditation = Accreditation.objects.order_by("pk").first()
    accreditation.term_years = 7
    accreditation.save()
    licence = LicenceApplication.objects.order_by("pk").first()
    licence.note = "Кайра жөнөтүлдү"
    licence.save()
    seminar = Seminar.objects.order_by("pk").first()
    seminar.participants = 40
    seminar.save()
    question = Question.objects.filter(survey__title=TITLE).order_by("order").first()
    question.text = "Сессияны уюштурууга берген бааңыз"
    question.save()
    entry = AttestationEntry.objects.filter(grade="5").order_by("pk").first()
    entry.grade = "4"
    entry.save()

    return {
        "locked": (locked.pk, corrected),
        "retaken": (retaken.pk, debtor),
        "regraded": (regraded.pk, student),
        "not_admitted": (session.pk, not_admitted, first.pk),
        "admitted": (session.pk, late.student_id),
        "student": renamed.pk,
        "newcomer": newcomer.pk,
        "gone": gone.personnel_number,
        "teacher": teacher.pk,
        "department": department.pk,
        "group": class_.pk,
        "program": program.pk,
        "load": (load.pk, load.performed_hours),
        "session": session.pk,
        "examined": (examined.pk, examined.examiner_id, examined.date),
        "accreditation": accreditation.pk,
        "licence": licence.pk,
        "seminar": seminar.pk,
        "question": question.pk,
        "entry": entry.pk,
    }


@pytest.fixture(scope="module")
def rerun(django_db_setup, django_db_blocker):
    """Seed, use the demo, snapshot, seed again: (what was changed, before, after, the output)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0, history_years=1)
        changed = use_the_demo()
        before = snapshot()
        out = io.StringIO()
        call_command("seed_demo", stdout=out, history_years=1)
        yield changed, before, snapshot(), out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_a_second_seed_after_use_changes_nothing(rerun):
    _changed, before, after, _out = rerun
    assert after.keys() == before.keys()
    for label in before:
        assert len(after[label]) == len(before[label]), label
        assert after[label] == before[label], label


def test_the_grades_and_the_locked_sheet_stay(rerun):
    changed, *_ = rerun
    assessment, student = changed["locked"]
    assert _grades(assessment, Attempt.MAIN)[student] == "5"
    sheet = services.open_sheet(Assessment.objects.get(pk=assessment), Attempt.MAIN)
    assert sheet.status == SheetStatus.LOCKED
    assessment, student = changed["retaken"]
    assert _grades(assessment, Attempt.RETAKE)[student] == "4"
    assessment, student = changed["regraded"]
    assert _grades(assessment, Attempt.MAIN)[student] == "3"
    assert student not in _grades(assessment, Attempt.RETAKE)


def test_the_admissions_stay(rerun):
    changed, *_ = rerun
    session, student, assessment = changed["not_admitted"]
    admission = Admission.objects.get(session=session, student=student, stage=Attempt.MAIN)
    assert (admission.admitted, admission.reason, admission.note) == (
        False,
        "invalid",
        "Төлөбү жок",
    )
    assert not Grade.objects.filter(assessment__session=session, student=student).exists()
    session, student = changed["admitted"]
    admission = Admission.objects.get(session=session, student=student, stage=Attempt.MAIN)
    assert (admission.admitted, admission.reason) == (True, "")


def test_the_admins_edits_stay(rerun):
    changed, *_ = rerun
    student = Student.objects.get(pk=changed["student"])
    assert student.full_name == "Түзөтүлгөн Аты Жөнү"
    assert StaffMember.objects.get(pk=changed["teacher"]).full_name == "Түзөтүлгөн Окутуучу"
    assert Department.objects.get(pk=changed["department"]).name == "Кайра аталган кафедра"
    assert StudyGroup.objects.get(pk=changed["group"]).name == "ЖАҢЫ-1-1"
    assert Program.objects.get(pk=changed["program"]).name == "Түзөтүлгөн программа"
    load, hours = changed["load"]
    assert TeachingLoad.objects.get(pk=load).performed_hours == hours
    session = ExamSession.objects.get(pk=changed["session"])
    assert session.main_end == datetime.date(START_YEAR + 1, 6, 20)
    pk, examiner, date = changed["examined"]
    assert Assessment.objects.filter(pk=pk, examiner=examiner, date=date).exists()


def test_renamed_and_deleted_rows_are_not_made_again(rerun):
    # A row renamed in the admin is the same row: no department or group comes back under the
    # old name; a teacher deleted stays deleted, and a student added gets no demo results.
    changed, *_ = rerun
    assert Department.objects.count() == 38
    assert StudyGroup.objects.filter(academic_year__start_year=START_YEAR).count() == 520
    assert Student.objects.count() == 11977 + 1
    assert not StaffMember.objects.filter(personnel_number=changed["gone"]).exists()
    assert not Admission.objects.filter(student=changed["newcomer"]).exists()


def test_the_academic_departments_edits_stay(rerun):
    changed, *_ = rerun
    assert Accreditation.objects.get(pk=changed["accreditation"]).term_years == 7
    assert LicenceApplication.objects.get(pk=changed["licence"]).note == "Кайра жөнөтүлдү"
    assert Seminar.objects.get(pk=changed["seminar"]).participants == 40
    assert Question.objects.get(pk=changed["question"]).text == "Сессияны уюштурууга берген бааңыз"
    assert AttestationEntry.objects.get(pk=changed["entry"]).grade == "4"


def test_the_second_run_reports_the_demo(rerun):
    *_, out = rerun
    assert "2023-2024" in out


def test_the_session_dates_are_set_only_where_empty():
    from demo.sessions import DATES, _fill_dates
    from tests import factories

    # Another year than the demo's: the module's seed may be in the database.
    session = factories.exam_session(
        academic_year=factories.academic_year(START_YEAR - 10),
        main_end=datetime.date(START_YEAR + 1, 6, 20),
        # Before the demo's start of АКЖ: filling that in would put the start after the end.
        retake_end=datetime.date(START_YEAR + 1, 6, 10),
    )
    _fill_dates(session)
    session.refresh_from_db()
    assert session.main_start == DATES["main_start"]
    assert session.main_end == datetime.date(START_YEAR + 1, 6, 20)
    assert session.retake_start is None
    assert session.retake_end == datetime.date(START_YEAR + 1, 6, 10)


def test_a_renamed_agency_or_survey_is_not_made_again():
    from accreditation.models import Agency
    from demo.accreditation import NIRAS, seed_accreditation_demo
    from demo.surveys import seed_survey_demo
    from surveys.models import Response, Survey

    AcademicYear.objects.get_or_create(start_year=START_YEAR)
    seed_accreditation_demo()
    Agency.objects.filter(name=NIRAS).update(name="НИРАС (жаңы аталышы)")
    seed_survey_demo()
    Survey.objects.filter(title=TITLE).update(title="Сессия 2024: студенттердин пикири")
    before = snapshot()
    seed_accreditation_demo()
    assert seed_survey_demo().added == 0
    assert snapshot() == before
    assert (Agency.objects.count(), Survey.objects.count(), Response.objects.count()) == (2, 1, 100)
