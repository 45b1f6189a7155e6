"""The admin's read-only pages: rows that only their services write (grades, admissions, the
execution of the council's resolution), shown in the admin and never changed there."""

from django.contrib import admin


class ReadOnly:
    """A ModelAdmin or inline mixin: no add, change or delete, whatever the user's permissions."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
