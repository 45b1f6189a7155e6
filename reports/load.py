"""Section 4 of the report: the teaching load of each department for a year, planned against
performed hours, per term and for the year, with the reasons for the difference; totals per level
(higher / secondary professional) and for the university; the over- and under-performers.

The difference is performed − planned: positive is over-performance (+4 030 hours in the seed),
negative under-performance. The share performed is performed / planned in per cent, rounded to 2
decimals. Two queries per call whatever the number of departments: the sums, and the reasons.
"""

from dataclasses import dataclass, field

from django.db.models import Q, Sum

from academics.choices import FacultyKind, LoadLevel, Term
from academics.models import TeachingLoad
from academics.querysets import scoped
from portal.numbers import percent

TERMS = tuple(Term.values)
LEVELS = tuple(LoadLevel.values)


@dataclass(frozen=True)
class TermLoad:
    term: int
    planned: int
    performed: int

    @property
    def label(self):
        return Term(self.term).label

    @property
    def difference(self):
        return self.performed - self.planned


@dataclass
class LoadRow:
    """The load of one scope: a department at one level, a level, or the university."""

    scope: str
    key: object = None
    level: str = ""
    faculty: str = ""  # its short name, where it has one
    terms: list = field(default_factory=list)  # TermLoad, in the order of TERMS
    reasons: list = field(default_factory=list)  # the distinct reason texts, by term

    @property
    def planned(self):
        return sum(t.planned for t in self.terms)

    @property
    def performed(self):
        return sum(t.performed for t in self.terms)

    @property
    def difference(self):
        return self.performed - self.planned

    @property
    def performed_pct(self):
        return percent(self.performed, self.planned)

    @property
    def mark(self):
        """ "over" the plan, "under" it, or "" when exactly on it."""
        return "over" if self.difference > 0 else "under" if self.difference < 0 else ""

    @property
    def level_label(self):
        return LoadLevel(self.level).label if self.level else ""

    def as_dict(self):
        return {
            "scope": str(self.scope),
            "level": self.level,
            "faculty": self.faculty,
            **{f"planned_{t.term}": t.planned for t in self.terms},
            **{f"performed_{t.term}": t.performed for t in self.terms},
            "planned": self.planned,
            "performed": self.performed,
            "difference": self.difference,
            "performed_pct": float(self.performed_pct),
            "reasons": list(self.reasons),
        }


@dataclass
class LoadFigures:
    rows: list  # per department and level: by level, faculty, department
    levels: list  # one per level that has any load
    total: LoadRow
    over: list  # the departments over their plan, the largest difference first
    under: list  # those under it, the largest shortfall first

    @property
    def by_level(self):
        """[(the level's total, its department rows)], for a table with a subtotal per level."""
        return [
            (level, [row for row in self.rows if row.level == level.level]) for level in self.levels
        ]


def total(rows, scope="total", key=None, level=""):
    """The sum of rows, term by term."""
    terms = [
        TermLoad(
            term,
            sum(t.planned for row in rows for t in row.terms if t.term == term),
            sum(t.performed for row in rows for t in row.terms if t.term == term),
        )
        for term in TERMS
    ]
    return LoadRow(scope, key, level, "", terms)


def teaching_load(academic_year, user=None):
    """Section 4 for `academic_year` (an AcademicYear or its id): the loads of the departments
    `user` may see, every one with no user; the totals are theirs. Two queries."""
    loads = scoped(TeachingLoad, user).filter(academic_year=academic_year)
    sums = {}
    for term in TERMS:
        sums[f"planned_{term}"] = Sum("planned_hours", filter=Q(term=term))
        sums[f"performed_{term}"] = Sum("performed_hours", filter=Q(term=term))
    result = (
        loads.order_by()
        .values(
            "department",
            "department__name",
            "department__faculty__name",
            "department__faculty__short_name",
            "department__faculty__kind",
            "level",
        )
        .annotate(**sums)
    )
    reasons = {}
    for department, level, reason in (
        loads.exclude(reason="")
        .order_by("department", "level", "term", "pk")
        .values_list("department", "level", "reason")
    ):
        texts = reasons.setdefault((department, level), [])
        if reason.strip() not in texts:
            texts.append(reason.strip())

    # By level, then the faculties before the college (as Faculty orders them), then by name.
    result = sorted(
        result,
        key=lambda r: (
            LEVELS.index(r["level"]),
            r["department__faculty__kind"] != FacultyKind.FACULTY,
            r["department__faculty__name"],
            r["department__name"],
        ),
    )
    rows = [
        LoadRow(
            r["department__name"],
            r["department"],
            r["level"],
            r["department__faculty__short_name"] or r["department__faculty__name"],
            [
                TermLoad(term, r[f"planned_{term}"] or 0, r[f"performed_{term}"] or 0)
                for term in TERMS
            ],
            reasons.get((r["department"], r["level"]), []),
        )
        for r in result
    ]
    levels = [
        total([row for row in rows if row.level == level], LoadLevel(level).label, level, level)
        for level in LEVELS
        if any(row.level == level for row in rows)
    ]
    over = sorted((row for row in rows if row.difference > 0), key=lambda r: -r.difference)
    under = sorted((row for row in rows if row.difference < 0), key=lambda r: r.difference)
    return LoadFigures(rows, levels, total(rows), over, under)
