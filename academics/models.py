"""The academic structure: years, faculties, departments, programs, groups, students, staff."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.collation import by_name
from portal.constraints import in_choices
from portal.text import SearchKeyed, SearchKeyedQuerySet

from .choices import (
    Degree,
    DepartmentKind,
    Employment,
    FacultyKind,
    Funding,
    Level,
    LoadLevel,
    Position,
    StudentStatus,
    StudyForm,
    Term,
    Title,
)
from .querysets import FacultyScopedQuerySet


class AcademicYearQuerySet(models.QuerySet):
    def get_by_name(self, name):
        """Find a year by its usual name, "2023-2024"."""
        return self.get(start_year=AcademicYear.parse_name(name))


class AcademicYear(models.Model):
    start_year = models.PositiveSmallIntegerField(_("start year"), unique=True)

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__gte=1990, start_year__lte=2100),
                name="academics_academicyear_start_year_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"{self.start_year}-{self.start_year + 1}"

    @staticmethod
    def parse_name(value):
        """ "2023-2024" (or "2023/2024", "2023–2024") -> 2023; anything else is a ValueError."""
        text = str(value).strip().replace("/", "-").replace("–", "-").replace("—", "-")
        parts = text.split("-")
        if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
            first, second = (int(p) for p in parts)
            if second == first + 1:
                return first
        raise ValueError(
            _("“%(value)s” is not an academic year; write it as 2023-2024.") % {"value": value}
        )


class FacultyQuerySet(FacultyScopedQuerySet):
    # A faculty is its own scope; the college counts as one (DOMAIN.md).
    faculty_path = "pk"


class Faculty(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    # For documents in Russian; empty: the Kyrgyz name stands in.
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=FacultyKind.choices, default=FacultyKind.FACULTY
    )

    objects = FacultyQuerySet.as_manager()

    class Meta:
        verbose_name = _("faculty")
        verbose_name_plural = _("faculties")
        # The faculties first, then the college, as the report lists them.
        ordering = ["-kind", "name"]
        constraints = [in_choices("kind", FacultyKind)]

    def __str__(self):
        return self.short_name or self.name


class DepartmentQuerySet(FacultyScopedQuerySet):
    # A service department teaches every faculty's groups but belongs to one: its staff and
    # loads are that faculty's.
    faculty_path = "faculty"


class Department(models.Model):
    faculty = models.ForeignKey(
        Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["faculty__name", "name"]
        constraints = [in_choices("kind", DepartmentKind)]

    def __str__(self):
        return self.name


class ProgramQuerySet(FacultyScopedQuerySet):
    faculty_path = "faculty"


class Program(models.Model):
    code = models.CharField(
        _("code"), max_length=20, blank=True, help_text=_("e.g. 710400; empty for a short course")
    )
    name = models.CharField(_("name"), max_length=250)
    # For documents in Russian; empty: the Kyrgyz name stands in.
    name_ru = models.CharField(_("name in Russian"), max_length=250, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    form = models.CharField(_("study form"), max_length=20, choices=StudyForm.choices)
    faculty = models.ForeignKey(
        Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT, related_name="programs"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("graduating department"),
        on_delete=models.PROTECT,
        related_name="programs",
        null=True,
        blank=True,
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code", "name", "level", "form"]
        constraints = [
            in_choices("level", Level),
            in_choices("form", StudyForm),
            # A coded program is one per level and form; a short course, which has no code,
            # is told apart by its name.
            models.UniqueConstraint(
                fields=["code", "level", "form"],
                condition=~Q(code=""),
                name="academics_program_unique_code_level_form",
            ),
            models.UniqueConstraint(
                fields=["name", "level", "form"],
                condition=Q(code=""),
                name="academics_program_unique_uncoded_name_level_form",
            ),
        ]

    def __str__(self):
        label = f"{self.code} {self.name}" if self.code else self.name
        return f"{label} ({self.get_level_display()}, {self.get_form_display()})"


class StudyGroupQuerySet(SearchKeyedQuerySet, FacultyScopedQuerySet):
    faculty_path = "program__faculty"


class StudyGroup(SearchKeyed):
    # The header's search finds a group by its name (portal.text).
    search_key_sources = ("name",)

    name = models.CharField(_("name"), max_length=40)
    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="groups"
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("academic year"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    year_of_study = models.PositiveSmallIntegerField(_("year of study"))

    objects = StudyGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("study group")
        verbose_name_plural = _("study groups")
        ordering = ["academic_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "name"], name="academics_studygroup_unique_name_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year_of_study__gte=1, year_of_study__lte=6),
                name="academics_studygroup_year_of_study_range",
            ),
        ]

    def __str__(self):
        return self.name

    # A group is taught in its program's form; the form is not stored twice so it cannot disagree.
    @property
    def form(self):
        return self.program.form

    @property
    def faculty(self):
        return self.program.faculty


class StudentQuerySet(SearchKeyedQuerySet, FacultyScopedQuerySet):
    # The faculty of the group the student is in now; a session's records keep their own group.
    faculty_path = "group__program__faculty"


class Student(SearchKeyed):
    # The header's search finds a student by name or record-book number (portal.text).
    search_key_sources = ("full_name", "record_book")

    record_book = models.CharField(_("record-book number"), max_length=30, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    group = models.ForeignKey(
        StudyGroup, verbose_name=_("study group"), on_delete=models.PROTECT, related_name="students"
    )
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices)
    foreign = models.BooleanField(_("foreign student"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=StudentStatus.choices, default=StudentStatus.STUDYING
    )

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = [by_name("full_name"), "record_book"]
        constraints = [
            in_choices("funding", Funding),
            in_choices("status", StudentStatus),
            models.CheckConstraint(
                condition=~Q(record_book=""), name="academics_student_record_book_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.record_book})"


# Not scoped: one catalogue for the university. A discipline is taught to the groups of several
# faculties (a service department's mathematics), has no faculty when it has no department, and
# its name is not a figure; a dean's office picks any of them for its assessments.
class Discipline(SearchKeyed):
    search_key_sources = ("name",)

    name = models.CharField(_("name"), max_length=250, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="disciplines",
        null=True,
        blank=True,
    )

    objects = SearchKeyedQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaffMemberQuerySet(FacultyScopedQuerySet):
    faculty_path = "department__faculty"


class StaffMember(models.Model):
    personnel_number = models.CharField(_("personnel number"), max_length=30, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff"
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    degree = models.CharField(
        _("academic degree"), max_length=20, choices=Degree.choices, default=Degree.NONE
    )
    title = models.CharField(
        _("academic title"), max_length=20, choices=Title.choices, default=Title.NONE
    )
    employment = models.CharField(
        _("employment"), max_length=20, choices=Employment.choices, default=Employment.FULL_TIME
    )
    rate = models.DecimalField(
        _("FTE rate"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("share of a full-time position, from 0.05 to 1.50"),
    )

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("teaching staff")
        ordering = [by_name("full_name"), "personnel_number"]
        constraints = [
            in_choices("position", Position),
            in_choices("degree", Degree),
            in_choices("title", Title),
            in_choices("employment", Employment),
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal("0.05"), rate__lte=Decimal("1.50")),
                name="academics_staffmember_rate_range",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def has_degree(self):
        return self.degree != Degree.NONE


class TeachingLoadQuerySet(FacultyScopedQuerySet):
    faculty_path = "department__faculty"


class TeachingLoad(models.Model):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="teaching_loads",
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("academic year"),
        on_delete=models.PROTECT,
        related_name="teaching_loads",
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices)
    level = models.CharField(_("level"), max_length=20, choices=LoadLevel.choices)
    planned_hours = models.PositiveIntegerField(_("planned hours"))
    performed_hours = models.PositiveIntegerField(_("performed hours"), default=0)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("why the performed hours differ from the plan")
    )

    objects = TeachingLoadQuerySet.as_manager()

    class Meta:
        verbose_name = _("teaching load")
        verbose_name_plural = _("teaching loads")
        ordering = ["academic_year", "department__name", "term", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "academic_year", "term", "level"],
                name="academics_teachingload_unique_per_term_level",
            ),
            in_choices("term", Term),
            in_choices("level", LoadLevel),
        ]

    def __str__(self):
        return f"{self.department} · {self.academic_year} · {self.get_term_display()}"

    @property
    def difference(self):
        """Performed minus planned hours: positive is over-performance."""
        return self.performed_hours - self.planned_hours


class UserProfile(models.Model):
    """Where a portal user works: a dean's office user sees and edits only this faculty."""

    user = models.OneToOneField(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    faculty = models.ForeignKey(
        Faculty,
        verbose_name=_("faculty"),
        on_delete=models.PROTECT,
        related_name="staff_users",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return str(self.user)
