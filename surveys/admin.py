"""The surveys in the admin: surveys with their questions, questions with their options, and the
import of a Google Forms export (upload, preview, import)."""

from django.contrib import admin
from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views
from .models import Option, Question, Response, Survey, SurveyLink


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "text", "kind"]
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "about", "academic_year", "term", "is_open", "responses", "created"]
    list_filter = ["about", "academic_year", "term", "is_open"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    change_list_template = "admin/surveys/survey/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    @admin.display(description=_("responses"), ordering="response_count")
    def responses(self, survey):
        return survey.response_count

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="surveys_survey_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        request.current_app = self.admin_site.name
        request.admin_context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a Google Forms export"),
        }
        return views.import_flow(
            request,
            {
                "upload": "admin/surveys/survey/import.html",
                "preview": "admin/surveys/survey/import_preview.html",
            },
            views.admin_done_url,
        )


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ["order", "text"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "order", "kind"]
    list_filter = ["kind", "survey"]
    inlines = [OptionInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "submitted_at", "source"]
    list_filter = ["survey", "source"]
    readonly_fields = ["survey", "submitted_at", "source", "row_hash"]


@admin.register(SurveyLink)
class SurveyLinkAdmin(admin.ModelAdmin):
    list_display = ["token", "survey", "used", "created"]
    list_filter = ["survey", "used"]
    readonly_fields = ["token", "used"]
