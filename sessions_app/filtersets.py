"""The session page's filters (django-filter), from the query string: a faculty of the user's scope
and a study form."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from academics.choices import StudyForm
from academics.models import Faculty, StudyGroup


def user_faculties(request):
    # The choices are the user's faculties: another faculty's id is no choice, and an invalid
    # value filters nothing (django-filter leaves it out), so the scope holds.
    return Faculty.objects.for_user(request.user)


class GroupFilterSet(filters.FilterSet):
    """Narrows the session's groups (session_groups, already the user's) to a faculty and a
    study form."""

    faculty = filters.ModelChoiceFilter(
        label=_("Faculty"),
        queryset=user_faculties,
        empty_label=_("All faculties"),
        method="filter_faculty",
    )
    form = filters.ChoiceFilter(
        label=_("Study form"),
        choices=StudyForm.choices,
        empty_label=_("All forms"),
        field_name="program__form",
    )

    class Meta:
        model = StudyGroup
        fields = ()

    def filter_faculty(self, queryset, name, value):
        return queryset.of_faculty(value)
