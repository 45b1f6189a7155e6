"""The Django admin of licensing and accreditation, with spreadsheet import and export."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academics.admin import SpreadsheetAdmin

from .expiry import LEVEL_LABELS, warning_level
from .models import Accreditation, Agency, LicenceApplication, Seminar
from .resources import (
    AccreditationResource,
    AgencyResource,
    LicenceApplicationResource,
    SeminarResource,
)


@admin.register(Agency)
class AgencyAdmin(SpreadsheetAdmin):
    resource_classes = [AgencyResource]
    list_display = ["name", "short_name", "country"]
    search_fields = ["name", "short_name"]


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(SpreadsheetAdmin):
    resource_classes = [LicenceApplicationResource]
    list_display = [
        "label",
        "level",
        "form",
        "date_sent",
        "status",
        "licence_number",
        "licence_date",
        "valid_until",
    ]
    list_filter = ["status", "level", "form", "date_sent"]
    search_fields = ["code", "name", "program__code", "program__name", "licence_number"]
    autocomplete_fields = ["program"]
    list_select_related = ["program"]
    date_hierarchy = "date_sent"

    @admin.display(description=_("program"), ordering="program__code")
    def label(self, obj):
        return obj.label


@admin.register(Accreditation)
class AccreditationAdmin(SpreadsheetAdmin):
    resource_classes = [AccreditationResource]
    list_display = [
        "label",
        "kind",
        "agency",
        "decision_date",
        "term_years",
        "expiry_date",
        "warning",
        "suspended",
    ]
    list_filter = ["kind", "agency", "suspended", "program__level", "program__form"]
    search_fields = ["program__code", "program__name", "agency__name", "agency__short_name"]
    autocomplete_fields = ["program", "agency"]
    list_select_related = ["program", "agency"]
    readonly_fields = ["expiry_date"]
    date_hierarchy = "decision_date"

    @admin.display(description=_("program"), ordering="program__code")
    def label(self, obj):
        return obj.label

    @admin.display(description=_("warning"))
    def warning(self, obj):
        level = warning_level(obj.expiry_date, timezone.localdate())
        return LEVEL_LABELS[level] if level else ""


@admin.register(Seminar)
class SeminarAdmin(SpreadsheetAdmin):
    resource_classes = [SeminarResource]
    list_display = ["topic", "date", "agency", "participants", "participants_note"]
    list_filter = ["agency", "date"]
    search_fields = ["topic", "participants_note", "agency__name", "agency__short_name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
    date_hierarchy = "date"
