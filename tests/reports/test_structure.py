"""The structure figures count what they say, for one year, in one query each: the faculty
summary, the programs (section 1) and the study groups (section 2) by level and form; of the
faculties the user may see."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from academics import roles
from academics.choices import DepartmentKind, Funding, Level, StudentStatus, StudyForm
from academics.models import Student
from reports.structure import (
    faculty_summary,
    groups_by_level_form,
    programs_by_level_form,
    totals,
)
from tests import factories


@pytest.mark.django_db
def test_faculty_summary_counts_and_totals(django_assert_num_queries):
    year, previous = factories.academic_year(2023), factories.academic_year(2022)
    a = factories.faculty(name="A")
    b = factories.faculty(name="B")
    factories.department(faculty=a, kind=DepartmentKind.GRADUATING)
    factories.department(faculty=a, kind=DepartmentKind.SERVICE)
    factories.department(faculty=b, kind=DepartmentKind.SERVICE)
    program_a = factories.program(faculty=a)
    factories.program(faculty=b)
    group = factories.group(program=program_a, academic_year=year)
    old_group = factories.group(program=program_a, academic_year=previous)
    factories.student(group=group)
    factories.student(group=group)
    factories.student(group=group, status=StudentStatus.EXPELLED)
    factories.student(group=old_group)

    with django_assert_num_queries(1):
        rows = {row.name: row for row in faculty_summary(year)}

    assert (rows["A"].graduating_department_count, rows["A"].service_department_count) == (1, 1)
    assert (rows["B"].graduating_department_count, rows["B"].service_department_count) == (0, 1)
    assert (rows["A"].program_count, rows["A"].group_count, rows["A"].student_count) == (1, 1, 2)
    assert (rows["B"].program_count, rows["B"].group_count, rows["B"].student_count) == (1, 0, 0)
    total = totals(list(rows.values()))
    assert total["department_count"] == 3
    assert total["student_count"] == 2
    assert {r.name: r.student_count for r in faculty_summary()} == {"A": 3, "B": 0}


@pytest.mark.django_db
def test_the_faculty_summary_a_user_sees():
    year = factories.academic_year(2023)
    a, b = factories.faculty(name="A"), factories.faculty(name="B")
    for faculty in (a, b):
        factories.student(group=factories.group(program=factories.program(faculty=faculty)))
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=a)
    assert [(r.name, r.student_count) for r in faculty_summary(year, user=dean)] == [("A", 1)]
    assert list(faculty_summary(year, user=factories.user())) == []  # no role
    rector = factories.user(role=roles.VICE_RECTOR)
    assert [r.name for r in faculty_summary(year, user=rector)] == ["A", "B"]


@pytest.mark.django_db
def test_the_home_page_lists_the_faculties_with_the_university_total_under_them():
    year = factories.academic_year(2023)
    a, b = factories.faculty(name="A"), factories.faculty(name="B")
    for faculty, students in ((a, 1200), (b, 3)):
        group = factories.group(program=factories.program(faculty=faculty), academic_year=year)
        Student.objects.bulk_create(
            Student(
                group=group,
                record_book=f"{faculty.name}{n}",
                full_name=f"Student {n}",
                funding=Funding.BUDGET,
            )
            for n in range(students)
        )
    department = Client()
    department.force_login(factories.user(role=roles.ACADEMIC_DEPARTMENT))
    department.cookies["portal_language"] = "ru"
    page = department.get(reverse("reports:home")).content.decode()
    foot = page[page.index("<tfoot") : page.index("</tfoot>")]
    assert "По университету" in foot and "1\N{NO-BREAK SPACE}203" in foot
    assert page.index(">A<") < page.index(">B<") < page.index("<tfoot")

    dean = Client()
    dean.force_login(factories.user(role=roles.DEAN_OFFICE, faculty=b))
    page = dean.get(reverse("reports:home")).content.decode()
    assert "<tfoot" not in page and ">A<" not in page and ">B<" in page


# --- Sections 1 and 2: programs and groups by level and form ------------------------------------

DAY, EXTRAMURAL = StudyForm.DAY, StudyForm.EXTRAMURAL


def _cells(table):
    """{band label: [(cell label, count)]}, the labels as the page shows them in English."""
    with translation.override("en"):
        return {
            str(band.label): [(str(cell.label), cell.count) for cell in band.cells]
            for band in table.bands
        }


@pytest.fixture
def registry():
    """Programs: two day bachelor's (one runs groups this year, one only last year), a day
    specialist's, an extramural specialist's without groups, a day master's with a group, an
    extramural college program with two groups, a short course without groups."""
    year, previous = factories.academic_year(2023), factories.academic_year(2022)
    running = factories.program(level=Level.BACHELOR, form=DAY)
    factories.group(program=running, academic_year=year)
    factories.group(program=running, academic_year=year)
    last_year_only = factories.program(level=Level.BACHELOR, form=DAY)
    factories.group(program=last_year_only, academic_year=previous)
    specialist = factories.program(level=Level.SPECIALIST, form=DAY)
    factories.group(program=specialist, academic_year=year)
    factories.program(level=Level.SPECIALIST, form=EXTRAMURAL)
    master = factories.program(level=Level.MASTER, form=DAY)
    factories.group(program=master, academic_year=year)
    college = factories.program(level=Level.SECONDARY, form=EXTRAMURAL)
    factories.group(program=college, academic_year=year)
    factories.group(program=college, academic_year=year)
    factories.group(program=college, academic_year=previous)
    factories.program(code="", name="Frontend", level=Level.SHORT_COURSE, form=DAY)
    return year, previous


@pytest.mark.django_db
def test_programs_in_the_registry_by_level_and_form(registry, django_assert_num_queries):
    with django_assert_num_queries(1):
        table = programs_by_level_form()
    assert table.counts == {
        (Level.BACHELOR, DAY): 2,
        (Level.SPECIALIST, DAY): 1,
        (Level.SPECIALIST, EXTRAMURAL): 1,
        (Level.MASTER, DAY): 1,
        (Level.SECONDARY, EXTRAMURAL): 1,
        (Level.SHORT_COURSE, DAY): 1,
    }
    # The seed's bands: specialist before bachelor within a form, the forms within a level.
    assert _cells(table) == {
        "Higher professional, day": [("specialist", 1), ("bachelor", 2)],
        "Higher professional, extramural": [("specialist", 1), ("bachelor", 0)],
        "Master's": [("day", 1), ("extramural", 0)],
        "Secondary professional": [("day", 0), ("extramural", 1)],
        "PhD": [("day", 0), ("extramural", 0)],
        "Short courses": [("day", 1), ("extramural", 0)],
    }
    assert [band.total for band in table.bands] == [3, 1, 1, 1, 0, 1]
    assert table.total == 7
    assert [(c.form, c.count) for c in table.form_totals] == [(DAY, 5), (EXTRAMURAL, 2)]


@pytest.mark.django_db
def test_programs_running_groups(registry, django_assert_num_queries):
    year, previous = registry
    with django_assert_num_queries(1):
        this_year = programs_by_level_form(year, running_only=True)
    assert this_year.counts == {
        (Level.BACHELOR, DAY): 1,
        (Level.SPECIALIST, DAY): 1,
        (Level.MASTER, DAY): 1,
        (Level.SECONDARY, EXTRAMURAL): 1,
    }
    assert this_year.total == 4
    assert programs_by_level_form(previous, running_only=True).counts == {
        (Level.BACHELOR, DAY): 1,
        (Level.SECONDARY, EXTRAMURAL): 1,
    }
    # Any year: every program that has ever had a group.
    assert programs_by_level_form(running_only=True).total == 5
    # A year alone does not narrow the registry.
    assert programs_by_level_form(year).total == 7


@pytest.mark.django_db
def test_groups_by_level_and_form(registry, django_assert_num_queries):
    year, previous = registry
    extramural_bachelor = factories.program(level=Level.BACHELOR, form=EXTRAMURAL)
    for _ in range(3):
        factories.group(program=extramural_bachelor, academic_year=year)
    with django_assert_num_queries(1):
        table = groups_by_level_form(year)
    # Higher professional joins bachelor and specialist: 2 + 1 day, 3 extramural.
    assert _cells(table) == {
        "Higher professional": [("day", 3), ("extramural", 3)],
        "Master's": [("day", 1), ("extramural", 0)],
        "Secondary professional": [("day", 0), ("extramural", 2)],
        "PhD": [("day", 0), ("extramural", 0)],
        "Short courses": [("day", 0), ("extramural", 0)],
    }
    assert [band.total for band in table.bands] == [6, 1, 2, 0, 0]
    assert [(c.form, c.count) for c in table.form_totals] == [(DAY, 4), (EXTRAMURAL, 5)]
    assert table.total == 9
    assert groups_by_level_form(previous).total == 2


@pytest.mark.django_db
def test_groups_of_a_year_without_any():
    table = groups_by_level_form(factories.academic_year(2030))
    assert table.total == 0
    assert all(cell.count == 0 for band in table.bands for cell in band.cells)


@pytest.mark.django_db
def test_a_table_as_plain_data(registry):
    with translation.override("en"):
        data = programs_by_level_form().as_dict()
    assert data["total"] == 7
    assert data["bands"][0] == {
        "label": "Higher professional, day",
        "cells": [
            {"label": "specialist", "levels": ["specialist"], "form": "day", "count": 1},
            {"label": "bachelor", "levels": ["bachelor"], "form": "day", "count": 2},
        ],
        "total": 3,
    }
