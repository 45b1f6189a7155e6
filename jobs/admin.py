from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern
from django_rq.admin import QueueAdmin
from django_rq.models import Dashboard

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "owner", "status", "stage", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [field.name for field in Job._meta.fields]

    def get_queryset(self, request):
        # A job (its parameters, its result file) is its owner's, as on the job pages.
        return super().get_queryset(request).for_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _superuser_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class SuperuserQueueAdmin(QueueAdmin):
    """django-rq's dashboard shows every queued job and can requeue or delete them: superusers
    only (django-rq lets any staff user in)."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        return [
            URLPattern(p.pattern, _superuser_only(p.callback), p.default_args, p.name)
            for p in super().get_urls()
        ]


if admin.site.is_registered(Dashboard):
    admin.site.unregister(Dashboard)
    admin.site.register(Dashboard, SuperuserQueueAdmin)
