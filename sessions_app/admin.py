"""The admin of exam sessions. Each list sees only the user's faculty (academics.admin.ScopedAdmin,
on the models' for_user); grades, admissions and the audit are read-only here (they are written
by sessions_app.services), and the audit can be neither changed nor deleted, not even by a
superuser; the one exception is the funding of a main admission, changed through the admissions
writer. The exam sessions themselves are the university's."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from academics.admin import ScopedAdmin, ScopedPickers
from academics.choices import Funding
from academics.models import AcademicYear
from portal.admin_read_only import ReadOnly, ReadOnlyInline

from . import services
from .choices import Attempt, ChangeSource
from .models import (
    Admission,
    AdmissionChange,
    Assessment,
    AttestationEntry,
    ExamSession,
    Grade,
    GradeChange,
    GradeSheet,
    SheetEvent,
    StateAttestation,
)


class ReadOnlyAdmin(ReadOnly, ScopedAdmin):
    """Shown, never written: the rows come from the services, which check and audit each write."""


def session_filter(path):
    """A filter by exam session whose choices cost one query (a session's name needs its year)."""

    class ExamSessionFilter(admin.SimpleListFilter):
        title = _("exam session")
        parameter_name = path.replace("__", "_")

        def lookups(self, request, model_admin):
            return [
                (str(session.pk), str(session))
                for session in ExamSession.objects.select_related("academic_year")
            ]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{path}_id": self.value()})
            return queryset

    return ExamSessionFilter


@admin.register(ExamSession)
class ExamSessionAdmin(admin.ModelAdmin):
    # The results workbook (dry run, preview, confirm) is imported from here.
    change_list_template = "admin/sessions_app/import_results_link.html"
    list_display = [
        "__str__",
        "academic_year",
        "term",
        "main_start",
        "main_end",
        "retake_start",
        "retake_end",
        "entry_deadline",
    ]
    list_filter = ["term", "academic_year"]
    search_fields = ["academic_year__start_year"]
    autocomplete_fields = ["academic_year"]
    list_select_related = ["academic_year"]
    fieldsets = [
        (None, {"fields": ["academic_year", "term"]}),
        (_("Dates"), {"fields": [("main_start", "main_end"), ("retake_start", "retake_end")]}),
        (None, {"fields": ["entry_deadline"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        # People type a year as "2023-2024"; the database holds 2023.
        try:
            start_year = AcademicYear.parse_name(search_term)
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(academic_year__start_year=start_year), False


class GradeSheetInline(ReadOnlyInline):
    model = GradeSheet
    fields = ["attempt", "status", "version", "updated_at"]
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    # The results workbook (dry run, preview, confirm) is imported from here.
    change_list_template = "admin/sessions_app/import_results_link.html"
    list_display = ["session", "group", "discipline", "kind", "examiner", "date", "retake_date"]
    list_filter = [
        session_filter("session"),
        "kind",
        "group__program__form",
        "group__program__faculty",
    ]
    search_fields = ["group__name", "discipline__name", "examiner__full_name"]
    autocomplete_fields = ["session", "group", "discipline", "examiner"]
    list_select_related = ["session__academic_year", "group", "discipline", "examiner"]
    inlines = [GradeSheetInline]
    # The examiner may teach in another faculty's service department (StaffMemberAdmin).
    open_pickers = ("examiner",)

    def get_readonly_fields(self, request, obj=None):
        # Once grades are in, moving the assessment would move them with it.
        if obj is not None and obj.grades.exists():
            return ["session", "group", "discipline", "kind"]
        return []

    def save_model(self, request, obj, form, change):
        if not change or "examiner" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        # A changed examiner goes through its one writer (a closed main sheet keeps it, the
        # sheet's history records it); the other fields are saved with it or not at all.
        examiner = obj.examiner
        obj.examiner_id = form.initial.get("examiner")
        try:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                services.set_examiner(obj, examiner, request.user)
        except (services.SheetError, PermissionDenied) as error:
            request.examiner_refused = True
            self.message_user(request, str(error), messages.ERROR)
        return None

    def response_change(self, request, obj):
        if getattr(request, "examiner_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class SheetEventInline(ReadOnlyInline):
    model = SheetEvent
    fields = ["at", "action", "by", "reason"]
    readonly_fields = fields


@admin.register(GradeSheet)
class GradeSheetAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "session", "attempt", "status", "version", "updated_at"]
    list_filter = [
        "status",
        "attempt",
        session_filter("assessment__session"),
        "assessment__group__program__faculty",
    ]
    search_fields = ["assessment__group__name", "assessment__discipline__name"]
    list_select_related = [
        "assessment__group",
        "assessment__discipline",
        "assessment__session__academic_year",
    ]
    fields = ["assessment", "attempt", "status", "version", "updated_at", "page"]
    readonly_fields = fields
    inlines = [SheetEventInline]
    # The list's own default; said here so that the autocomplete pages are ordered too.
    ordering = ["-pk"]
    actions = ["submit", "lock"]

    @admin.display(description=_("exam session"), ordering="assessment__session")
    def session(self, obj):
        return obj.assessment.session

    @admin.display(description=_("grade sheet page"))
    def page(self, obj):
        url = reverse("sessions:sheet", args=[obj.assessment_id, obj.attempt])
        return format_html('<a href="{}">{}</a>', url, _("Open the sheet"))

    # Submitting and locking go through the service, which checks the faculty and the status and
    # writes the sheet's event; reopening needs a reason and is done on the sheet's page.
    def has_submit_permission(self, request):
        return request.user.has_perm("sessions_app.change_gradesheet")

    def has_lock_permission(self, request):
        return request.user.has_perm("sessions_app.reopen_gradesheet")

    def _apply(self, request, queryset, service):
        done = 0
        for sheet in queryset.select_related("assessment__group__program"):
            try:
                service(sheet, request.user)
            except (services.SheetError, PermissionDenied) as error:
                self.message_user(request, f"{sheet}: {error}", messages.ERROR)
            else:
                done += 1
        return done

    @admin.action(description=_("Submit the selected sheets"), permissions=["submit"])
    def submit(self, request, queryset):
        done = self._apply(request, queryset, services.submit_sheet)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d sheet submitted.", "%(count)d sheets submitted.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Lock the selected sheets"), permissions=["lock"])
    def lock(self, request, queryset):
        done = self._apply(request, queryset, services.lock_sheet)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d sheet locked.", "%(count)d sheets locked.", done)
                % {"count": done},
                messages.SUCCESS,
            )


class AdmissionFundingForm(forms.ModelForm):
    """The one thing the admin changes on an admission: the session's funding of a main row,
    against the admission list's version the page was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Admission
        fields = ["funding"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "funding" in self.fields:  # not on a row shown read-only
            self.fields["funding"].required = True
            self.fields["funding"].choices = Funding.choices
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self._stored_version()

    def _stored_version(self):
        admission = self.instance
        return services.version_of(admission.session_id, admission.group_id, admission.stage)

    def clean(self):
        data = super().clean()
        if data.get("version") != self._stored_version():
            raise forms.ValidationError(
                _(
                    "Someone else changed the admissions of this group after you opened this "
                    "page: nothing was saved. Open the admission again."
                )
            )
        return data


@admin.register(Admission)
class AdmissionAdmin(ScopedAdmin):
    """Admissions are written by the admission page and the results import; here only the
    funding of a main admission changes, through the same writer (lock, version, audit)."""

    form = AdmissionFundingForm
    list_display = [
        "student",
        "group",
        "session",
        "stage",
        "funding",
        "admitted",
        "reason",
        "note",
    ]
    list_filter = [
        session_filter("session"),
        "stage",
        "funding",
        "admitted",
        "reason",
        "group__program__faculty",
    ]
    search_fields = ["student__full_name", "student__record_book", "group__name"]
    list_select_related = ["student", "group", "session__academic_year"]
    fields = [
        "session",
        "student",
        "group",
        "stage",
        "funding",
        "admitted",
        "reason",
        "note",
        "updated_by",
        "updated_at",
        "version",
    ]
    readonly_fields = [
        "session",
        "student",
        "group",
        "stage",
        "admitted",
        "reason",
        "note",
        "updated_by",
        "updated_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # An АКЖ row holds no funding: shown read-only.
        if obj is not None and obj.stage != Attempt.MAIN:
            return False
        return super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.fields
        return [name for name in self.fields if name != "version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.readonly_fields
        return [name for name in self.fields if name != "version"]

    def save_model(self, request, obj, form, change):
        entry = services.AdmissionEntry(
            obj.session_id, obj.student_id, obj.stage, obj.admitted, obj.reason, funding=obj.funding
        )
        key = (obj.session_id, obj.group_id, obj.stage)
        try:
            services.write_admissions(
                [entry],
                request.user,
                source=ChangeSource.ADMIN,
                versions={key: form.cleaned_data["version"]},
            )
        except (services.SheetError, PermissionDenied) as error:
            request.admission_refused = True
            self.message_user(request, str(error), messages.ERROR)

    def response_change(self, request, obj):
        if getattr(request, "admission_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    # The results workbook (dry run, preview, confirm) is imported from here.
    change_list_template = "admin/sessions_app/import_results_link.html"
    list_display = ["student", "assessment", "attempt", "value", "points", "entered_at"]
    list_filter = [
        "attempt",
        "value",
        session_filter("assessment__session"),
        "assessment__kind",
        "assessment__group__program__faculty",
    ]
    search_fields = [
        "student__full_name",
        "student__record_book",
        "assessment__group__name",
        "assessment__discipline__name",
    ]
    list_select_related = ["student", "assessment__group", "assessment__discipline"]
    readonly_fields = [
        "assessment",
        "student",
        "attempt",
        "value",
        "points",
        "entered_by",
        "entered_at",
    ]


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at",
        "student",
        "assessment",
        "attempt",
        "old_value",
        "new_value",
        "changed_by",
        "source",
        "reason",
    ]
    list_filter = [
        "source",
        "attempt",
        session_filter("assessment__session"),
        "assessment__group__program__faculty",
    ]
    search_fields = [
        "student__full_name",
        "student__record_book",
        "assessment__group__name",
        "assessment__discipline__name",
        "reason",
    ]
    list_select_related = [
        "student",
        "assessment__group",
        "assessment__discipline",
        "changed_by",
    ]
    readonly_fields = [
        "assessment",
        "student",
        "attempt",
        "old_value",
        "new_value",
        "old_points",
        "new_points",
        "changed_by",
        "changed_at",
        "source",
        "reason",
    ]


@admin.register(AdmissionChange)
class AdmissionChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "changed_at",
        "student",
        "group",
        "stage",
        "old_admitted",
        "new_admitted",
        "new_reason",
        "changed_by",
        "source",
    ]
    list_filter = ["source", "stage", "new_admitted", session_filter("session")]
    search_fields = ["student__full_name", "student__record_book", "group__name", "reason"]
    list_select_related = ["student", "group", "changed_by"]
    readonly_fields = [
        "session",
        "student",
        "group",
        "old_group",
        "stage",
        "old_admitted",
        "new_admitted",
        "old_reason",
        "new_reason",
        "old_note",
        "new_note",
        "changed_by",
        "changed_at",
        "source",
        "reason",
    ]


@admin.register(SheetEvent)
class SheetEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "sheet", "action", "by", "reason"]
    list_filter = [
        "action",
        session_filter("sheet__assessment__session"),
        "sheet__assessment__group__program__faculty",
    ]
    search_fields = [
        "sheet__assessment__group__name",
        "sheet__assessment__discipline__name",
        "reason",
    ]
    list_select_related = ["sheet__assessment__group", "sheet__assessment__discipline", "by"]
    readonly_fields = ["sheet", "action", "by", "at", "reason"]


# --- The state final attestation ----------------------------------------------------------------


class AttestationEntryInline(ScopedPickers, admin.TabularInline):
    """The attestation's list: one row per student, as the commission's protocol has them."""

    model = AttestationEntry
    extra = 0
    fields = ["student", "ordered", "sat", "grade", "not_in_time"]
    autocomplete_fields = ["student"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student")


@admin.register(StateAttestation)
class StateAttestationAdmin(ScopedAdmin):
    list_display = ["program", "kind", "academic_year", "study_form", "entry_count"]
    list_filter = [
        "academic_year",
        "kind",
        "program__form",
        "program__level",
        "program__faculty",
    ]
    search_fields = ["program__code", "program__name"]
    autocomplete_fields = ["academic_year", "program"]
    list_select_related = ["program", "academic_year"]
    inlines = [AttestationEntryInline]

    def get_queryset(self, request):
        # Django leaves Meta.ordering out of GROUP BY queries; the autocomplete pages need it.
        return (
            super()
            .get_queryset(request)
            .annotate(entry_count=Count("entries"))
            .order_by(*StateAttestation._meta.ordering)
        )

    # Not `form`: that name is the admin's ModelForm class.
    @admin.display(description=_("study form"), ordering="program__form")
    def study_form(self, obj):
        return obj.program.get_form_display()

    @admin.display(description=_("students on the list"), ordering="entry_count")
    def entry_count(self, obj):
        return obj.entry_count


@admin.register(AttestationEntry)
class AttestationEntryAdmin(ScopedAdmin):
    list_display = ["student", "attestation", "ordered", "sat", "grade", "not_in_time"]
    list_filter = [
        "attestation__academic_year",
        "attestation__kind",
        "attestation__program__form",
        "ordered",
        "sat",
        "grade",
        "not_in_time",
        "attestation__program__faculty",
    ]
    search_fields = [
        "student__full_name",
        "student__record_book",
        "attestation__program__code",
        "attestation__program__name",
    ]
    autocomplete_fields = ["attestation", "student"]
    list_select_related = ["student", "attestation__program", "attestation__academic_year"]
