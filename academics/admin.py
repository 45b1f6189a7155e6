"""The Django admin of the academic structure, with spreadsheet import and export of four models;
and ScopedAdmin, which every admin of a faculty-scoped model builds on."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, F
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from portal import uploads
from portal.admin_search import FoldedSearchAdmin
from portal.collation import by_name

from .models import (
    AcademicYear,
    Department,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
    UserProfile,
)
from .resources import (
    StaffMemberResource,
    StudentResource,
    StudyGroupResource,
    TeachingLoadResource,
)


class ScopedPickers:
    """A foreign key to a faculty-scoped model offers (and accepts) only the rows the user may
    see: a dean's office picks, and saves, its own faculty's group, program or student."""

    # Foreign keys that offer every row whatever the user's scope, each with its reason.
    open_pickers = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        rows = db_field.remote_field.model._default_manager.all()
        if "queryset" not in kwargs and db_field.name not in self.open_pickers:
            if hasattr(rows, "for_user"):
                kwargs["queryset"] = rows.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(FoldedSearchAdmin, ScopedPickers, admin.ModelAdmin):
    """The admin of a faculty-scoped model: a user sees only `Model.objects.for_user(user)`.

    Django's changelist, change, delete and history pages (each finds its object through
    get_queryset: another faculty's id is "not found"), django-import-export's export and the
    autocomplete all read get_queryset, so the scope is said here once for all of them.
    """

    # Autocompletes asked for by another admin's foreign key ("app_label.model.field") that
    # offer every row: see StaffMemberAdmin.
    open_to_fields = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._autocomplete_source(request) in self.open_to_fields:
            return queryset
        return queryset.for_user(request.user)

    @staticmethod
    def _autocomplete_source(request):
        match = request.resolver_match
        if match is None or match.url_name != "autocomplete":
            return None
        get = request.GET
        return f"{get.get('app_label')}.{get.get('model_name')}.{get.get('field_name')}"


class SafeImportForm(ImportForm):
    """The admin's upload, checked by portal.uploads (size, type, zip and XML bombs, formulas)
    before django-import-export reads it."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            uploads.check_upload(upload, kinds=(uploads.XLSX, uploads.CSV))
        except uploads.UploadRefused as refusal:
            raise ValidationError(refusal.messages) from None
        return upload


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Imports and exports .xlsx and .csv; a confirm step that finds errors shows them."""

    formats = [base_formats.XLSX, base_formats.CSV]
    import_form_class = SafeImportForm
    # With the byte-order mark Excel opens a UTF-8 CSV as UTF-8, not as the Windows code page.
    to_encoding = "utf-8-sig"

    def process_import(self, request, **kwargs):
        # The error page below renders the upload form, which posts to the page's own address.
        if "import_file" in request.FILES:
            return self.import_action(request, **kwargs)
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # The confirm step re-reads the file and can still fail (the data changed since the
        # preview, or the preview was bypassed). The resource rolled everything back; say so
        # and show the errors as the preview does, rather than report a finished import.
        messages.error(request, _("Nothing was imported: the file has errors."))
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        resource = self.get_import_resource_classes(request)[0]()
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context.update(
            {
                "title": _("Import"),
                "form": form,
                "opts": self.model._meta,
                "media": self.media + form.media,
                "result": result,
                "fields_list": [
                    (
                        resource.get_display_name(),
                        [f.column_name for f in resource.get_user_visible_fields()],
                    )
                ],
                "import_error_display": self.import_error_display,
            }
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year"]
    search_fields = ["start_year"]

    @admin.display(description=_("academic year"), ordering="start_year")
    def name(self, obj):
        return obj.name

    def get_search_results(self, request, queryset, search_term):
        # People type a year as "2023-2024"; the database holds 2023.
        try:
            start_year = AcademicYear.parse_name(search_term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(start_year=start_year), False


@admin.register(Faculty)
class FacultyAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "code", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "faculty", "kind"]
    list_filter = ["kind", "faculty"]
    search_fields = ["name", "short_name", "faculty__name"]
    autocomplete_fields = ["faculty"]
    list_select_related = ["faculty"]


@admin.register(Program)
class ProgramAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "form", "faculty", "department"]
    list_filter = ["level", "form", "faculty"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["faculty", "department"]
    list_select_related = ["faculty", "department"]


@admin.register(StudyGroup)
class StudyGroupAdmin(ScopedAdmin, SpreadsheetAdmin):
    resource_classes = [StudyGroupResource]
    list_display = [
        "name",
        "academic_year",
        "program",
        "year_of_study",
        "study_form",
        "faculty",
        "students_count",
    ]
    list_filter = [
        "academic_year",
        "program__level",
        "program__form",
        "program__faculty",
        "year_of_study",
    ]
    search_fields = ["name", "program__code", "program__name"]
    autocomplete_fields = ["program", "academic_year"]
    list_select_related = ["academic_year", "program__faculty"]

    def get_queryset(self, request):
        # Django leaves Meta.ordering out of GROUP BY queries; the autocomplete pages need it.
        return (
            super()
            .get_queryset(request)
            .annotate(students_total=Count("students"))
            .order_by(*StudyGroup._meta.ordering)
        )

    @admin.display(description=_("study form"), ordering="program__form")
    def study_form(self, obj):
        # `form` would shadow ModelAdmin.form.
        return obj.program.get_form_display()

    @admin.display(description=_("faculty"), ordering="program__faculty__name")
    def faculty(self, obj):
        return obj.faculty

    @admin.display(description=_("students"), ordering="students_total")
    def students_count(self, obj):
        return obj.students_total


# A list's name column: sorted by a click in Kyrgyz alphabetical order (portal.collation), as the
# list is by default, not by code point (the plain field would put Ө, Ү after Я).
@admin.display(description=_("full name"), ordering=by_name("full_name"))
def name_in_order(obj):
    return obj.full_name


@admin.register(Student)
class StudentAdmin(ScopedAdmin, SpreadsheetAdmin):
    resource_classes = [StudentResource]
    list_display = [
        name_in_order,
        "record_book",
        "group",
        "academic_year",
        "funding",
        "foreign",
        "status",
    ]
    list_filter = [
        "status",
        "funding",
        "foreign",
        "group__academic_year",
        "group__program__form",
        "group__program__faculty",
    ]
    search_fields = ["full_name", "record_book", "group__name"]
    autocomplete_fields = ["group"]
    list_select_related = ["group__academic_year"]

    @admin.display(description=_("academic year"), ordering="group__academic_year__start_year")
    def academic_year(self, obj):
        return obj.group.academic_year


# Not ScopedAdmin: one catalogue for the whole university (academics.models.Discipline).
@admin.register(Discipline)
class DisciplineAdmin(FoldedSearchAdmin, admin.ModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department__faculty"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedAdmin, SpreadsheetAdmin):
    resource_classes = [StaffMemberResource]
    # An assessment's examiner may teach in another faculty's service department: its picker
    # offers every teacher's name (the autocomplete answers the id and the name, nothing else).
    open_to_fields = ("sessions_app.assessment.examiner",)
    list_display = [
        name_in_order,
        "personnel_number",
        "department",
        "position",
        "degree",
        "title",
        "employment",
        "rate",
    ]
    list_filter = ["position", "degree", "title", "employment", "department__faculty"]
    search_fields = ["full_name", "personnel_number", "department__name"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]


@admin.register(TeachingLoad)
class TeachingLoadAdmin(ScopedAdmin, SpreadsheetAdmin):
    resource_classes = [TeachingLoadResource]
    list_display = [
        "department",
        "academic_year",
        "term",
        "level",
        "planned_hours",
        "performed_hours",
        "difference",
    ]
    list_filter = ["academic_year", "term", "level", "department__faculty"]
    search_fields = ["department__name", "reason"]
    autocomplete_fields = ["department", "academic_year"]
    list_select_related = ["department", "academic_year"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(hours_difference=F("performed_hours") - F("planned_hours"))
        )

    @admin.display(description=_("difference"), ordering="hours_difference")
    def difference(self, obj):
        # Signed, as the report writes over- and under-performance: +4030, -120.
        return f"{obj.difference:+d}" if obj.difference else "0"


# Users: the dean's office faculty is set on the user's page (academics.querysets reads it).


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    fields = ["faculty"]
    autocomplete_fields = ["faculty"]
    can_delete = False
    min_num = 0
    max_num = 1
    verbose_name = _("faculty of a dean's office user")
    verbose_name_plural = _("faculty of a dean's office user")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [UserProfileInline]
    list_display = [*UserAdmin.list_display, "faculty"]
    list_filter = [*UserAdmin.list_filter, "profile__faculty"]
    list_select_related = ["profile__faculty"]

    @admin.display(description=_("faculty"), ordering="profile__faculty__name")
    def faculty(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.faculty if profile else None
