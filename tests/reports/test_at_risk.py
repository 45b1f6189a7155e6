"""The students at risk (reports.at_risk.risk) against DOMAIN.md's table, each reason at its edges:
owes 2 against 3, not admitted for a valid against an invalid reason, a debt again with and without
a debt in the previous session, a mean that falls by exactly 1.0 or with too few exams; the level
as the highest reason, the order, and the queries that do not grow with the students."""

from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from academics import roles
from reports.achievement import Stage
from reports.at_risk.risk import forget, students_at_risk
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories

pytestmark = pytest.mark.django_db

KINDS = ("exam", "exam", "exam", "exam", "credit")


class World:
    """Sessions in time order and a group per faculty, graded through the grade service."""

    def __init__(self, faculty="Энергетика"):  # its group: ЭН-1-23
        self.older = factories.exam_session(academic_year=factories.academic_year(2022), term=2)
        self.previous = factories.exam_session(academic_year=factories.academic_year(2023), term=1)
        self.session = factories.exam_session(academic_year=factories.academic_year(2023), term=2)
        self.faculty = factories.faculty(name=faculty)
        self.group = factories.group(
            program=factories.program(faculty=self.faculty), name=f"{faculty[:2].upper()}-1-23"
        )
        self.dean = factories.user(role=roles.DEAN_OFFICE, faculty=self.faculty)
        self.exams = {}

    def student(self, name, group=None):
        return factories.student(group=group or self.group, full_name=name)

    def assessments(self, session, group=None):
        """The group's assessments of the session (4 exams and a credit), made once; every
        student of the group admitted."""
        group = group or self.group
        key = (session.pk, group.pk)
        if key not in self.exams:
            self.exams[key] = [
                factories.assessment(session=session, group=group, kind=kind) for kind in KINDS
            ]
        services.ensure_admissions(session, group)
        return self.exams[key]

    def grades(self, session, student, main, retake=(), group=None):
        """`main` and `retake`: a value per assessment in KINDS' order ("" for none)."""
        assessments = self.assessments(session, group)
        for attempt, values in ((Attempt.MAIN, main), (Attempt.RETAKE, retake)):
            for assessment, value in zip(assessments, values, strict=False):
                if value:
                    sheet = services.open_sheet(assessment, attempt)
                    services.record_grades(sheet, {student.pk: value}, None, version=sheet.version)

    def not_admitted(self, session, student, reason, note=""):
        self.assessments(session, student.group)
        services.set_admissions(
            session, student.group, Attempt.MAIN, {student.pk: (False, reason, note)}, self.dean
        )


@pytest.fixture
def w():
    return World()


def _found(world, stage=Stage.AFTER, **kwargs):
    return {e.student.full_name: e for e in students_at_risk(world.session, stage, **kwargs)}


PASSED = ("5", "4", "4", "5", "pass")


def test_owing_two_is_medium_and_three_is_high(w):
    two, three, none = w.student("Эки"), w.student("Үч"), w.student("Жок")
    w.grades(w.session, two, ("2", "absent", "4", "5", "pass"))
    w.grades(w.session, three, ("2", "absent", "", "5", "pass"))  # a blank is owed
    w.grades(w.session, none, PASSED)
    found = _found(w)
    assert set(found) == {"Эки", "Үч"}
    assert (found["Эки"].codes, found["Эки"].level) == (["owes"], "medium")
    assert (found["Үч"].codes, found["Үч"].level) == (["owes_3_plus"], "high")
    assert sorted((o.grade, o.kind) for o in found["Үч"].owed) == [
        ("", "exam"),
        ("2", "exam"),
        ("absent", "exam"),
    ]


def test_the_stage_decides_what_is_owed(w):
    student = w.student("Асан")
    w.grades(w.session, student, ("2", "2", "2", "5", "pass"), retake=("3", "4"))
    assert _found(w, Stage.BEFORE)["Асан"].codes == ["owes_3_plus"]
    assert _found(w, Stage.AFTER)["Асан"].codes == ["owes"]
    assert [o.discipline for o in _found(w)["Асан"].owed] == [
        w.assessments(w.session)[2].discipline
    ]


