"""The faculty summary counts what it says, for one year, in one query."""

import pytest

from academics.choices import DepartmentKind, StudentStatus
from reports.structure import faculty_summary, totals
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
