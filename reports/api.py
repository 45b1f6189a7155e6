"""The session figures as JSON: the one payload that the API and `manage.py achievement_report`
both give, the check of their parameters, and the API's view."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from academics.choices import StudyForm, Term
from academics.models import AcademicYear
from academics.querysets import user_faculty_id
from portal.routers import reads_reports
from sessions_app.models import ExamSession

from .achievement import By, Stage, achievement, total

BY_CHOICES = [(by, by) for by in By.VALUES]


class AchievementQuery(forms.Form):
    """year=2023-2024&term=2&stage=before|after[&form=day|extramural][&by=faculty]"""

    year = forms.CharField(label="year")
    term = forms.TypedChoiceField(label="term", choices=Term.choices, coerce=int)
    stage = forms.ChoiceField(label="stage", choices=Stage.CHOICES)
    form = forms.ChoiceField(label="form", choices=StudyForm.choices, required=False)
    by = forms.ChoiceField(label="by", choices=BY_CHOICES, required=False)

    def clean_year(self):
        try:
            return AcademicYear.parse_name(self.cleaned_data["year"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_form(self):
        return self.cleaned_data["form"] or None

    def clean_by(self):
        return self.cleaned_data["by"] or By.FACULTY

    def first_error(self):
        """(parameter, message) of the first bad parameter, in the order of the fields."""
        for name in self.fields:
            if name in self.errors:
                return name, self.errors[name][0]
        return None, None

    def session(self):
        """The exam session of the year and term, or None."""
        return (
            ExamSession.objects.select_related("academic_year")
            .filter(
                academic_year__start_year=self.cleaned_data["year"],
                term=self.cleaned_data["term"],
            )
            .first()
        )


def no_session_message(query):
    start = query.cleaned_data["year"]
    return _("There is no exam session of %(year)s, term %(term)s.") % {
        "year": f"{start}-{start + 1}",
        "term": query.cleaned_data["term"],
    }


def achievement_payload(session, stage, form=None, by=By.FACULTY, faculty=None):
    """The figures of `session` at `stage` as a JSON-ready dict: one row per scope of kind `by`
    (of `form`, or of both forms) and their total; `faculty` limits them to one faculty.
    Every row holds the counts of reports.achievement.COUNTS, absolute_pct and quality_pct
    (per cent of the contingent, 2 decimals), `scope` (the faculty, program code, group or form;
    "university" for by=university) and `key` (its id)."""
    rows = achievement(session, stage, by=by, form=form, faculty=faculty)
    payload_rows = []
    for row in rows:
        item = row.as_dict()
        scope = By.UNIVERSITY if by == By.UNIVERSITY else item.pop("scope")
        item.pop("scope", None)
        key = None if by == By.UNIVERSITY else row.key
        payload_rows.append({"scope": scope, "key": key, **item})
    return {
        "year": session.academic_year.name,
        "term": session.term,
        "stage": stage,
        "form": form,
        "by": by,
        "rows": payload_rows,
        "total": total(rows).as_dict(),
    }


def _error(status, message, **extra):
    return JsonResponse(
        {"error": str(message), **extra}, status=status, json_dumps_params={"ensure_ascii": False}
    )


# The API answers for itself rather than redirecting to the login page: a script gets 401.
@login_not_required
@require_GET
@reads_reports
def achievement_view(request):
    """GET /api/reports/achievement/?year=2023-2024&term=2&stage=before[&form=day][&by=faculty]"""
    user = request.user
    if not user.is_authenticated:
        response = _error(401, gettext_lazy("Log in first: this API needs a signed-in session."))
        response["WWW-Authenticate"] = 'Session realm="portal"'
        return response
    if not user.has_perm("sessions_app.view_examsession"):
        return _error(403, gettext_lazy("You may not see the session figures."))
    query = AchievementQuery(request.GET)
    if not query.is_valid():
        parameter, message = query.first_error()
        return _error(400, message, parameter=parameter)
    session = query.session()
    if session is None:
        return _error(404, no_session_message(query))
    payload = achievement_payload(
        session,
        query.cleaned_data["stage"],
        form=query.cleaned_data["form"],
        by=query.cleaned_data["by"],
        faculty=user_faculty_id(user),
    )
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
