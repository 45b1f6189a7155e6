"""The admin of the council's resolutions, with their items inline; an adopted resolution is shown
read-only (adopting is done on its page, where the figures get frozen). Django finds it through
reports.admin, which imports it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Resolution, ResolutionItem


def _adopted(obj):
    return obj is not None and obj.is_adopted


class ResolutionItemInline(admin.TabularInline):
    model = ResolutionItem
    extra = 0
    fields = [
        "order",
        "text",
        "text_ru",
        "responsible",
        "responsible_ru",
        "deadline",
        "deadline_ru",
    ]

    def has_add_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete cannot tell drafts from adopted ones; a draft is deleted on its page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["council_date", "session", "reporter_name", "status", "adopted_at"]
    list_filter = ["status", "session"]
    search_fields = ["reporter_name", "protocol_number"]
    date_hierarchy = "council_date"
    inlines = [ResolutionItemInline]
    list_select_related = ["session__academic_year"]
    readonly_fields = ["status", "adopted_at", "adopted_by", "frozen_figures"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "session",
                    "council_date",
                    "protocol_number",
                    "reporter_position",
                    "reporter_name",
                    "controller",
                    "verdict",
                    "university",
                ]
            },
        ),
        (
            _("Russian forms"),
            {"fields": ["reporter_position_ru", "controller_ru", "university_ru"]},
        ),
        (
            _("Signatures"),
            {
                "fields": [
                    "chair_position",
                    "chair_position_ru",
                    "chair_name",
                    "secretary_position",
                    "secretary_position_ru",
                    "secretary_name",
                ]
            },
        ),
        (
            _("Execution of the previous resolution"),
            {"fields": ["execution_text", "execution_text_ru"]},
        ),
        (_("Adoption"), {"fields": ["status", "adopted_at", "adopted_by", "frozen_figures"]}),
    ]

    def has_change_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete cannot tell drafts from adopted ones; a draft is deleted on its page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
