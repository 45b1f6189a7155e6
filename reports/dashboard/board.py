"""The vice-rector's dashboard: the university at a glance for one exam session, with the change
from the same session a year earlier, the trend across sessions, and the year's load and staff.

Every figure comes from the reports' own definitions: the session figures from
reports.achievement (through .snapshots, which keeps each session's rows per faculty, form and
stage), the load from reports.load, the staff from reports.staff. Here they are only picked by
the filters (academic year, term, study form, faculty) and summed, which every count allows.

The number of queries is fixed: it grows neither with the faculties nor with the sessions of the
history (past sessions' figures are stored; a changed session is computed again once).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academics.choices import StudyForm, Term
from academics.models import AcademicYear, Faculty
from academics.querysets import year_named
from accreditation.expiry import due
from surveys.results import dashboard_shares

from ..achievement import Stage, report_sessions, total
from ..load import teaching_load
from ..staff import staff_by_faculty
from .snapshots import session_figures

ZERO = Decimal("0.00")


@dataclass
class Filters:
    """What the dashboard shows: one session (year and term), one form or both, one faculty or
    all. Kept in the URL as ?year=2023&term=2&form=day&faculty=3."""

    year: object = None  # AcademicYear
    term: int = None
    form: str = ""
    faculty: object = None  # Faculty
    locked_faculty: bool = False  # a dean's office user sees their faculty only

    def query(self, **changes):
        """The URL query of these filters with `changes` applied, for links that keep them."""
        values = {
            "year": self.year.start_year if self.year else "",
            "term": self.term or "",
            "form": self.form,
            "faculty": self.faculty.pk if self.faculty and not self.locked_faculty else "",
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value not in ("", None)})


def _int(value, name):
    try:
        return int(value)
    except ValueError:
        raise Http404(f"bad {name}") from None


def parse_filters(params, years, faculties, scope_faculty_id, default_session):
    """The filters of a request's GET `params`; a value that names nothing is a 404. With no year
    or term, those of `default_session` (the latest with figures)."""
    filters = Filters()
    year = params.get("year", "").strip()
    if year:
        filters.year = year_named(year, years)
    elif default_session is not None:
        filters.year = default_session.academic_year
    term = params.get("term", "").strip()
    if term:
        filters.term = _int(term, "term")
        if filters.term not in Term.values:
            raise Http404("unknown term")
    elif default_session is not None:
        filters.term = default_session.term
    filters.form = params.get("form", "").strip()
    if filters.form and filters.form not in StudyForm.values:
        raise Http404("unknown study form")
    if scope_faculty_id is not None:
        filters.faculty = next((f for f in faculties if f.pk == scope_faculty_id), None)
        filters.locked_faculty = True
    elif params.get("faculty", "").strip():
        wanted = _int(params["faculty"], "faculty")
        filters.faculty = next((f for f in faculties if f.pk == wanted), None)
        if filters.faculty is None:
            raise Http404("unknown faculty")
    return filters


@dataclass
class Series:
    label: str
    values: list
    role: str = ""  # styles the series: before / after / quality_before / planned...


@dataclass
class Chart:
    """A chart and, from the same numbers, its table (for screen readers and print)."""

    id: str
    title: str
    kind: str  # bar / line / doughnut
    labels: list
    series: list
    unit: str = "%"
    stacked: bool = False
    horizontal: bool = False
    marks: list = field(default_factory=list)  # per label: "over" / "under" / ""
    empty_text: str = ""

    @property
    def empty(self):
        return not self.labels

    @property
    def rows(self):
        """[(label, [value per series], mark)] for the table."""
        return [
            (label, [s.values[i] for s in self.series], self.marks[i] if self.marks else "")
            for i, label in enumerate(self.labels)
        ]

    def spec(self):
        """What static/js/dashboard.js draws, passed with json_script."""
        return {
            "id": self.id,
            "kind": self.kind,
            "unit": self.unit,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "labels": [str(label) for label in self.labels],
            "series": [
                {"label": str(s.label), "role": s.role, "values": [float(v) for v in s.values]}
                for s in self.series
            ],
            "marks": self.marks,
        }


@dataclass
class Tile:
    label: str
    value: object
    unit: str = "%"
    previous: object = None  # the same figure a year earlier, or None

    @property
    def change(self):
        if self.previous is None:
            return None
        return self.value - self.previous

    @property
    def direction(self):
        change = self.change
        if change is None or change == 0:
            return "same"
        return "up" if change > 0 else "down"

    @property
    def change_abs(self):
        change = self.change
        return abs(change) if change is not None else None


@dataclass
class Rates:
    """The rates of one scope at both stages."""

    before: object  # Row
    after: object  # Row

    @property
    def admitted_pct(self):
        return self.before.pct("admitted")

    def as_dict(self):
        return {
            "contingent": self.before.contingent,
            "admitted": self.before.admitted,
            "admitted_pct": self.admitted_pct,
            "absolute_before": self.before.absolute_pct,
            "absolute_after": self.after.absolute_pct,
            "quality_before": self.before.quality_pct,
            "quality_after": self.after.quality_pct,
        }


def pick(tables, stage, form="", faculty_id=None):
    """The sum of a session's rows (snapshots.session_figures) at `stage`, of `form` (both when
    empty) and of one faculty (all when None)."""
    rows = [
        row
        for (row_stage, row_form), found in tables.items()
        if row_stage == stage and (not form or row_form == form)
        for row in found
        if faculty_id is None or row.key == faculty_id
    ]
    return total(rows)


def rates(tables, form="", faculty_id=None):
    return Rates(
        pick(tables, Stage.BEFORE, form, faculty_id), pick(tables, Stage.AFTER, form, faculty_id)
    )


def session_label(session):
    return f"{session.academic_year.name} · {Term(session.term).label}"


TERM_NUMERALS = {1: "I", 2: "II"}


def short_session_label(session):
    """ "2022-2023 · II": the trend chart's axis has room for little more."""
    return f"{session.academic_year.name} · {TERM_NUMERALS[session.term]}"


