"""The registries' filters and the create and edit forms of the academic department."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academics.choices import Level, StudyForm
from academics.models import AcademicYear, Program

from .choices import AccreditationKind, AccreditationStatus, LicenceStatus
from .expiry import add_months
from .models import Accreditation, Agency, LicenceApplication, Seminar
from .sections import year_dates

ANY = [("", _("all"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- Filters ----------------------------------------------------------------------------------


class RegistryFilterForm(forms.Form):
    """A registry's filters, from the query string; `filter(queryset)` applies the valid ones.

    `year` is an academic year (its first calendar year), counted on `date_field`.
    """

    date_field = None

    year = forms.TypedChoiceField(label=_("Academic year"), required=False, coerce=int)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = ANY + [
            (year.start_year, year.name) for year in AcademicYear.objects.all()
        ]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("year"):
            queryset = queryset.filter(**{f"{self.date_field}__range": year_dates(data["year"])})
        return self.filter_more(queryset, data)

    def filter_more(self, queryset, data):
        return queryset


def _choices(choices):
    return ANY + list(choices.choices)


class LicenceFilterForm(RegistryFilterForm):
    date_field = "date_sent"

    level = forms.ChoiceField(label=_("Level"), required=False, choices=_choices(Level))
    form = forms.ChoiceField(label=_("Study form"), required=False, choices=_choices(StudyForm))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_choices(LicenceStatus))

    def filter_more(self, queryset, data):
        for name in ("level", "form", "status"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset


class AccreditationFilterForm(RegistryFilterForm):
    date_field = "decision_date"

    level = forms.ChoiceField(label=_("Level"), required=False, choices=_choices(Level))
    form = forms.ChoiceField(label=_("Study form"), required=False, choices=_choices(StudyForm))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_choices(AccreditationKind))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(AccreditationStatus)
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("all")
    )
    expiring = forms.TypedChoiceField(
        label=_("Expires within"),
        required=False,
        coerce=int,
        choices=ANY + [(3, _("3 months")), (6, _("6 months")), (12, _("12 months"))],
    )

    def filter_more(self, queryset, data):
        today = timezone.localdate()
        if data.get("level"):
            queryset = queryset.filter(program__level=data["level"])
        if data.get("form"):
            queryset = queryset.filter(program__form=data["form"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("agency"):
            queryset = queryset.filter(agency=data["agency"])
        status = data.get("status")
        if status == AccreditationStatus.SUSPENDED:
            queryset = queryset.filter(suspended=True)
        elif status == AccreditationStatus.EXPIRED:
            queryset = queryset.filter(suspended=False, expiry_date__lt=today)
        elif status == AccreditationStatus.VALID:
            queryset = queryset.filter(suspended=False, expiry_date__gte=today)
        if data.get("expiring"):
            horizon = add_months(today, data["expiring"])
            queryset = queryset.filter(expiry_date__gte=today, expiry_date__lte=horizon)
        return queryset


class SeminarFilterForm(RegistryFilterForm):
    date_field = "date"

    agency = forms.ModelChoiceField(
        label=_("Agency"), required=False, queryset=Agency.objects.all(), empty_label=_("all")
    )

    def filter_more(self, queryset, data):
        if data.get("agency"):
            queryset = queryset.filter(agency=data["agency"])
        return queryset


# --- Create and edit --------------------------------------------------------------------------


def _programs():
    return Program.objects.order_by("level", "code", "name", "form")


class LicenceApplicationForm(forms.ModelForm):
    class Meta:
        model = LicenceApplication
        fields = [
            "program",
            "code",
            "name",
            "level",
            "form",
            "date_sent",
            "status",
            "licence_number",
            "licence_date",
            "valid_until",
            "note",
        ]
        widgets = {
            "date_sent": DateInput(),
            "licence_date": DateInput(),
            "valid_until": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "level": _("taken from the program when one is chosen"),
            "form": _("taken from the program when one is chosen"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs()


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "kind",
            "program",
            "agency",
            "decision_date",
            "term_years",
            "certificate_number",
            "suspended",
            "report_file",
            "note",
        ]
        widgets = {"decision_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs()


class SeminarForm(forms.ModelForm):
    class Meta:
        model = Seminar
        fields = [
            "topic",
            "date",
            "agency",
            "participants",
            "participants_note",
            "materials",
            "materials_file",
        ]
        widgets = {"date": DateInput(), "materials": forms.Textarea(attrs={"rows": 3})}
