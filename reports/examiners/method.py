"""The one definition of examiners whose grades stand apart (DOMAIN.md, "Examiners whose grades
stand apart"), for the page, `manage.py examiner_report` and the benchmark.

Per session, main attempt only:
- Every graded exam counts: a mark of sessions_app.rules.MARKS (5, 4, 3, 2); absent, credits and
  blanks are left out. For a mark g of student s by examiner e in discipline d, the student's
  **expected** grade is the mean of s's other marks of the session's main attempt (in other
  assessments, by anyone); a mark whose student has fewer than MINIMUM_OTHER_EXAMS other marks
  is left out. The **residual** is g − expected.
- Each examiner × discipline with at least MINIMUM_RESIDUALS residuals is tested: the
  **difference** is the residuals' mean, the **p-value** a two-sided one-sample t-test of them
  against 0 (reports.examiners.student_t).
- **Flagged** when |difference| >= MINIMUM_DIFFERENCE and p < ALPHA / m, m the number of pairs
  tested in the session (Bonferroni).

A flag is a reason to look, not a finding. Three queries, whatever the session's size: the marks
(one row each, one query), then the names of the examiners and of the disciplines tested.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import IntegerField
from django.db.models.functions import Cast

from academics.models import Discipline, StaffMember
from portal.collation import name_key
from sessions_app.models import Grade
from sessions_app.rules import MAIN, MARKS

from .student_t import two_sided_p

MINIMUM_RESIDUALS = 15
MINIMUM_OTHER_EXAMS = 2
MINIMUM_DIFFERENCE = 0.5
ALPHA = 0.01


class Mark(NamedTuple):
    """One graded exam of the session's main attempt. read_marks gives plain tuples in this
    order (a named tuple per grade costs more than the rest of the method)."""

    student_id: int
    assessment_id: int
    examiner_id: int | None
    discipline_id: int
    value: int


class Residual(NamedTuple):
    """One residual: value = given − expected. `residuals` gives plain tuples in this order."""

    student_id: int
    assessment_id: int
    given: int
    expected: float


@dataclass
class PairResult:
    """One examiner × discipline tested; `examiner` and `discipline` are names."""

    examiner_id: int
    discipline_id: int
    students: int
    mean_given: float
    mean_expected: float
    difference: float
    p_value: float
    flagged: bool = False
    examiner: str = ""
    discipline: str = ""

    @property
    def key(self):
        return f"{self.examiner_id}-{self.discipline_id}"

    def as_json(self):
        """The command's row: means and difference rounded half up to 2 decimals, the p-value
        to 3 significant digits (a tiny p-value stays readable, not 0)."""
        return {
            "examiner": self.examiner,
            "discipline": self.discipline,
            "students": self.students,
            "mean_given": rounded(self.mean_given),
            "mean_expected": rounded(self.mean_expected),
            "difference": rounded(self.difference),
            "p_value": float(f"{self.p_value:.3g}"),
            "flagged": self.flagged,
        }


def rounded(value, places=2):
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def read_marks(session):
    """The session's main-attempt marks, in one query (the mark cast to a number there)."""
    rows = (
        Grade.objects.filter(assessment__session=session, attempt=MAIN, value__in=MARKS)
        .order_by()
        .annotate(mark=Cast("value", IntegerField()))
        .values_list(
            "student_id",
            "assessment_id",
            "assessment__examiner_id",
            "assessment__discipline_id",
            "mark",
        )
    )
    return list(rows)


def residuals(marks):
    """{(examiner id, discipline id): [residual tuple, in Residual's order]} of the marks (tuples
    in Mark's order) that have an examiner and whose student has at least MINIMUM_OTHER_EXAMS
    other marks; the expected grade leaves the mark itself out."""
    totals, counts = {}, {}
    for student, _assessment, _examiner, _discipline, value in marks:
        totals[student] = totals.get(student, 0) + value
        counts[student] = counts.get(student, 0) + 1
    pairs = defaultdict(list)
    for student, assessment, examiner, discipline, value in marks:
        if examiner is None:
            continue
        others = counts[student] - 1
        if others < MINIMUM_OTHER_EXAMS:
            continue
        expected = (totals[student] - value) / others
        pairs[(examiner, discipline)].append((student, assessment, value, expected))
    return pairs


