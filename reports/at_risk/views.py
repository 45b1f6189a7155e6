"""The students at risk's pages: the list (per faculty for a dean's office, university-wide with a
faculty filter for those who see all) with its Excel file, and the notices of one student or of a
group as DOCX or PDF. A dean's office sees its own faculty: another faculty, its group or its
student answers 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from academics.models import StudyGroup
from portal.routers import reads_reports
from portal.tables import export_response
from sessions_app.models import Admission, ExamSession
from sessions_app.rules import MAIN

from ..achievement import Stage, report_sessions
from ..resolutions import documents
from ..views import can_view
from . import notices
from .page import group_choices, level_counts, notice_links, parse, rows
from .risk import students_at_risk
from .tables import AtRiskTable

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@can_view
@reads_reports
def at_risk_page(request):
    chosen = parse(request, list(report_sessions()))
    table = AtRiskTable(rows(chosen)).configure(request)
    exported = export_response(request, table, filename="students-at-risk")
    if exported is not None:
        return exported
    return render(
        request,
        "reports/at_risk.html",
        {
            "chosen": chosen,
            "form": chosen.form,
            "table": table,
            "counts": level_counts(chosen),
            "groups": group_choices(chosen),
            "group_notices": notice_links(chosen),
        },
    )


def _stage(request):
    stage = request.GET.get("stage") or Stage.AFTER
    if stage not in Stage.VALUES:
        raise Http404("unknown stage")
    return stage


def _respond(entries, session, request, kind, stem):
    stage, language = _stage(request), notices.notice_language(request.GET.get("lang", ""))
    made = [notices.build_notice(entry, session, stage, language) for entry in entries]
    if kind == "docx":
        content, content_type = notices.render_docx(made), DOCX_TYPE
    else:
        try:
            content, content_type = notices.render_pdf(made), "application/pdf"
        except documents.DocumentLibrariesMissing:
            return HttpResponse(
                documents.LIBRARIES_MISSING, status=503, content_type="text/plain; charset=utf-8"
            )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}-{language}.{kind}")
    return response


@can_view
@reads_reports
def at_risk_notice(request, session_id, student_id, kind):
    """One student's notice: in the faculty of the group they were in for the session."""
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    admission = get_object_or_404(
        Admission.objects.for_user(request.user).select_related("group__program"),
        session=session,
        student_id=student_id,
        stage=MAIN,
    )
    faculty_id = admission.group.program.faculty_id
    entries = [
        entry
        for entry in students_at_risk(session, _stage(request), faculty=faculty_id)
        if entry.student.pk == student_id
    ]
    if not entries:
        raise Http404("the student is not at risk")
    stem = f"eskertuu-{entries[0].student.record_book}"
    return _respond(entries, session, request, kind, stem)


@can_view
@reads_reports
def at_risk_group_notices(request, session_id, group_id, kind):
    """The notices of every student at risk of a group, one file, a page each."""
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    group = get_object_or_404(
        StudyGroup.objects.for_user(request.user).select_related("program"), pk=group_id
    )
    entries = [
        entry
        for entry in students_at_risk(session, _stage(request), faculty=group.program.faculty_id)
        if entry.group.pk == group.pk
    ]
    if not entries:
        raise Http404("nobody of the group is at risk")
    return _respond(entries, session, request, kind, f"eskertuu-{group.name}")