def _rate_series(rates_list):
    return [
        Series(_("absolute, before АКЖ"), [r.before.absolute_pct for r in rates_list], "before"),
        Series(_("absolute, after АКЖ"), [r.after.absolute_pct for r in rates_list], "after"),
        Series(
            _("quality, before АКЖ"), [r.before.quality_pct for r in rates_list], "quality_before"
        ),
        Series(_("quality, after АКЖ"), [r.after.quality_pct for r in rates_list], "quality_after"),
    ]


CATEGORIES = (
    ("excellent", pgettext_lazy("category", "excellent")),
    ("good", pgettext_lazy("category", "excellent and good")),
    ("mixed", pgettext_lazy("category", "mixed")),
    ("satisfactory", pgettext_lazy("category", "satisfactory")),
)


def _category_counts(row):
    return [row.counts[name] for name, _label in CATEGORIES] + [row.owing, row.not_admitted]


@dataclass
class Dashboard:
    filters: Filters
    years: list
    faculties: list
    session: object = None
    previous: object = None
    sessions: list = field(default_factory=list)  # those with figures, oldest first
    tiles: list = field(default_factory=list)
    faculty_rows: list = field(default_factory=list)  # [(Faculty, Rates, previous Rates|None)]
    charts: list = field(default_factory=list)
    load: object = None
    load_rows: list = field(default_factory=list)  # reports.load.LoadRow of the shown departments
    staff: object = None
    as_of: object = None  # when the shown session's figures were computed
    expiring: list = field(default_factory=list)  # accreditation.expiry.DueItem
    surveys: list = field(default_factory=list)  # surveys.results.dashboard_shares


def sessions_with_figures():
    """Every exam session that has a contingent, oldest first, with its figures version."""
    return list(
        report_sessions().filter(has_data=True).order_by("academic_year__start_year", "term")
    )


def session_for(sessions, start_year, term):
    """The one of `sessions` of that academic year and term, or None."""
    return next(
        (s for s in sessions if (s.academic_year.start_year, s.term) == (start_year, term)), None
    )


def build(params, scope_faculty_id=None):
    """The dashboard for the request's GET `params`; a dean's office user's `scope_faculty_id`
    fixes the faculty."""
    sessions = sessions_with_figures()
    years = list(AcademicYear.objects.filter(exam_sessions__isnull=False).distinct())
    faculties = list(Faculty.objects.all())
    filters = parse_filters(
        params, years, faculties, scope_faculty_id, sessions[-1] if sessions else None
    )
    board = Dashboard(filters, years, faculties, sessions=sessions)
    # A user bound to no faculty (a dean's office without one, a user with no role) sees no
    # figures: None would be every faculty's.
    if filters.year is None or (filters.locked_faculty and filters.faculty is None):
        return board
    board.session = session_for(sessions, filters.year.start_year, filters.term)
    if board.session is not None:
        board.previous = session_for(sessions, filters.year.start_year - 1, filters.term)
    computed = {}
    figures = session_figures(
        sessions, max_age=settings.DASHBOARD_FIGURES_MAX_AGE, computed=computed
    )
    faculty_id = filters.faculty.pk if filters.faculty else None
    form = filters.form

    if board.session is not None:
        board.as_of = computed[board.session.pk]
        now_tables = figures[board.session.pk]
        before_tables = figures[board.previous.pk] if board.previous else None
        current = rates(now_tables, form, faculty_id)
        previous = rates(before_tables, form, faculty_id) if before_tables else None
        board.tiles = _tiles(current, previous)
        shown = [f for f in faculties if faculty_id is None or f.pk == faculty_id]
        in_session = {row.key for rows in now_tables.values() for row in rows}
        board.faculty_rows = [
            (
                faculty,
                rates(now_tables, form, faculty.pk),
                rates(before_tables, form, faculty.pk) if before_tables else None,
            )
            for faculty in shown
            if faculty.pk in in_session
        ]
        board.charts += _session_charts(board, now_tables, current)
    board.charts.append(_trend_chart(sessions, figures, form, faculty_id))
    board.load = teaching_load(filters.year)
    board.staff = staff_by_faculty()
    board.load_rows = _department_loads(board.load, filters.faculty)
    board.charts.append(_load_chart(board.load_rows))
    board.charts.append(_staff_chart(board.staff, faculties, faculty_id))
    board.expiring = due(within_months=12)
    board.surveys = dashboard_shares(filters.year, filters.term)
    board.charts += _survey_charts(board.surveys)
    return board


