"""The database constraints of the academic structure: what they reject and what they allow; and
which rows each role sees (Model.objects.for_user)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, transaction

from academics import roles
from academics.choices import Level, LoadLevel, StudyForm
from academics.models import (
    AcademicYear,
    Department,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(create):
    """True if the database refuses what `create` writes."""
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


# Academic years, faculties, departments


def test_academic_year_is_unique_and_in_range():
    f.academic_year(2023)

    assert rejected(lambda: AcademicYear.objects.create(start_year=2023))
    assert rejected(lambda: AcademicYear.objects.create(start_year=1989))
    assert rejected(lambda: AcademicYear.objects.create(start_year=2101))
    assert not rejected(lambda: AcademicYear.objects.create(start_year=1990))


def test_academic_year_names():
    assert AcademicYear.parse_name("2023-2024") == 2023
    assert AcademicYear.parse_name(" 2023/2024 ") == 2023
    assert f.academic_year(2023).name == "2023-2024"
    assert AcademicYear.objects.get_by_name("2023–2024").start_year == 2023
    for bad in ("2023", "2023-2025", "abc-def", ""):
        with pytest.raises(ValueError):
            AcademicYear.parse_name(bad)


def test_faculty_code_and_name_are_unique_and_kind_valid():
    f.faculty(code="it", name="Faculty of Informatics")

    assert rejected(lambda: f.faculty(code="it"))
    assert rejected(lambda: f.faculty(name="Faculty of Informatics"))
    assert rejected(lambda: f.faculty(kind="school"))
    assert not rejected(lambda: f.faculty(kind="college"))


def test_department_name_is_unique_and_kind_valid():
    f.department(name="Физика кафедрасы")

    assert rejected(lambda: f.department(name="Физика кафедрасы"))
    assert rejected(lambda: f.department(kind="other"))
    assert not rejected(lambda: f.department(kind="service"))


# Programs


def test_program_level_and_form_are_valid():
    assert rejected(lambda: f.program(level="doctorate"))
    assert rejected(lambda: f.program(form="evening"))


def test_a_coded_program_is_one_per_level_and_form():
    f.program(code="710400", level=Level.BACHELOR, form=StudyForm.DAY)

    assert rejected(lambda: f.program(code="710400", level=Level.BACHELOR, form=StudyForm.DAY))
    assert not rejected(
        lambda: f.program(code="710400", level=Level.BACHELOR, form=StudyForm.EXTRAMURAL)
    )
    assert not rejected(lambda: f.program(code="710400", level=Level.MASTER, form=StudyForm.DAY))


def test_short_courses_without_code_are_told_apart_by_name():
    def short_course(name, form=StudyForm.DAY):
        return f.program(code="", name=name, level=Level.SHORT_COURSE, form=form)

    short_course("Python")

    assert rejected(lambda: short_course("Python"))
    assert not rejected(lambda: short_course("Excel"))
    assert not rejected(lambda: short_course("Python", form=StudyForm.EXTRAMURAL))
    # A name is not unique among coded programs: two codes may share a title.
    f.program(code="710401", name="Информатика")
    assert not rejected(lambda: f.program(code="710402", name="Информатика"))


# Groups and students


def test_group_name_is_unique_within_a_year():
    year = f.academic_year(2023)
    f.group(name="ПИ-1-23", academic_year=year)

    assert rejected(lambda: f.group(name="ПИ-1-23", academic_year=year))
    assert not rejected(lambda: f.group(name="ПИ-1-23", academic_year=f.academic_year(2024)))


@pytest.mark.parametrize(
    ("year_of_study", "refused"), [(0, True), (1, False), (6, False), (7, True)]
)
def test_year_of_study_is_from_1_to_6(year_of_study, refused):
    assert rejected(lambda: f.group(year_of_study=year_of_study)) is refused


def test_record_book_is_unique_and_not_empty():
    group = f.group()
    f.student(record_book="230001", group=group)

    assert rejected(lambda: f.student(record_book="230001", group=group))
    assert rejected(lambda: f.student(record_book="", group=group))


def test_student_funding_and_status_are_valid():
    group = f.group()

    assert rejected(lambda: f.student(group=group, funding="grant"))
    assert rejected(lambda: f.student(group=group, status="sleeping"))
    assert not rejected(lambda: f.student(group=group, funding="budget", status="graduated"))


# Staff and loads


def test_personnel_number_is_unique():
    department = f.department()
    f.staff_member(personnel_number="T001", department=department)

    assert rejected(lambda: f.staff_member(personnel_number="T001", department=department))


@pytest.mark.parametrize(
    ("rate", "refused"),
    [("0", True), ("0.04", True), ("0.05", False), ("1.50", False), ("1.51", True), ("2", True)],
)
def test_staff_rate_is_from_005_to_150(rate, refused):
    assert rejected(lambda: f.staff_member(rate=Decimal(rate))) is refused


@pytest.mark.parametrize("field", ["position", "degree", "title", "employment"])
def test_staff_choices_are_valid(field):
    assert rejected(lambda: f.staff_member(**{field: "other"}))


def test_teaching_load_is_one_per_department_year_term_and_level():
    department, year = f.department(), f.academic_year(2023)
    f.teaching_load(department=department, academic_year=year, term=1, level=LoadLevel.HIGHER)

    def load(**kw):
        kw = {"department": department, "academic_year": year, "term": 1, **kw}
        kw.setdefault("level", LoadLevel.HIGHER)
        return f.teaching_load(**kw)

    assert rejected(load)
    assert not rejected(lambda: load(term=2))
    assert not rejected(lambda: load(level=LoadLevel.SECONDARY))
    assert not rejected(lambda: load(academic_year=f.academic_year(2024)))


def test_teaching_load_term_and_level_are_valid():
    assert rejected(lambda: f.teaching_load(term=3))
    assert rejected(lambda: f.teaching_load(level="tertiary"))


def test_teaching_load_difference():
    assert f.teaching_load(planned_hours=1000, performed_hours=1030).difference == 30
    assert f.teaching_load(planned_hours=500, performed_hours=480).difference == -20


def test_discipline_name_is_unique():
    f.discipline(name="Физика")

    assert rejected(lambda: f.discipline(name="Физика"))


# Who sees which rows: Model.objects.for_user (academics.querysets)

SCOPED = {
    Faculty: "faculty",
    Department: "department",
    Program: "program",
    StudyGroup: "group",
    Student: "students",
    StaffMember: "staff_member",
    TeachingLoad: "teaching_load",
}


@pytest.fixture
def two_faculties():
    session = f.exam_session(academic_year=f.academic_year(2023), term=2)
    return f.faculty_records("Faculty A", session), f.faculty_records("Faculty B", session)


def rows_of(record, model):
    found = record[SCOPED[model]]
    return sorted(item.pk for item in (found if isinstance(found, list) else [found]))


def seen(model, user):
    return sorted(model.objects.for_user(user).values_list("pk", flat=True))


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_dean_s_office_sees_its_faculty_s_rows_only(two_faculties, model):
    a, b = two_faculties
    for role in (roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD):
        dean = f.user(role=role, faculty=a["faculty"])
        assert seen(model, dean) == rows_of(a, model)
    assert seen(model, f.user(role=roles.DEAN_OFFICE, faculty=b["faculty"])) == rows_of(b, model)


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_user_with_no_role_sees_none_of_the_rows(two_faculties, model):
    nobody = f.user(is_staff=True)
    assert seen(model, nobody) == []
    # Permissions given by hand, without a role, do not make a scope.
    nobody.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
    assert seen(model, User.objects.get(pk=nobody.pk)) == []
    # Nor does a dean's office role without its faculty.
    assert seen(model, f.user(role=roles.DEAN_OFFICE)) == []


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_the_university_wide_roles_see_every_row(two_faculties, model):
    a, b = two_faculties
    every = sorted(rows_of(a, model) + rows_of(b, model))
    for role in (roles.VICE_RECTOR, roles.ACADEMIC_DEPARTMENT, roles.ADMINISTRATOR):
        assert seen(model, f.user(role=role)) == every
    assert seen(model, f.user(is_superuser=True)) == every
