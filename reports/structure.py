"""Figures of the academic structure: per faculty, departments, programs, groups, students;
programs and groups by level and form (sections 1 and 2 of the report).

Each figure counts the rows `user` may see (Model.objects.for_user): a dean's office its
faculty's; with no user, the university's (the commands, the resolution)."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from academics.choices import DepartmentKind, Level, StudentStatus, StudyForm
from academics.models import Department, Faculty, Program, Student, StudyGroup
from academics.querysets import scoped


def _count_by_faculty(queryset):
    """The number of `queryset`'s rows in the outer faculty, through the model's faculty path."""
    path = queryset.faculty_path
    return Coalesce(
        Subquery(
            queryset.of_faculty(OuterRef("pk"))
            .order_by()
            .values(path)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def faculty_summary(academic_year=None, user=None):
    """One row per faculty `user` may see: departments (graduating / service), programs, groups,
    students studying.

    Groups and students are those of `academic_year` when it is given. One query for all faculties.
    """
    groups = StudyGroup.objects.all()
    students = Student.objects.filter(status=StudentStatus.STUDYING)
    if academic_year is not None:
        groups = groups.filter(academic_year=academic_year)
        students = students.filter(group__academic_year=academic_year)
    return scoped(Faculty, user).annotate(
        graduating_department_count=_count_by_faculty(
            Department.objects.filter(kind=DepartmentKind.GRADUATING)
        ),
        service_department_count=_count_by_faculty(
            Department.objects.filter(kind=DepartmentKind.SERVICE)
        ),
        program_count=_count_by_faculty(Program.objects.all()),
        group_count=_count_by_faculty(groups),
        student_count=_count_by_faculty(students),
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


# --- Sections 1 and 2: programs and study groups by level and form ------------------------------

DAY, EXTRAMURAL = StudyForm.DAY, StudyForm.EXTRAMURAL
FORMS = (DAY, EXTRAMURAL)
HIGHER = (Level.SPECIALIST, Level.BACHELOR)


def _count(counts, levels, form):
    return sum(counts.get((level, form), 0) for level in levels)


@dataclass(frozen=True)
class Cell:
    """One count of a table by level and form: the levels it joins and its form."""

    label: str
    levels: tuple
    form: str
    count: int


@dataclass(frozen=True)
class Band:
    """A header over some cells, as the report groups them ("higher professional, day")."""

    label: str
    cells: tuple

    @property
    def total(self):
        return sum(cell.count for cell in self.cells)


@dataclass(frozen=True)
class LevelFormTable:
    """Counts by level and form, laid out in bands; every total a page shows is here."""

    bands: tuple
    counts: dict  # {(level, form): count}, for the levels and forms that have any

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def form_totals(self):
        """One cell per form over every level: the bottom line of a table of bands."""
        levels = tuple(Level.values)
        return tuple(
            Cell(StudyForm(form).label, levels, form, _count(self.counts, levels, form))
            for form in FORMS
        )

    def as_dict(self):
        return {
            "bands": [
                {
                    "label": str(band.label),
                    "cells": [
                        {
                            "label": str(cell.label),
                            "levels": list(cell.levels),
                            "form": cell.form,
                            "count": cell.count,
                        }
                        for cell in band.cells
                    ],
                    "total": band.total,
                }
                for band in self.bands
            ],
            "total": self.total,
        }


def _by_level(form):
    return tuple((Level(level).label, (level,), form) for level in HIGHER)


def _by_form(levels):
    return tuple((StudyForm(form).label, levels, form) for form in FORMS)


# Section 1 of the seed: higher-professional day (specialist, bachelor) and extramural (specialist,
# bachelor), master (day, extramural), college (day, extramural); PhD and short courses apart.
PROGRAM_BANDS = (
    (_("Higher professional, day"), _by_level(DAY)),
    (_("Higher professional, extramural"), _by_level(EXTRAMURAL)),
    (_("Master's"), _by_form((Level.MASTER,))),
    (_("Secondary professional"), _by_form((Level.SECONDARY,))),
    (_("PhD"), _by_form((Level.PHD,))),
    (_("Short courses"), _by_form((Level.SHORT_COURSE,))),
)

# Section 2 of the seed: higher professional 338 = 123 day + 215 extramural, master 32, college 150.
GROUP_BANDS = (
    (_("Higher professional"), _by_form(HIGHER)),
    (_("Master's"), _by_form((Level.MASTER,))),
    (_("Secondary professional"), _by_form((Level.SECONDARY,))),
    (_("PhD"), _by_form((Level.PHD,))),
    (_("Short courses"), _by_form((Level.SHORT_COURSE,))),
)


def _table(counts, bands):
    return LevelFormTable(
        tuple(
            Band(
                label,
                tuple(
                    Cell(name, levels, form, _count(counts, levels, form))
                    for name, levels, form in cells
                ),
            )
            for label, cells in bands
        ),
        counts,
    )


def programs_by_level_form(year=None, running_only=False, user=None):
    """Section 1: the programs `user` may see by level and form, in the seed's bands.

    A program counts when it is in the registry; with `running_only`, only when it has a study
    group in `year` (an AcademicYear or its id; any year when it is None). One query.
    """
    programs = scoped(Program, user)
    if running_only:
        groups = StudyGroup.objects.filter(program=OuterRef("pk"))
        if year is not None:
            groups = groups.filter(academic_year=year)
        programs = programs.filter(Exists(groups))
    rows = programs.order_by().values("level", "form").annotate(n=Count("pk"))
    return _table({(row["level"], row["form"]): row["n"] for row in rows}, PROGRAM_BANDS)


def groups_by_level_form(year, user=None):
    """Section 2: the study groups `user` may see of `year` (an AcademicYear or its id) by level
    and form. One query."""
    rows = (
        scoped(StudyGroup, user)
        .filter(academic_year=year)
        .order_by()
        .values("program__level", "program__form")
        .annotate(n=Count("pk"))
    )
    counts = {(row["program__level"], row["program__form"]): row["n"] for row in rows}
    return _table(counts, GROUP_BANDS)