def _tiles(current, previous):
    values = current.as_dict()
    prior = previous.as_dict() if previous and previous.before.contingent else None
    return [
        Tile(
            _("Contingent"),
            values["contingent"],
            "",
            prior["contingent"] if prior else None,
        ),
        Tile(_("Admitted"), values["admitted_pct"], "%", prior["admitted_pct"] if prior else None),
        *[
            Tile(label, values[name], "%", prior[name] if prior else None)
            for name, label in (
                ("absolute_before", _("Absolute achievement before АКЖ")),
                ("absolute_after", _("Absolute achievement after АКЖ")),
                ("quality_before", _("Quality achievement before АКЖ")),
                ("quality_after", _("Quality achievement after АКЖ")),
            )
        ],
    ]


def _session_charts(board, tables, current):
    faculty_rates = [r for _f, r, _p in board.faculty_rows]
    forms = [(value, label) for value, label in StudyForm.choices]
    if board.filters.form:
        forms = [(v, label) for v, label in forms if v == board.filters.form]
    faculty_id = board.filters.faculty.pk if board.filters.faculty else None
    form_rates = [rates(tables, value, faculty_id) for value, _label in forms]
    categories = [label for _name, label in CATEGORIES] + [
        pgettext_lazy("category", "owing"),
        pgettext_lazy("category", "not admitted"),
    ]
    return [
        Chart(
            "faculties",
            _("Achievement by faculty, before and after АКЖ"),
            "bar",
            [str(f) for f, _r, _p in board.faculty_rows],
            _rate_series(faculty_rates),
        ),
        Chart(
            "forms",
            _("Day and extramural forms"),
            "bar",
            [label for _value, label in forms],
            _rate_series(form_rates),
        ),
        Chart(
            "categories",
            _("Students by category"),
            "bar",
            categories,
            [
                Series(_("before АКЖ"), _category_counts(current.before), "before"),
                Series(_("after АКЖ"), _category_counts(current.after), "after"),
            ],
            unit="",
        ),
    ]


def _trend_chart(sessions, figures, form, faculty_id):
    history = [(s, rates(figures[s.pk], form, faculty_id)) for s in sessions]
    history = [(s, r) for s, r in history if r.before.contingent]
    return Chart(
        "trend",
        _("Across sessions and years"),
        "line",
        [short_session_label(s) for s, _r in history],
        _rate_series([r for _s, r in history]),
    )


def _department_loads(load, faculty):
    """The departments' load rows, of `faculty` when one is chosen."""
    if faculty is None:
        return load.rows
    return [row for row in load.rows if row.faculty == (faculty.short_name or faculty.name)]


def _load_chart(rows):
    marks = [row.mark for row in rows]
    return Chart(
        "load",
        _("Teaching load: planned and performed hours per department"),
        "bar",
        [f"{r.scope} ({r.level_label})" for r in rows],
        [
            Series(_("planned"), [r.planned for r in rows], "planned"),
            Series(_("performed"), [r.performed for r in rows], "performed"),
        ],
        unit="",
        horizontal=True,
        marks=marks,
    )


def _staff_chart(staff, faculties, faculty_id):
    names = {faculty.pk: str(faculty) for faculty in faculties}
    rows = [r for r in staff.rows if faculty_id is None or r.key == faculty_id]
    return Chart(
        "staff",
        _("Staff qualitative indicator per faculty"),
        "bar",
        [names.get(r.key, str(r.scope)) for r in rows],
        [
            Series(_("by headcount"), [r.quality_pct for r in rows], "before"),
            Series(_("by full-time equivalent"), [r.quality_fte_pct for r in rows], "after"),
        ],
    )


SURVEY_CHARTS = 8  # questions charted at most; the survey's page has them all


def _survey_charts(surveys):
    """One chart per choice question: the share of each answer among those who answered."""
    charts = []
    for number, survey in enumerate(surveys):
        for index, question in enumerate(survey["questions"]):
            if len(charts) == SURVEY_CHARTS or not question["answered"]:
                continue
            charts.append(
                Chart(
                    f"survey-{number}-{index}",
                    f"{survey['title']}: {question['text']}",
                    "bar",
                    [answer["option"] for answer in question["answers"]],
                    [
                        Series(
                            _("share of those who answered"),
                            [answer["pct"] for answer in question["answers"]],
                            "after",
                        )
                    ],
                    horizontal=True,
                )
            )
    return charts
