"""Section 10 of the report: the state final attestation, per kind (special-discipline exam,
thesis defence) and per form, faculty or program.

The rules (DOMAIN.md):
- `listed` is the students on the attestation's list; `ordered` those admitted by decree; `sat`
  those who sat; grade_5 … grade_2 the grades; `not_in_time` the admitted who could not take it
  in time (as entered).
- Absolute achievement = sat with a grade of 3 or more / listed; quality = a grade of 4 or 5 /
  listed; in per cent, rounded half up to 2 decimals (the seed's 615 / 721 = 85.30 %, 519 / 721 =
  71.98 %, 604 / 625 = 96.64 %, 572 / 625 = 91.52 %).
One query per call, by conditional aggregation.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from academics.choices import StudyForm
from academics.querysets import scoped
from portal.numbers import percent
from sessions_app.choices import AttestationKind
from sessions_app.models import AttestationEntry

from .achievement import CountsByName


class AttestationScope:
    KIND = "kind"
    FORM = "form"
    FACULTY = "faculty"
    PROGRAM = "program"
    VALUES = (KIND, FORM, FACULTY, PROGRAM)


COUNTS = (
    "listed",
    "ordered",
    "sat",
    "grade_5",
    "grade_4",
    "grade_3",
    "grade_2",
    "not_in_time",
)

_PROGRAM = "attestation__program"
# The columns each scope groups by besides the kind: (key, label, ordering).
_SCOPES = {
    AttestationScope.KIND: (None, None, ()),
    AttestationScope.FORM: (f"{_PROGRAM}__form", f"{_PROGRAM}__form", (f"{_PROGRAM}__form",)),
    AttestationScope.FACULTY: (
        f"{_PROGRAM}__faculty",
        f"{_PROGRAM}__faculty__name",
        (f"-{_PROGRAM}__faculty__kind", f"{_PROGRAM}__faculty__name"),
    ),
    AttestationScope.PROGRAM: (
        _PROGRAM,
        f"{_PROGRAM}__code",
        (f"{_PROGRAM}__code", f"{_PROGRAM}__name", f"{_PROGRAM}__level", f"{_PROGRAM}__form"),
    ),
}

_AGGREGATES = {
    "listed": Count("pk"),
    "ordered": Count("pk", filter=Q(ordered=True)),
    "sat": Count("pk", filter=Q(sat=True)),
    "grade_5": Count("pk", filter=Q(grade="5")),
    "grade_4": Count("pk", filter=Q(grade="4")),
    "grade_3": Count("pk", filter=Q(grade="3")),
    "grade_2": Count("pk", filter=Q(grade="2")),
    "not_in_time": Count("pk", filter=Q(not_in_time=True)),
}


@dataclass
class AttestationRow(CountsByName):
    """The figures of one kind of attestation in one scope (a form, a faculty, a program)."""

    kind: str
    scope: str = ""
    key: object = None
    counts: dict = field(default_factory=dict)

    @property
    def kind_label(self):
        return AttestationKind(self.kind).label

    @property
    def passed(self):
        """Sat and got 3 or more."""
        return self.counts["grade_5"] + self.counts["grade_4"] + self.counts["grade_3"]

    @property
    def good(self):
        """Got 4 or 5."""
        return self.counts["grade_5"] + self.counts["grade_4"]

    @property
    def absolute_pct(self):
        return percent(self.passed, self.counts["listed"])

    @property
    def quality_pct(self):
        return percent(self.good, self.counts["listed"])

    def as_dict(self):
        return {
            "kind": self.kind,
            "scope": str(self.scope),
            "key": self.key,
            **{name: self.counts[name] for name in COUNTS},
            "absolute_pct": float(self.absolute_pct),
            "quality_pct": float(self.quality_pct),
        }


def attestation(academic_year, by=AttestationScope.FORM, form=None, faculty=None, user=None):
    """The rows of section 10 for `academic_year`: one per kind and scope of kind `by`, the kinds
    in their order (the exam, then the thesis).

    `form` ("day" / "extramural") and `faculty` (a Faculty or its id) narrow the students
    counted, and so does `user`: only the lists of the faculties they may see. One query.
    """
    if by not in _SCOPES:
        raise ValueError(f"by must be one of {AttestationScope.VALUES}")
    key, label, ordering = _SCOPES[by]
    entries = scoped(AttestationEntry, user).filter(attestation__academic_year=academic_year)
    if form:
        entries = entries.filter(**{f"{_PROGRAM}__form": form})
    if faculty is not None:
        entries = entries.of_faculty(faculty)
    columns = ["attestation__kind"] + [c for c in dict.fromkeys((key, label)) if c]
    ordered_by = [o.lstrip("-") for o in ordering]
    result = (
        entries.order_by()
        .values(*columns, *[c for c in ordered_by if c not in columns])
        .annotate(**_AGGREGATES)
        .order_by(*ordering)
    )
    rows = []
    for r in result:
        scope = r[label] if label else ""
        if by == AttestationScope.FORM:
            scope = StudyForm(scope).label
        elif by == AttestationScope.PROGRAM:
            scope = f"{r[label]} {r[f'{_PROGRAM}__name']}".strip()
        counts = {name: r[name] for name in COUNTS}
        rows.append(AttestationRow(r["attestation__kind"], scope, r[key] if key else None, counts))
    # The kinds in their order; within a kind, the scopes as the query ordered them.
    kinds = list(AttestationKind.values)
    rows.sort(key=lambda row: kinds.index(row.kind))
    return rows
