"""The group summary sheet's pages: the sheet itself (with the upload of a filled workbook), its
workbook and its A4 landscape printout.

A group of another faculty answers 404 (academics.querysets), as the grade sheets do; only a
user who may enter the group's grades may upload. The page lives in reports, not sessions_app,
because its figures are reports.achievement's and sessions_app may not import reports
(docs/architecture.md); the group's page in the session links here.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from academics.models import StudyGroup
from academics.querysets import can_edit_grades
from portal.uploads import Refused
from sessions_app.models import ExamSession

from . import workbook
from .sheet import grade_words, group_summary
from .upload import import_summary

can_view = permission_required("sessions_app.view_examsession", raise_exception=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled summary sheet (.xlsx)"),
        help_text=gettext_lazy(
            "The workbook downloaded here, with grades typed in its main and АКЖ columns."
        ),
    )


def _session_and_group(user, session_id, group_id):
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    group = get_object_or_404(
        StudyGroup.objects.for_user(user).select_related("program__faculty"), pk=group_id
    )
    return session, group


def _context(request, session, group, form=None, errors=()):
    may_upload = can_edit_grades(request.user, group.program.faculty_id)
    return {
        "summary": group_summary(session, group),
        "session": session,
        "group": group,
        "form": (form or UploadForm()) if may_upload else None,
        "errors": errors,
        "abbreviations": grade_words(),
    }


def _upload(request, session, group):
    if not can_edit_grades(request.user, group.program.faculty_id):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "reports/summary.html", _context(request, session, group, form), status=400
        )
    upload = form.cleaned_data["file"]
    try:
        result = import_summary(upload, session, group, request.user, filename=upload.name)
    except Refused as refused:
        context = _context(request, session, group, form, errors=refused.messages)
        return render(request, "reports/summary.html", context, status=400)
    if result.changed:
        text = ngettext(
            "%(count)s grade was saved from the summary sheet.",
            "%(count)s grades were saved from the summary sheet.",
            result.changed,
        ) % {"count": result.changed}
    else:
        text = _("The file changes no grade: nothing was saved.")
    if result.others:
        text += " " + ngettext(
            "%(count)s cell had been changed by someone else since the download and keeps "
            "their value.",
            "%(count)s cells had been changed by someone else since the download and keep "
            "their values.",
            result.others,
        ) % {"count": result.others}
    messages.success(request, text)
    return redirect("reports:group_summary", session.pk, group.pk)


@can_view
@require_http_methods(["GET", "POST"])
def summary_page(request, session_id, group_id):
    session, group = _session_and_group(request.user, session_id, group_id)
    if request.method == "POST":
        return _upload(request, session, group)
    return render(request, "reports/summary.html", _context(request, session, group))


@can_view
def summary_xlsx(request, session_id, group_id):
    session, group = _session_and_group(request.user, session_id, group_id)
    summary = group_summary(session, group)
    response = HttpResponse(
        workbook.workbook_bytes(summary, settings.UNIVERSITY_NAME), content_type=XLSX
    )
    # The group's name is Cyrillic: RFC 6266's filename* carries it, with an ASCII fallback.
    response["Content-Disposition"] = content_disposition_header(True, workbook.filename(summary))
    return response


@can_view
def summary_print(request, session_id, group_id):
    session, group = _session_and_group(request.user, session_id, group_id)
    context = {
        "summary": group_summary(session, group),
        "session": session,
        "group": group,
        "abbreviations": grade_words(),
    }
    return render(request, "reports/summary_print.html", context)
