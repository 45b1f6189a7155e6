"""The examiners page: for the vice-rector and the academic department (who may read the
council's resolution; a dean's office may not: 403). Per session, every examiner × discipline
tested by reports.examiners.method, flagged first; for the pair chosen, its histogram and the
survey's share of "yes" to the unfair-assessment question."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render

from portal.routers import reads_reports
from portal.tables import export_response

from ..achievement import report_sessions
from .page import page_context

# Held by the vice-rector and the academic department (reports 0002), not by a dean's office.
can_view_examiners = permission_required("reports.view_resolution", raise_exception=True)


def _session(request, sessions):
    wanted = request.GET.get("session", "")
    if not wanted:
        return next((s for s in sessions if s.has_data), sessions[0] if sessions else None)
    session = next((s for s in sessions if str(s.pk) == wanted), None)
    if session is None:
        raise Http404("unknown exam session")
    return session


@can_view_examiners
@reads_reports
def examiners(request):
    sessions = list(report_sessions())
    session = _session(request, sessions)
    context = page_context(session, request.GET.get("pair", ""))
    if session is not None:
        context["table"].configure(request)
        exported = export_response(request, context["table"], filename="examiners")
        if exported is not None:
            return exported
    return render(
        request,
        "reports/examiners.html",
        {"sessions": sessions, "session": session, **context},
    )
