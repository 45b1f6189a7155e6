"""Figures of the academic structure: per faculty, departments, programs, groups, students."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from academics.choices import DepartmentKind, StudentStatus
from academics.models import Department, Faculty, Program, Student, StudyGroup


def _count_by_faculty(queryset, faculty_path):
    return Coalesce(
        Subquery(
            queryset.filter(**{faculty_path: OuterRef("pk")})
            .order_by()
            .values(faculty_path)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def faculty_summary(academic_year=None):
    """One row per faculty: departments (graduating / service), programs, groups, students studying.

    Groups and students are those of `academic_year` when it is given. One query for all faculties.
    """
    groups = StudyGroup.objects.all()
    students = Student.objects.filter(status=StudentStatus.STUDYING)
    if academic_year is not None:
        groups = groups.filter(academic_year=academic_year)
        students = students.filter(group__academic_year=academic_year)
    return Faculty.objects.annotate(
        graduating_department_count=_count_by_faculty(
            Department.objects.filter(kind=DepartmentKind.GRADUATING), "faculty"
        ),
        service_department_count=_count_by_faculty(
            Department.objects.filter(kind=DepartmentKind.SERVICE), "faculty"
        ),
        program_count=_count_by_faculty(Program.objects.all(), "faculty"),
        group_count=_count_by_faculty(groups, "program__faculty"),
        student_count=_count_by_faculty(students, "group__program__faculty"),
    )


def totals(rows):
    """The university line under a faculty_summary()."""
    keys = [
        "graduating_department_count",
        "service_department_count",
        "program_count",
        "group_count",
        "student_count",
    ]
    total = {key: sum(getattr(row, key) for row in rows) for key in keys}
    total["department_count"] = (
        total["graduating_department_count"] + total["service_department_count"]
    )
    return total
