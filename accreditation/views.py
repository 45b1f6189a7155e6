"""The academic department's pages: the registries with their expiry warnings and Excel export,
the create and edit forms, the uploaded files, and report sections 6, 7 and 9."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView

from academics.models import AcademicYear
from academics.querysets import chosen_year
from portal.tables import xlsx_response

from . import filtersets, forms, sections, tables
from .expiry import EXPIRED, LEVEL_LABELS, LEVELS, due
from .models import Accreditation, LicenceApplication, Seminar


def expiry_summary(kind, today):
    """The registry's warning box: the items of `kind` due within 12 months, and their count
    per warning level."""
    items = [item for item in due(today) if item.kind == kind]
    counts = [
        {
            "level": level,
            "label": LEVEL_LABELS[level],
            "count": sum(item.level == level for item in items),
        }
        for level in LEVELS
    ]
    return {"items": items, "counts": counts, "expired": EXPIRED}


class RegistryView(PermissionRequiredMixin, FilterView):
    """A filtered, sorted, paginated registry; `?export=xlsx` downloads all its filtered rows.
    A filter value that is not one of its choices shows nothing (`strict`)."""

    raise_exception = True
    strict = True
    template_name = "accreditation/registry.html"
    model = None
    table_class = None
    title = ""
    add_url_name = None
    due_kind = None
    filename = "registry"

    def get_permission_required(self):
        return [f"accreditation.view_{self.model._meta.model_name}"]

    def get_table(self, today):
        can_edit = self.request.user.has_perm(f"accreditation.change_{self.model._meta.model_name}")
        return self.table_class(
            self.object_list, today=today, can_edit=can_edit, caption=self.title
        )

    def render_to_response(self, context, **kwargs):
        today = timezone.localdate()
        table = self.get_table(today)
        if self.request.GET.get("export") == "xlsx":
            table.configure(self.request, paginate=False)
            filename = f"{self.filename}-{today:%Y%m%d}.xlsx"
            return xlsx_response(table.as_xlsx(self.title), filename)
        table.configure(self.request)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context.update(
            title=self.title,
            table=table,
            filters=self.filterset.form,
            export_query=query.urlencode(),
            can_add=self.request.user.has_perm(f"accreditation.add_{self.model._meta.model_name}"),
            add_url_name=self.add_url_name,
            summary=expiry_summary(self.due_kind, today) if self.due_kind else None,
        )
        return super().render_to_response(context, **kwargs)


class LicenceRegistry(RegistryView):
    model = LicenceApplication
    table_class = tables.LicenceApplicationTable
    filterset_class = filtersets.LicenceApplicationFilterSet
    title = _("Licence applications")
    add_url_name = "accreditation:licence_add"
    due_kind = "licence"
    filename = "licences"

    def get_queryset(self):
        return LicenceApplication.objects.select_related("program")


class AccreditationRegistry(RegistryView):
    model = Accreditation
    table_class = tables.AccreditationTable
    filterset_class = filtersets.AccreditationFilterSet
    title = _("Accreditations")
    add_url_name = "accreditation:accreditation_add"
    due_kind = "accreditation"
    filename = "accreditations"

    def get_queryset(self):
        return Accreditation.objects.select_related("program", "agency")


class SeminarRegistry(RegistryView):
    model = Seminar
    table_class = tables.SeminarTable
    filterset_class = filtersets.SeminarFilterSet
    title = _("Seminars and trainings")
    add_url_name = "accreditation:seminar_add"
    filename = "seminars"

    def get_queryset(self):
        return Seminar.objects.select_related("agency")


# --- Create and edit --------------------------------------------------------------------------


class EditMixin(PermissionRequiredMixin, SuccessMessageMixin):
    raise_exception = True
    template_name = "accreditation/form.html"
    verb = "change"
    success_message = _("Saved.")

    def get_permission_required(self):
        return [f"accreditation.{self.verb}_{self.model._meta.model_name}"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.page_title
        context["back_url"] = self.success_url
        return context


class LicenceCreate(EditMixin, CreateView):
    model = LicenceApplication
    form_class = forms.LicenceApplicationForm
    verb = "add"
    page_title = _("New licence application")
    success_url = reverse_lazy("accreditation:licences")


class LicenceEdit(EditMixin, UpdateView):
    model = LicenceApplication
    form_class = forms.LicenceApplicationForm
    page_title = _("Licence application")
    success_url = reverse_lazy("accreditation:licences")


class AccreditationCreate(EditMixin, CreateView):
    model = Accreditation
    form_class = forms.AccreditationForm
    verb = "add"
    page_title = _("New accreditation")
    success_url = reverse_lazy("accreditation:accreditations")


class AccreditationEdit(EditMixin, UpdateView):
    model = Accreditation
    form_class = forms.AccreditationForm
    page_title = _("Accreditation")
    success_url = reverse_lazy("accreditation:accreditations")


class SeminarCreate(EditMixin, CreateView):
    model = Seminar
    form_class = forms.SeminarForm
    verb = "add"
    page_title = _("New seminar")
    success_url = reverse_lazy("accreditation:seminars")


class SeminarEdit(EditMixin, UpdateView):
    model = Seminar
    form_class = forms.SeminarForm
    page_title = _("Seminar")
    success_url = reverse_lazy("accreditation:seminars")


# --- Files: served to those who may read the registry, never from a public folder --------------


def _file_response(file_field):
    if not file_field:
        raise Http404
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=file_field.name.rsplit("/", 1)[-1])


@permission_required("accreditation.view_accreditation", raise_exception=True)
def accreditation_file(request, pk):
    return _file_response(get_object_or_404(Accreditation, pk=pk).report_file)


@permission_required("accreditation.view_seminar", raise_exception=True)
def seminar_file(request, pk):
    return _file_response(get_object_or_404(Seminar, pk=pk).materials_file)


# --- Report sections 6, 7 and 9 ---------------------------------------------------------------


@permission_required("accreditation.view_licenceapplication", raise_exception=True)
def report_sections(request):
    years = list(AcademicYear.objects.all())
    year = chosen_year(request, years)
    context = {"years": years, "year": year}
    if year is not None:
        context.update(
            licensing=sections.licensing(year),
            accredited=sections.accreditations(year),
            seminars=sections.seminars(year),
        )
    return render(request, "accreditation/sections.html", context)