def test_not_admitted_for_an_invalid_reason_is_high_and_for_a_valid_one_is_not_listed(w):
    invalid, valid = w.student("Себепсиз"), w.student("Себептүү")
    w.not_admitted(w.session, invalid, "invalid", "контракт төлөнгөн жок")
    w.not_admitted(w.session, valid, "valid", "оорулуу")
    found = _found(w)
    assert set(found) == {"Себепсиз"}
    assert found["Себепсиз"].codes == ["not_admitted_invalid"]
    assert found["Себепсиз"].level == "high"
    assert found["Себепсиз"].reasons[0].note == "контракт төлөнгөн жок"


def test_admitted_to_akzh_only_is_not_admitted_before_and_owes_after(w):
    student = w.student("Бакыт")
    w.not_admitted(w.session, student, "invalid")
    services.set_admissions(
        w.session, w.group, Attempt.RETAKE, {student.pk: (True, "", "")}, w.dean
    )
    w.grades(w.session, student, (), retake=("3", "3", "3", "3", "pass"))
    assert _found(w, Stage.BEFORE)["Бакыт"].codes == ["not_admitted_invalid"]
    assert "Бакыт" not in _found(w, Stage.AFTER)


def test_a_debt_again_needs_a_debt_after_akzh_in_the_previous_session(w):
    again, cleared = w.student("Кайра"), w.student("Жойгон")
    w.grades(w.previous, again, ("2", "5", "5", "5", "pass"), retake=("absent",))
    w.grades(w.previous, cleared, ("2", "5", "5", "5", "pass"), retake=("3",))
    # A student with no previous session: a group that first sits this session.
    first_year = factories.group(program=w.group.program, name="ЭН-1-24")
    fresh = w.student("Жаңы", first_year)
    for student in (again, cleared, fresh):
        w.grades(w.session, student, ("2", "5", "5", "5", "pass"), group=student.group)
    found = _found(w)
    assert (found["Кайра"].codes, found["Кайра"].level) == (["repeat_debt", "owes"], "high")
    assert found["Кайра"].reasons[0].previous_session == w.previous
    assert found["Жойгон"].codes == ["owes"]
    assert found["Жаңы"].codes == ["owes"]


def test_the_previous_session_is_the_latest_earlier_one(w):
    student = w.student("Мурат")
    w.grades(w.older, student, ("2", "5", "5", "5", "pass"))  # a debt two sessions ago
    w.grades(w.previous, student, PASSED)
    w.grades(w.session, student, ("2", "5", "5", "5", "pass"))
    assert _found(w)["Мурат"].codes == ["owes"]


def test_a_debt_in_the_previous_session_alone_is_no_reason(w):
    student = w.student("Нурлан")
    w.grades(w.previous, student, ("2", "2", "2", "5", "pass"))
    w.grades(w.session, student, PASSED)
    assert "Нурлан" not in _found(w)


def test_a_mean_fallen_by_exactly_one_is_low(w):
    fell, less, absent = w.student("Түштү"), w.student("Азыраак"), w.student("Келбеди")
    w.grades(w.previous, fell, ("5", "5", "4", "4", "pass"))  # 4.5
    w.grades(w.session, fell, ("4", "4", "3", "3", "pass"))  # 3.5: exactly 1.0 lower
    w.grades(w.previous, less, ("5", "5", "4", "4", "pass"))
    w.grades(w.session, less, ("4", "4", "4", "3", "pass"))  # 3.75: 0.75 lower
    # "absent" counts as 2 (and is owed); the credit is left out.
    w.grades(w.previous, absent, ("5", "5", "5", "5", "pass"))
    w.grades(w.session, absent, ("absent", "5", "5", "4", "fail"))
    found = _found(w)
    reason = found["Түштү"].reasons[0]
    assert (found["Түштү"].codes, found["Түштү"].level) == (["falling_average"], "low")
    assert (reason.mean, reason.previous_mean) == (Fraction(7, 2), Fraction(9, 2))
    assert reason.previous_session == w.previous
    assert "Азыраак" not in found
    assert found["Келбеди"].codes == ["owes", "falling_average"]
    assert found["Келбеди"].reasons[1].mean == Fraction(16, 4)
    assert found["Келбеди"].level == "medium"


