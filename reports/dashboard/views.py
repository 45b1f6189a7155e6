"""The vice-rector's dashboard and its drill-down: a faculty's programs and groups, then a group's
students who owe subjects. The figures come from the board (board.build) and reports.achievement;
a dean's office user sees their own faculty only, and another faculty's page answers 404. The
panel of the council's resolution's execution (reports.execution.overview) is read on every
request, outside the cached content, so that a status change shows at once.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academics.choices import Level, StudyForm, Term
from academics.models import Faculty, Program, StudyGroup
from academics.querysets import user_faculty_id
from portal.numbers import chart_format
from portal.routers import reads_reports
from portal.tables import export_response
from sessions_app.choices import GradeValue, NotAdmittedReason

from ..achievement import By, Stage, achievement, owing_students
from ..at_risk.risk import count_by_level, students_at_risk
from ..at_risk.words import LEVEL_LABELS
from ..execution import overview
from ..views import can_view, stage_asked
from . import tables
from .board import build, parse_filters, session_for, session_label, sessions_with_figures


def _configure(request, table, prefix):
    table.prefix = prefix
    return table.configure(request)


def _signed(value):
    return value if value is not None else ""


# Where the execution panel goes in the cached content (after the session's figures, before the
# charts): the content is cached as one string, the panel is not.
PANEL_SLOT = "<!-- execution panel -->"


def _body_key(request, scope_faculty_id):
    """The cache key of the dashboard's content for this query, faculty scope and language."""
    raw = f"{request.get_full_path()}|{scope_faculty_id}|{get_language()}"
    return "dashboard-body:" + hashlib.sha256(raw.encode()).hexdigest()


@can_view
@reads_reports
def dashboard_page(request):
    """The dashboard. Its content (no form that posts, nothing of the user's own) is cached for the
    freshness window, DASHBOARD_FIGURES_MAX_AGE, as its figures may be that old anyway."""
    scope = user_faculty_id(request.user)
    max_age = settings.DASHBOARD_FIGURES_MAX_AGE
    key = _body_key(request, scope) if max_age and "_export" not in request.GET else None
    body = cache.get(key) if key else None
    if body is None:
        body = _dashboard_body(request, scope)
        if not isinstance(body, str):
            return body  # an export
        if key:
            cache.set(key, body, max_age)
    before, _slot, after = body.partition(PANEL_SLOT)
    return render(
        request,
        "reports/dashboard.html",
        {
            "body": mark_safe(before),
            "body_after_panel": mark_safe(after),
            "execution": overview.latest_counts(request.user, timezone.localdate()),
        },
    )


def _dashboard_body(request, scope):
    """The dashboard's content as HTML, or the response of an Excel export it was asked for."""
    board = build(request.GET, scope)
    filters = board.filters
    faculty_rows = [
        {
            "faculty": str(faculty),
            "url": reverse("reports:dashboard_faculty", args=[faculty.pk])
            + "?"
            + filters.query(faculty=""),
            **current.as_dict(),
            "absolute_after_change": _signed(
                current.after.absolute_pct - previous.after.absolute_pct
                if previous and previous.before.contingent
                else None
            ),
        }
        for faculty, current, previous in board.faculty_rows
    ]
    faculty_table = _configure(request, tables.FacultyRatesTable(faculty_rows), "f-")
    load_rows = [
        {
            "department": row.scope,
            "faculty": row.faculty,
            "level": row.level_label,
            "planned": row.planned,
            "performed": row.performed,
            "difference": row.difference,
            "performed_pct": row.performed_pct,
            "mark": row.mark,
        }
        for row in board.load_rows
    ]
    load_table = _configure(request, tables.LoadTable(load_rows), "l-")
    expiring_table = _configure(request, tables.ExpiringTable(board.expiring), "e-")
    exported = export_response(
        request, faculty_table, load_table, expiring_table, filename="dashboard"
    )
    if exported is not None:
        return exported
    return render_to_string(
        "reports/dashboard_body.html",
        {
            "board": board,
            "filters": filters,
            "session_label": session_label(board.session) if board.session else "",
            "previous_label": session_label(board.previous) if board.previous else "",
            "faculty_table": faculty_table,
            "load_table": load_table,
            "expiring_table": expiring_table,
            "chart_specs": [chart.spec() for chart in board.charts if not chart.empty],
            "chart_format": chart_format(),
            "terms": Term.choices,
            "forms": StudyForm.choices,
            "at_risk": _at_risk(board, filters),
        },
        request=request,
    )


def _at_risk(board, filters):
    """The students at risk of the session (after АКЖ) by level, and the link to their list."""
    if board.session is None:
        return None
    faculty = filters.faculty
    # Within the dashboard's freshness window, as its other figures.
    entries = students_at_risk(
        board.session, Stage.AFTER, faculty=faculty, max_age=settings.DASHBOARD_FIGURES_MAX_AGE
    )
    counts = count_by_level(entries)
    query = f"?session={board.session.pk}" + (f"&faculty={faculty.pk}" if faculty else "")
    return {
        "levels": [(level, LEVEL_LABELS[level], count) for level, count in counts.items()],
        "total": sum(counts.values()),
        "url": reverse("reports:at_risk") + query,
    }


