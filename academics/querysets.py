"""The one place that knows which faculty a user may see and change."""

from . import roles
from .models import Faculty, StudyGroup

_FACULTY_SCOPED = (roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD)


def _role_names(user):
    if not hasattr(user, "_portal_roles"):
        user._portal_roles = set(user.groups.values_list("name", flat=True))
    return user._portal_roles


def user_faculty_id(user):
    """The faculty a dean's office user is bound to, or None for a university-wide user."""
    if user.is_superuser or not (_role_names(user) & set(_FACULTY_SCOPED)):
        return None
    profile = getattr(user, "profile", None)
    # A dean's office user with no faculty set sees nothing rather than everything.
    return profile.faculty_id if profile and profile.faculty_id else -1


def faculties_for(user):
    faculty_id = user_faculty_id(user)
    faculties = Faculty.objects.all()
    return faculties if faculty_id is None else faculties.filter(pk=faculty_id)


def groups_for(user):
    faculty_id = user_faculty_id(user)
    groups = StudyGroup.objects.all()
    return groups if faculty_id is None else groups.filter(program__faculty_id=faculty_id)


def restrict_to_faculty(queryset, user, faculty_path):
    """Filter a queryset to the user's faculty through `faculty_path` (group__program__faculty)."""
    faculty_id = user_faculty_id(user)
    return queryset if faculty_id is None else queryset.filter(**{f"{faculty_path}_id": faculty_id})


def can_edit(user, faculty_id, permission):
    """Whether the user may make this kind of change in this faculty: dean's office staff of that
    faculty with the permission, and superusers; readers never do."""
    if user.is_superuser:
        return True
    if not user.has_perm(permission):
        return False
    return user_faculty_id(user) == faculty_id


def can_edit_grades(user, faculty_id):
    return can_edit(user, faculty_id, "sessions_app.change_grade")


def chosen_year(request, years):
    """The academic year a page asks for (?year=2023 or ?year=2023-2024) among `years`, else the
    first of them (the latest); a year that names none of them is a 404."""
    value = request.GET.get("year", "").strip()
    if not value:
        return years[0] if years else None
    return year_named(value, years)


def year_named(value, years):
    """The one of `years` that `value` ("2023" or "2023-2024") names; anything else is a 404."""
    from django.http import Http404

    from .models import AcademicYear

    try:
        start_year = int(value) if value.isdigit() else AcademicYear.parse_name(value)
    except ValueError:
        raise Http404 from None
    for year in years:
        if year.start_year == start_year:
            return year
    raise Http404