def test_a_mean_of_fewer_than_two_exams_is_not_compared(w):
    one_then, one_now = w.student("Бирөө"), w.student("Азыр")
    w.grades(w.previous, one_then, ("5", "", "", "", "pass"), retake=("", "4", "4", "4"))
    w.grades(w.previous, one_now, ("5", "5", "5", "5", "pass"))
    exams = w.assessments(w.session)
    # Only one graded exam now: the others are not in this student's group this session.
    w.grades(w.session, one_now, ("3", "", "", "", ""))
    w.grades(w.session, one_then, ("3", "3", "3", "3", "pass"))
    found = _found(w)
    # one_then: previous after АКЖ 5, 4, 4, 4 = 4.25 and now 3: fell by 1.25 with 4 exams each.
    assert found["Бирөө"].codes == ["falling_average"]
    assert found["Азыр"].codes == ["owes_3_plus"]  # three blanks owed, but only one exam graded
    assert len(exams) == 5


def test_the_level_is_the_highest_reason_and_the_order_is_level_faculty_group_name(w):
    other_faculty = factories.faculty(name="Экономика")
    other = factories.group(program=factories.program(faculty=other_faculty), name="Эк-1-23")
    second = factories.group(program=w.group.program, name="ЭН-2-23")
    people = {
        "Өмүров": (w.group, ("2", "2", "2", "5", "pass")),  # high
        "Орозов": (w.group, ("2", "2", "2", "5", "pass")),  # high, before Ө
        "Абаев": (second, ("2", "2", "2", "5", "pass")),  # high, a later group
        "Бекова": (other, ("2", "2", "2", "5", "pass")),  # high, Экономика before Энергетика
        "Асанов": (w.group, ("2", "5", "5", "5", "pass")),  # medium
    }
    for name, (group, values) in people.items():
        w.grades(w.session, w.student(name, group), values, group=group)
    entries = students_at_risk(w.session)
    assert [e.student.full_name for e in entries] == [
        "Бекова",
        "Орозов",
        "Өмүров",
        "Абаев",
        "Асанов",
    ]
    assert [e.level for e in entries] == ["high"] * 4 + ["medium"]
    assert [e.faculty.name for e in students_at_risk(w.session, faculty=other_faculty)] == [
        "Экономика"
    ]


def _count_queries(world, students):
    for index in range(students):
        student = world.student(f"Студент {len(world.exams)}-{index}")
        world.grades(world.previous, student, ("5", "5", "2", "5", "pass"))
        world.grades(world.session, student, ("2", "3", "3", "2", "pass"))
    with CaptureQueriesContext(connection) as queries:
        entries = students_at_risk(world.session, faculty=world.faculty)
    assert len(entries) == students
    assert {tuple(e.codes) for e in entries} == {("repeat_debt", "owes", "falling_average")}
    return len(queries)


def test_the_queries_do_not_grow_with_the_students():
    few = _count_queries(World("Биринчи"), 2)
    many = _count_queries(World("Экинчи"), 9)
    assert few == many
    assert many <= 12


@pytest.fixture
def kept(settings):
    """The lists kept in the process, as the portal runs, from none."""
    settings.AT_RISK_CACHE_SECONDS = 600
    forget()
    yield
    forget()


def test_the_kept_list_follows_every_write(w, kept, django_assert_num_queries):
    student = w.student("Кэш")
    w.grades(w.session, student, ("2", "5", "5", "5", "pass"))
    assert [e.codes for e in students_at_risk(w.session)] == [["owes"]]
    with django_assert_num_queries(1):  # the sessions' versions only
        assert [e.codes for e in students_at_risk(w.session)] == [["owes"]]
    w.grades(w.session, student, ("2", "2", "2"))  # a grade saved raises the session's version
    assert [e.codes for e in students_at_risk(w.session)] == [["owes_3_plus"]]
    w.grades(w.previous, student, ("2",))  # and so does one in the previous session
    assert [e.codes for e in students_at_risk(w.session)] == [["owes_3_plus", "repeat_debt"]]


def test_within_a_freshness_window_the_list_computed_last_is_shown(w, kept):
    student = w.student("Терезе")
    w.grades(w.session, student, ("2", "5", "5", "5", "pass"))
    assert [e.codes for e in students_at_risk(w.session, max_age=15)] == [["owes"]]
    w.grades(w.session, student, ("2", "2", "2"))
    assert [e.codes for e in students_at_risk(w.session, max_age=15)] == [["owes"]]
    assert [e.codes for e in students_at_risk(w.session)] == [["owes_3_plus"]]