def _drill_session(request):
    """(filters, the session, the stage) of a drill-down page's query."""
    sessions = sessions_with_figures()
    years = sorted({s.academic_year for s in sessions}, key=lambda y: -y.start_year)
    faculties = list(Faculty.objects.all())
    filters = parse_filters(request.GET, years, faculties, None, sessions[-1] if sessions else None)
    session = filters.year and session_for(sessions, filters.year.start_year, filters.term)
    if session is None:
        raise Http404("no exam session with figures")
    return filters, session, stage_asked(request)


def _scope_dict(row):
    return {
        "contingent": row.contingent,
        "admitted": row.admitted,
        "passed": row.passed,
        "owing": row.owing,
        "absolute_pct": row.absolute_pct,
        "quality_pct": row.quality_pct,
    }


@can_view
@reads_reports
def dashboard_faculty(request, faculty_id):
    faculty = get_object_or_404(Faculty.objects.for_user(request.user), pk=faculty_id)
    filters, session, stage = _drill_session(request)
    form = filters.form or None
    forms = dict(StudyForm.choices)
    programs = {
        p["pk"]: p
        for p in Program.objects.of_faculty(faculty).values("pk", "code", "name", "level", "form")
    }
    groups = {
        g["pk"]: g
        for g in StudyGroup.objects.of_faculty(faculty).values(
            "pk", "name", "program__code", "program__name", "program__form"
        )
    }
    query = filters.query(faculty="", stage=stage)
    program_rows = [
        {
            "name": f"{programs[row.key]['code']} {programs[row.key]['name']} "
            f"({Level(programs[row.key]['level']).label})",
            "form": forms[programs[row.key]["form"]],
            **_scope_dict(row),
        }
        for row in achievement(session, stage, By.PROGRAM, form=form, faculty=faculty)
    ]
    group_rows = [
        {
            "name": row.scope,
            "url": reverse("reports:dashboard_group", args=[row.key]) + "?" + query,
            "program": f"{groups[row.key]['program__code']} {groups[row.key]['program__name']}",
            "form": forms[groups[row.key]["program__form"]],
            **_scope_dict(row),
        }
        for row in achievement(session, stage, By.GROUP, form=form, faculty=faculty)
    ]
    program_table = _configure(request, tables.ProgramRatesTable(program_rows), "p-")
    group_table = _configure(request, tables.GroupRatesTable(group_rows), "g-")
    exported = export_response(
        request, program_table, group_table, filename=f"faculty-{faculty.code}"
    )
    if exported is not None:
        return exported
    return render(
        request,
        "reports/dashboard_faculty.html",
        {
            "faculty": faculty,
            "session": session,
            "session_label": session_label(session),
            "filters": filters,
            "stage": stage,
            "stage_tabs": [
                (value, label, filters.query(faculty="", stage=value))
                for value, label in Stage.CHOICES
            ],
            "back": reverse("reports:dashboard") + "?" + filters.query(faculty=faculty.pk),
            "program_table": program_table,
            "group_table": group_table,
        },
    )


@can_view
@reads_reports
def dashboard_group(request, group_id):
    group = get_object_or_404(
        StudyGroup.objects.for_user(request.user).select_related("program__faculty"), pk=group_id
    )
    filters, session, stage = _drill_session(request)
    rows = []
    for owing in owing_students(session, stage, group):
        if owing.admitted:
            status = _("owes subjects")
        else:
            status = _("not admitted: %(reason)s") % {
                "reason": NotAdmittedReason(owing.reason).label if owing.reason else "—"
            }
        rows.append(
            {
                "student": owing.student.full_name,
                "record_book": owing.student.record_book,
                "status": status,
                "owed_count": len(owing.owed),
                "owed": "; ".join(
                    f"{assessment.discipline.name} "
                    f"({GradeValue(value).label if value else _('no grade')})"
                    for assessment, value in owing.owed
                ),
            }
        )
    table = _configure(request, tables.OwingTable(rows), "s-")
    exported = export_response(request, table, filename=f"group-{group.pk}")
    if exported is not None:
        return exported
    faculty = group.program.faculty
    return render(
        request,
        "reports/dashboard_group.html",
        {
            "group": group,
            "faculty": faculty,
            "session": session,
            "session_label": session_label(session),
            "stage": stage,
            "stage_tabs": [
                (value, label, filters.query(faculty="", stage=value))
                for value, label in Stage.CHOICES
            ],
            "back": reverse("reports:dashboard_faculty", args=[faculty.pk])
            + "?"
            + filters.query(faculty="", stage=stage),
            "table": table,
        },
    )
