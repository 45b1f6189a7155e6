"""Section 3 of the report: the teaching staff by degree, title and position, full-time and
part-time, and the qualitative indicator, per faculty (or department), per level and for the
university.

The qualitative indicator (сапаттык көрсөткүч) is the share of the teaching staff holding an
academic degree — Doctor of Sciences, Candidate of Sciences or PhD — counted by headcount (as the
seed's 40.2 % = 194 / 482) and by full-time equivalent (the sum of the members' rates). Every
count comes from one query per call, by conditional aggregation; the faculty rows add up to the
level and university rows, and the percentages are recomputed from the sums.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from academics.choices import Degree, Employment, FacultyKind, LoadLevel, Position, Title
from academics.models import Department, Faculty
from academics.querysets import scoped
from portal.numbers import percent

DEGREES = (Degree.DOCTOR, Degree.CANDIDATE, Degree.PHD, Degree.NONE)
HOLDING_A_DEGREE = (Degree.DOCTOR, Degree.CANDIDATE, Degree.PHD)
TITLES = (Title.PROFESSOR, Title.DOCENT, Title.NONE)
POSITIONS = (
    Position.HEAD,
    Position.PROFESSOR,
    Position.DOCENT,
    Position.SENIOR_LECTURER,
    Position.LECTURER,
    Position.ASSISTANT,
)
EMPLOYMENTS = (Employment.FULL_TIME, Employment.PART_TIME)
# The dimensions of the tables: (field of StaffMember, its values in the report's order).
DIMENSIONS = (("degree", DEGREES), ("title", TITLES), ("position", POSITIONS))

# The seed splits the staff by the programs they teach: the faculties' (higher professional)
# and the college's (secondary professional).
LEVEL_OF_FACULTY_KIND = {
    FacultyKind.FACULTY: LoadLevel.HIGHER,
    FacultyKind.COLLEGE: LoadLevel.SECONDARY,
}

ZERO = Decimal("0.00")


def _key(dimension, value, employment):
    return f"{dimension}_{value}_{employment}"


@dataclass(frozen=True)
class Split:
    """A count split by employment; `label` names what is counted (a degree, a title...)."""

    label: str
    full_time: int
    part_time: int

    @property
    def total(self):
        return self.full_time + self.part_time


@dataclass
class StaffRow:
    """The figures of one scope (a faculty, a department, a level, the university)."""

    scope: str
    key: object = None
    counts: dict = field(default_factory=dict)  # _key(dimension, value, employment) -> int
    fte_full_time: Decimal = ZERO
    fte_part_time: Decimal = ZERO
    degreed_fte: Decimal = ZERO
    kind: str = ""  # the faculty's kind, for faculty rows

    def _splits(self, dimension, values, choices):
        return [
            Split(
                choices(value).label,
                self.counts.get(_key(dimension, value, Employment.FULL_TIME), 0),
                self.counts.get(_key(dimension, value, Employment.PART_TIME), 0),
            )
            for value in values
        ]

    @property
    def degrees(self):
        return self._splits("degree", DEGREES, Degree)

    @property
    def titles(self):
        return self._splits("title", TITLES, Title)

    @property
    def positions(self):
        return self._splits("position", POSITIONS, Position)

    @property
    def headcount(self):
        # Every member has exactly one degree value ("none" included).
        splits = self.degrees
        return Split(
            "",
            sum(s.full_time for s in splits),
            sum(s.part_time for s in splits),
        )

    @property
    def degreed(self):
        splits = [s for s, value in zip(self.degrees, DEGREES, strict=True) if value != Degree.NONE]
        return Split("", sum(s.full_time for s in splits), sum(s.part_time for s in splits))

    @property
    def fte(self):
        return self.fte_full_time + self.fte_part_time

    @property
    def quality_pct(self):
        """The qualitative indicator by headcount, in per cent."""
        return percent(self.degreed.total, self.headcount.total)

    @property
    def quality_fte_pct(self):
        """The qualitative indicator by full-time equivalent, in per cent."""
        return percent(self.degreed_fte, self.fte)

    def as_dict(self):
        return {
            "scope": str(self.scope),
            "headcount": self.headcount.total,
            "full_time": self.headcount.full_time,
            "part_time": self.headcount.part_time,
            "fte": str(self.fte),
            "degreed": self.degreed.total,
            "degreed_fte": str(self.degreed_fte),
            **{
                f"{dimension}_{v}_{e}": self.counts.get(_key(dimension, v, e), 0)
                for dimension, values in DIMENSIONS
                for v in values
                for e in EMPLOYMENTS
            },
            "quality_pct": float(self.quality_pct),
            "quality_fte_pct": float(self.quality_fte_pct),
        }


@dataclass
class StaffFigures:
    """Section 3: one row per faculty, one per level (faculties / college), the university."""

    rows: list
    levels: list
    total: StaffRow


def _annotations(path):
    """Counts and rate sums of the staff reached through `path` ("staff", "departments__staff")."""

    def count(**conditions):
        return Count(path, filter=Q(**{f"{path}__{k}": v for k, v in conditions.items()}))

    def rate(condition):
        return Sum(f"{path}__rate", filter=condition)

    annotations = {
        _key(dimension, value, employment): count(**{dimension: value, "employment": employment})
        for dimension, values in DIMENSIONS
        for value in values
        for employment in EMPLOYMENTS
    }
    annotations["fte_full_time_sum"] = rate(Q(**{f"{path}__employment": Employment.FULL_TIME}))
    annotations["fte_part_time_sum"] = rate(Q(**{f"{path}__employment": Employment.PART_TIME}))
    annotations["degreed_fte_sum"] = rate(Q(**{f"{path}__degree__in": HOLDING_A_DEGREE}))
    return annotations


def _rate(value):
    # SQLite sums decimals as floats: bring them back to the rate's two places.
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def _row(obj, scope, kind=""):
    counts = {
        _key(d, v, e): getattr(obj, _key(d, v, e))
        for d, values in DIMENSIONS
        for v in values
        for e in EMPLOYMENTS
    }
    return StaffRow(
        scope,
        obj.pk,
        counts,
        _rate(obj.fte_full_time_sum),
        _rate(obj.fte_part_time_sum),
        _rate(obj.degreed_fte_sum),
        kind,
    )


def total(rows, scope="total", key=None):
    """The sum of rows: counts and rates add up; the percentages come from the sums."""
    counts = {}
    for row in rows:
        for name, value in row.counts.items():
            counts[name] = counts.get(name, 0) + value
    return StaffRow(
        scope,
        key,
        counts,
        sum((row.fte_full_time for row in rows), ZERO),
        sum((row.fte_part_time for row in rows), ZERO),
        sum((row.degreed_fte for row in rows), ZERO),
    )


def staff_by_faculty(user=None):
    """Section 3 per faculty (the faculties, then the college), per level and university: of the
    faculties `user` may see, every one with no user. One query."""
    # Meta.ordering is not applied to an aggregating query: the faculties, then the college.
    faculties = (
        scoped(Faculty, user)
        .annotate(**_annotations("departments__staff"))
        .order_by("-kind", "name")
    )
    rows = [_row(faculty, str(faculty.name), faculty.kind) for faculty in faculties]
    levels = [
        total(
            [row for row in rows if row.kind == kind],
            scope=LoadLevel(level).label,
            key=level,
        )
        for kind, level in LEVEL_OF_FACULTY_KIND.items()
    ]
    return StaffFigures(rows, levels, total(rows, scope="total"))


def staff_by_department(faculty=None, user=None):
    """Section 3 per department (of `faculty`, a Faculty or its id, when given) that `user` may
    see. One query."""
    departments = (
        scoped(Department, user)
        .select_related("faculty")
        .order_by("-faculty__kind", "faculty__name", "name")
    )
    if faculty is not None:
        departments = departments.filter(faculty=faculty)
    departments = departments.annotate(**_annotations("staff"))
    return [
        _row(department, str(department.name), department.faculty.kind)
        for department in departments
    ]
