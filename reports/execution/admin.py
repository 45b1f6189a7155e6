"""The admin of the execution of the council's resolutions: read only. Every change of an item
goes through its page (reports.execution.services), which checks the version and keeps the
history; the admin only shows what is there. Django finds it through reports.admin."""

from django.contrib import admin

from portal.admin_read_only import ReadOnly, ReadOnlyInline

from .models import Assignment, AssignmentEvent, ExecutionReport, Responsible


class ResponsibleInline(ReadOnlyInline):
    model = Responsible
    fields = ["kind", "faculty", "department", "user", "progress", "done"]


class EventInline(ReadOnlyInline):
    model = AssignmentEvent
    fields = ["at", "kind", "by", "responsible", "old_status", "new_status", "details"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["resolution", "number", "deadline", "status"]
    list_filter = ["status", "deadline_kind", "resolution"]
    inlines = [ResponsibleInline, EventInline]


@admin.register(ExecutionReport)
class ExecutionReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["responsible", "progress", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state"]