def one_sample_t(values):
    """(mean, two-sided p-value) of a one-sample t-test of `values` against 0. Residuals all
    equal have no spread: p is 1 when they are 0, else 0 (the t statistic is infinite)."""
    n = len(values)
    mean = math.fsum(values) / n
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    # Residuals are means of small integers: a spread below rounding noise is none.
    if variance <= 1e-24:
        return mean, 1.0 if abs(mean) < 1e-12 else 0.0
    return mean, two_sided_p(mean / math.sqrt(variance / n), n - 1)


def flag_pairs(pairs):
    """The PairResult of each pair with at least MINIMUM_RESIDUALS residuals, flagged by the
    Bonferroni threshold over the pairs tested. Unnamed and unsorted."""
    results = []
    for (examiner_id, discipline_id), found in pairs.items():
        if len(found) < MINIMUM_RESIDUALS:
            continue
        difference, p_value = one_sample_t([given - expected for _s, _a, given, expected in found])
        mean_given = sum(given for _s, _a, given, _e in found) / len(found)
        results.append(
            PairResult(
                examiner_id,
                discipline_id,
                len(found),
                mean_given,
                mean_given - difference,
                difference,
                p_value,
            )
        )
    threshold = ALPHA / len(results) if results else 0.0
    for result in results:
        result.flagged = abs(result.difference) >= MINIMUM_DIFFERENCE and (
            result.p_value < threshold
        )
    return results


@dataclass
class Analysis:
    """A session's examiners tested: `results` flagged first, then by p-value; `marks` and
    `pairs` kept for a pair's histogram."""

    session: object
    results: list
    marks: list = field(repr=False, default_factory=list)
    pairs: dict = field(repr=False, default_factory=dict)

    @property
    def tested(self):
        """m, the number of pairs tested (Bonferroni's divisor)."""
        return len(self.results)

    @property
    def threshold(self):
        return ALPHA / self.tested if self.tested else ALPHA

    def find(self, key):
        return next((result for result in self.results if result.key == key), None)

    def histogram(self, result):
        """({mark: count} of the grades the examiner gave in the pair tested, {mark: count} of
        the same students' other marks in the session), each for 5, 4, 3, 2."""
        found = self.pairs[(result.examiner_id, result.discipline_id)]
        given = Counter(value for _s, _a, value, _e in found)
        wanted = {(student, assessment) for student, assessment, _g, _e in found}
        students = {student for student, _assessment in wanted}
        others = Counter(
            value
            for student, assessment, _e, _d, value in self.marks
            if student in students and (student, assessment) not in wanted
        )
        values = [int(mark) for mark in MARKS]
        return {v: given[v] for v in values}, {v: others[v] for v in values}


def analyse(session):
    """The examiners of `session` tested, named, flagged first (three queries)."""
    marks = read_marks(session)
    pairs = residuals(marks)
    results = flag_pairs(pairs)
    examiners = dict(
        StaffMember.objects.filter(pk__in={r.examiner_id for r in results}).values_list(
            "pk", "full_name"
        )
    )
    disciplines = dict(
        Discipline.objects.filter(pk__in={r.discipline_id for r in results}).values_list(
            "pk", "name"
        )
    )
    for result in results:
        result.examiner = examiners.get(result.examiner_id, "")
        result.discipline = disciplines.get(result.discipline_id, "")
    results.sort(
        key=lambda r: (not r.flagged, r.p_value, name_key(r.examiner), name_key(r.discipline))
    )
    return Analysis(session, results, marks, pairs)
