"""Pages of figures: the home page's view of the university, and the session report (section 5
of the council report) with its drill-down from a faculty to its groups and to the students who
still owe.

The figures come from reports.achievement through reports.exports; a dean's office user sees only
their faculty (academics.querysets), and another faculty's page answers 404. A signed-in user with
no role sees no figures: the home page tells them so, the other pages answer 403. Whoever reports
on items of the council's resolution finds those due within 14 days or overdue at the top of the
home page (reports.execution.reminders, the same list as the daily e-mail).
"""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from academics import roles
from academics.choices import StudyForm
from academics.models import AcademicYear, Faculty, StudyGroup
from academics.querysets import has_role, role_names, user_faculty_id
from portal.routers import reads_reports
from sessions_app.models import ExamSession

from . import exports
from .achievement import By, Stage, owing_students, report_sessions
from .execution import reminders
from .execution.services import REMIND_WITHIN_DAYS
from .structure import faculty_summary, totals
from .tables import FacultySummaryTable

# Every role holds it (academics.roles); a user with no role sees no figures.
can_view = permission_required("sessions_app.view_examsession", raise_exception=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request):
    user = request.user
    if roles.VICE_RECTOR in role_names(user):
        # The dashboard is the vice-rector's home page.
        return redirect("reports:dashboard")
    # A person named on an item may hold no role: they still see their items.
    due = {"due": reminders.due_items(user, timezone.localdate()), "within": REMIND_WITHIN_DAYS}
    if not has_role(user):
        return render(request, "reports/home.html", {"no_role": True, **due})
    year = AcademicYear.objects.first()
    rows = list(faculty_summary(year, user=user))
    # A dean's office sees its faculty's line only (no university line), and the tiles are its
    # totals.
    scoped = user_faculty_id(user) is not None
    table = FacultySummaryTable(rows, show_footer=not scoped).configure(request, paginate=False)
    return render(
        request,
        "reports/home.html",
        {
            "year": year,
            "rows": rows,
            "total": totals(rows),
            "scoped": scoped,
            "table": table,
            **due,
        },
    )


def _choice(request, sessions):
    """The session and stages asked for by ?session=<id>&stage=before|after; with no session, the
    newest one with data; with no stage, both. A value that names nothing is a 404."""
    stage = request.GET.get("stage", "")
    if stage and stage not in Stage.VALUES:
        raise Http404("unknown stage")
    wanted = request.GET.get("session", "")
    if wanted:
        session = next((s for s in sessions if str(s.pk) == wanted), None)
        if session is None:
            raise Http404("unknown exam session")
    else:
        session = next((s for s in sessions if s.has_data), sessions[0] if sessions else None)
    return session, stage, [stage] if stage else list(Stage.VALUES)


def _scope(user):
    """(the faculty id to limit the figures to, its Faculty) for a dean's office user; (None,
    None) for a university-wide one. A dean's office user with no faculty sees nothing."""
    faculty_id = user_faculty_id(user)
    if faculty_id is None:
        return None, None
    return faculty_id, Faculty.objects.filter(pk=faculty_id).first()


def stage_asked(request):
    stage = request.GET.get("stage") or Stage.BEFORE
    if stage not in Stage.VALUES:
        raise Http404("unknown stage")
    return stage


@can_view
@reads_reports
def session_report(request):
    sessions = list(report_sessions())
    session, stage, stages = _choice(request, sessions)
    faculty_id, faculty = _scope(request.user)
    tables = []
    if session is not None:
        tables = exports.report_tables(session, stages, StudyForm.values, faculty=faculty_id)
    return render(
        request,
        "reports/session_report.html",
        {
            "sessions": sessions,
            "session": session,
            "stage": stage,
            "stage_tabs": [("", _("Both stages"))] + [(v, label) for v, label in Stage.CHOICES],
            "tables": tables,
            "head": exports.HEAD,
            "scope": faculty,
        },
    )


@can_view
@reads_reports
def session_report_xlsx(request):
    sessions = list(report_sessions())
    session, _stage_value, stages = _choice(request, sessions)
    if session is None:
        raise Http404("no exam session")
    faculty_id, faculty = _scope(request.user)
    tables = exports.report_tables(session, stages, StudyForm.values, faculty=faculty_id)
    response = HttpResponse(
        exports.workbook_bytes(tables, scope_name=faculty.name if faculty else ""),
        content_type=XLSX,
    )
    filename = exports.workbook_filename(session, stages)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@can_view
@reads_reports
def session_report_faculty(request, session_id, faculty_id):
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    faculty = get_object_or_404(Faculty.objects.for_user(request.user), pk=faculty_id)
    stage = stage_asked(request)
    form = request.GET.get("form", "")
    if form and form not in StudyForm.values:
        raise Http404("unknown study form")
    tables = exports.report_tables(
        session,
        [stage],
        [form] if form else StudyForm.values,
        faculty=faculty,
        by=By.GROUP,
        total_label=_("Faculty total"),
    )
    return render(
        request,
        "reports/session_report_faculty.html",
        {
            "session": session,
            "faculty": faculty,
            "stage": stage,
            "form": form,
            "stage_tabs": Stage.CHOICES,
            "tables": [table for table in tables if table.lines],
            "head": exports.HEAD,
        },
    )


@can_view
@reads_reports
def session_report_group(request, session_id, group_id):
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    group = get_object_or_404(
        StudyGroup.objects.for_user(request.user).select_related("program__faculty"), pk=group_id
    )
    stage = stage_asked(request)
    return render(
        request,
        "reports/session_report_group.html",
        {
            "session": session,
            "group": group,
            "stage": stage,
            "stage_tabs": Stage.CHOICES,
            "table": exports.group_table(session, stage, group),
            "head": exports.HEAD,
            "owing": exports.owing_lines(owing_students(session, stage, group)),
        },
    )
