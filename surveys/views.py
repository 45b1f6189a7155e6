"""The surveys' pages: the list, a survey's results, its links with their QR codes, the import of a
Google Forms export (also reached from the admin), and the anonymous answer form."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import ratelimit, uploads
from portal.staging import Staging
from portal.tables import export_response

from . import importer, results, services
from .choices import QuestionKind
from .forms import AnswerForm, ImportForm, LinksForm
from .models import Survey, SurveyLink
from .tables import SurveyTable

can_view = permission_required("surveys.view_survey", raise_exception=True)
can_change = permission_required("surveys.change_survey", raise_exception=True)

# The anonymous form takes at most this many submissions per client (portal.security.client_ip)
# and minute.
ANSWER_RATE_LIMIT = 20
ANSWER_RATE_WINDOW = 60
# Seconds between two refreshes of an open survey's results page (static/js/surveys.js).
REFRESH_SECONDS = 10


@can_view
def survey_list(request):
    surveys = results.surveys_with_counts().annotate(
        link_count=Count("links", distinct=True),
        unused_links=Count("links", filter=Q(links__used=False), distinct=True),
    )
    table = SurveyTable(surveys)
    if export := export_response(request, table):
        return export
    table.configure(request)
    return render(
        request,
        "surveys/survey_list.html",
        {
            "surveys": surveys,
            "table": table,
            "can_import": request.user.has_perm("surveys.add_survey"),
        },
    )


def _detail_context(request, survey):
    data = results.survey_results(survey, with_texts=True)
    for question in data["questions"]:
        question["summary"] = results.summary_line(question)
        question["has_options"] = question["kind"] != QuestionKind.TEXT
        question["kind_label"] = QuestionKind(question["kind"]).label
    return {
        "survey": survey,
        "results": data,
        "refresh": REFRESH_SECONDS if survey.is_open else 0,
        "can_change": request.user.has_perm("surveys.change_survey"),
        "links_form": LinksForm(),
        "link_counts": survey.links.aggregate(
            total=Count("id"), unused=Count("id", filter=Q(used=False))
        ),
    }


@can_view
def survey_detail(request, pk):
    survey = get_object_or_404(Survey.objects.select_related("academic_year"), pk=pk)
    context = _detail_context(request, survey)
    # The page's script asks for the results part alone every few seconds while answers come in.
    if request.GET.get("part") == "results":
        return render(request, "surveys/results_part.html", context)
    return render(request, "surveys/survey_detail.html", context)


@can_view
def survey_results_json(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    return JsonResponse(
        results.as_json_ready(results.survey_results(survey)),
        json_dumps_params={"ensure_ascii": False},
    )


@can_change
@require_POST
def survey_open(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    if request.POST.get("open") == "1":
        services.open_survey(survey)
        messages.success(request, _("The survey is open for answers."))
    else:
        services.close_survey(survey)
        messages.success(request, _("The survey is closed; no more answers are taken."))
    return redirect(survey)


@can_change
@require_POST
def survey_create_links(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    form = LinksForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(survey)
    services.create_links(survey, form.cleaned_data["count"])
    messages.success(
        request, _("%(count)s links were made.") % {"count": form.cleaned_data["count"]}
    )
    return redirect("surveys:links", pk=survey.pk)


def _qr_svg(url):
    return segno.make(url, error="m").svg_inline(scale=3, omitsize=False, title=url)


@can_change
def survey_links(request, pk):
    """The unused links of a survey, each with its QR code, to print and hand out."""
    survey = get_object_or_404(Survey, pk=pk)
    links = [
        {"url": request.build_absolute_uri(link.get_absolute_url()), "token": link.token}
        for link in survey.links.filter(used=False)
    ]
    for link in links:
        link["qr"] = _qr_svg(link["url"])
    return render(request, "surveys/survey_links.html", {"survey": survey, "links": links})


# The anonymous answer form


def _too_many(request):
    """Count this POST against its client; True when over the limit this minute."""
    return ratelimit.over_limit(request, "surveys:answer", ANSWER_RATE_LIMIT, ANSWER_RATE_WINDOW)


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request, token):
    if request.method == "POST" and _too_many(request):
        return render(
            request,
            "surveys/answer_refused.html",
            {
                "message": _(
                    "Too many answers were sent from your network in the last minute. Wait a "
                    "minute and send the form again."
                )
            },
            status=429,
        )
    link = SurveyLink.objects.select_related("survey").filter(token=token).first()
    if link is None:
        raise Http404(_("There is no such survey link."))
    survey = link.survey
    if link.used:
        return _refused(request, _("This link has already been used to answer the survey."), 409)
    if not survey.is_open:
        return _refused(request, _("This survey is closed; answers are no longer taken."), 410)
    questions = list(survey.questions.prefetch_related("options"))
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(token, form.answers())
        except services.AnswerRefused as refusal:
            return _refused(request, str(refusal), 409)
        return render(request, "surveys/answer_thanks.html", {"survey": survey})
    return render(request, "surveys/answer.html", {"survey": survey, "form": form})


def _refused(request, message, status):
    return render(request, "surveys/answer_refused.html", {"message": message}, status=status)


# The import of a Google Forms export: upload, preview (each column's kind may be changed), import.
# The file waits for the confirmation under MEDIA_ROOT/survey_imports/, named by a random token
# that only the uploader's session knows (portal.staging).

STAGING = Staging("survey_imports", ".upload", session_key="survey_imports")


def _kinds(request, parsed):
    kinds = {}
    for column in parsed.columns:
        kind = request.POST.get(f"kind_{column.index}")
        if kind in QuestionKind.values:
            kinds[column.index] = kind
    return kinds


def import_flow(request, templates, done_url):
    """The import's three steps, for the portal page and the admin's (`templates`: a dict of the
    "upload" and "preview" templates; `done_url(survey)`: where to go after importing)."""
    if not request.user.has_perm("surveys.add_survey"):
        raise PermissionDenied
    context = {"kinds": QuestionKind.choices, **getattr(request, "admin_context", {})}
    if request.method == "POST" and "token" in request.POST:
        token = request.POST["token"]
        pending = STAGING.pending(request, token)
        if pending is None:
            context.update(
                form=ImportForm(),
                refused=[
                    _("This preview has expired or was already imported. Upload the file again.")
                ],
            )
            return render(request, templates["upload"], context, status=400)
        data = STAGING.path(token).read_bytes()
        try:
            parsed = importer.parse(data, pending["filename"])
            kinds = _kinds(request, parsed)
            if "confirm" not in request.POST:
                for column in parsed.columns:
                    if column.index in kinds and kinds[column.index] != column.kind:
                        column.read_as(kinds[column.index])
                existing = Survey.objects.filter(title=pending["title"]).first()
                context.update(parsed=parsed, token=token, pending=pending, existing=existing)
                return render(request, templates["preview"], context)
            result = importer.import_survey(
                data,
                pending["filename"],
                pending["title"],
                about=pending["about"],
                academic_year=importer.resolve_year(pending["year"]),
                term=pending["term"],
                kinds=kinds,
            )
        except importer.SurveyRefused as refusal:
            context.update(parsed=None, token=token, pending=pending, refused=refusal.messages)
            return render(request, templates["preview"], context, status=400)
        STAGING.discard(request, token)
        messages.success(
            request,
            _("“%(title)s”: %(added)s answers imported, %(skipped)s already there.")
            % {"title": result.survey.title, "added": result.added, "skipped": result.skipped},
        )
        return redirect(done_url(result.survey))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > uploads.max_bytes():
            context.update(
                form=form, refused=[importer.problem(upload.name, _("the file is too large."))]
            )
            return render(request, templates["upload"], context, status=400)
        token = STAGING.save(upload)
        try:
            parsed = importer.parse(STAGING.path(token).read_bytes(), upload.name)
        except importer.SurveyRefused as refusal:
            STAGING.delete(token)
            context.update(form=form, refused=refusal.messages)
            return render(request, templates["upload"], context, status=400)
        pending = {
            "filename": upload.name,
            "title": form.cleaned_data["title"].strip(),
            "about": form.cleaned_data["about"],
            "year": form.cleaned_data["year"],
            "term": form.cleaned_data["term"],
        }
        STAGING.remember(request, token, pending)
        existing = Survey.objects.filter(title=pending["title"]).first()
        context.update(parsed=parsed, token=token, pending=pending, existing=existing)
        return render(request, templates["preview"], context)
    context["form"] = form
    return render(request, templates["upload"], context, status=400 if form.is_bound else 200)


PORTAL_TEMPLATES = {"upload": "surveys/import.html", "preview": "surveys/import_preview.html"}


@require_http_methods(["GET", "POST"])
def import_view(request):
    return import_flow(request, PORTAL_TEMPLATES, lambda survey: survey.get_absolute_url())


def admin_done_url(survey):
    return reverse("admin:surveys_survey_change", args=[survey.pk])
