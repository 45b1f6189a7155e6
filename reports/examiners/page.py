"""What the examiners page shows for a session and a chosen pair: the list, the chosen pair's
histogram (a chart of reports.dashboard's kind, with its table) and the survey's share of "yes" to
the unfair-assessment question. Not a view: the benchmark builds it too."""

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.numbers import chart_format, number
from sessions_app.rules import MARKS
from surveys.results import unfair_assessment_shares

from ..dashboard.board import Chart, Series
from .method import ALPHA, MINIMUM_DIFFERENCE, MINIMUM_OTHER_EXAMS, MINIMUM_RESIDUALS, analyse
from .tables import ExaminerTable


def _rows(analysis):
    base = reverse("reports:examiners") + f"?session={analysis.session.pk}&pair="
    return [
        {
            "key": result.key,
            "url": base + result.key + "#pair",
            "examiner": result.examiner,
            "discipline": result.discipline,
            "students": result.students,
            "mean_given": result.mean_given,
            "mean_expected": result.mean_expected,
            "difference": result.difference,
            "p_value": result.p_value,
            "flagged": result.flagged,
        }
        for result in analysis.results
    ]


def histogram_chart(analysis, result):
    """The grades the examiner gave in the pair beside the same students' other grades, each
    in per cent of its own count, so that the two shapes compare whatever their sizes."""
    given, others = analysis.histogram(result)
    marks = [int(mark) for mark in MARKS]

    def shares(counts):
        whole = sum(counts.values())
        return [round(100 * counts[mark] / whole, 1) if whole else 0 for mark in marks]

    given_pct, others_pct = shares(given), shares(others)
    return (
        Chart(
            id="examiner",
            title=_("Grades given beside the same students' other grades"),
            kind="bar",
            labels=[str(mark) for mark in marks],
            series=[
                Series(_("given by the examiner"), given_pct, "after"),
                Series(_("the same students' other grades"), others_pct, "before"),
            ],
        ),
        [
            (mark, given[mark], others[mark], given_pct[i], others_pct[i])
            for i, mark in enumerate(marks)
        ],
    )


def threshold_text(threshold):
    """Bonferroni's threshold with two significant digits, as the language writes it: 0,00025."""
    places = max(2, 1 - math.floor(math.log10(threshold)))
    return number(threshold, places)


def page_context(session, pair_key):
    """The page's context for `session` (None when there is none) and the pair asked for (its
    key "examiner-discipline"; "" for the first flagged pair, or none)."""
    context = {
        "minimum": MINIMUM_RESIDUALS,
        "minimum_others": MINIMUM_OTHER_EXAMS,
        "minimum_difference": MINIMUM_DIFFERENCE,
        "alpha": ALPHA,
        "chart_format": chart_format(),
    }
    if session is None:
        return context
    analysis = analyse(session)
    rows = _rows(analysis)
    chosen = analysis.find(pair_key) if pair_key else None
    if chosen is None and not pair_key:
        chosen = next((result for result in analysis.results if result.flagged), None)
    context.update(
        analysis=analysis,
        rows=rows,
        flagged=sum(1 for result in analysis.results if result.flagged),
        table=ExaminerTable(rows),
        chosen=chosen,
        threshold_text=threshold_text(analysis.threshold),
        surveys=unfair_assessment_shares(session.academic_year, session.term),
    )
    if chosen is not None:
        chart, counts = histogram_chart(analysis, chosen)
        context.update(chart=chart, count_rows=counts, chart_specs=[chart.spec()])
    return context
