"""The registries' filters (django-filter), from the query string: an academic year counted on the
registry's own date, and the registry's kinds, levels, forms, statuses and agencies."""

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academics.choices import Level, StudyForm
from academics.models import AcademicYear

from .choices import AccreditationKind, AccreditationStatus, LicenceStatus
from .expiry import add_months
from .models import Accreditation, Agency, LicenceApplication, Seminar
from .sections import year_dates

ALL = _("all")


def academic_years():
    # TypedChoiceFilter's field (Django's) names no empty choice of its own.
    return [("", ALL)] + [(year.start_year, year.name) for year in AcademicYear.objects.all()]


class RegistryFilterSet(filters.FilterSet):
    """`year` is an academic year (its first calendar year), counted on `date_field`."""

    date_field = None

    year = filters.TypedChoiceFilter(
        label=_("Academic year"), choices=(), coerce=int, method="filter_year"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years read once per request (a callable would be read at each use of the choices).
        self.filters["year"].extra["choices"] = academic_years()

    def filter_year(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__range": year_dates(value)})


def choice(label, choices, field_name=None):
    return filters.ChoiceFilter(
        label=label, choices=choices.choices, empty_label=ALL, field_name=field_name
    )


def agency():
    return filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.all(), empty_label=ALL
    )


class LicenceApplicationFilterSet(RegistryFilterSet):
    date_field = "date_sent"

    level = choice(_("Level"), Level)
    form = choice(_("Study form"), StudyForm)
    status = choice(_("Status"), LicenceStatus)

    class Meta:
        model = LicenceApplication
        fields = ()


class AccreditationFilterSet(RegistryFilterSet):
    date_field = "decision_date"

    level = choice(_("Level"), Level, "program__level")
    form = choice(_("Study form"), StudyForm, "program__form")
    kind = choice(_("Kind"), AccreditationKind)
    # The status of a day (today): suspended, else valid until its expiry.
    status = filters.ChoiceFilter(
        label=_("Status"),
        choices=AccreditationStatus.choices,
        empty_label=ALL,
        method="filter_status",
    )
    agency = agency()
    expiring = filters.TypedChoiceFilter(
        label=_("Expires within"),
        choices=[("", ALL), (3, _("3 months")), (6, _("6 months")), (12, _("12 months"))],
        coerce=int,
        method="filter_expiring",
    )

    class Meta:
        model = Accreditation
        fields = ()

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == AccreditationStatus.SUSPENDED:
            return queryset.filter(suspended=True)
        if value == AccreditationStatus.EXPIRED:
            return queryset.filter(suspended=False, expiry_date__lt=today)
        return queryset.filter(suspended=False, expiry_date__gte=today)

    def filter_expiring(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(expiry_date__gte=today, expiry_date__lte=add_months(today, value))


class SeminarFilterSet(RegistryFilterSet):
    date_field = "date"

    agency = agency()

    class Meta:
        model = Seminar
        fields = ()
