"""The one place that knows which faculty a user may see and change, and the queryset every
faculty-scoped model builds on: `Model.objects.for_user(user)`, as NetBox's
`RestrictedQuerySet.restrict(user, action)`, so that no page, export or admin view can forget it.

Who sees what (README, "Exam sessions"): a dean's office its faculty (the college counts as one);
the academic department, the vice-rector, administrators and superusers the whole university; a
signed-in user with no portal role (a new account, one whose role was taken away) nothing.
"""

from django.db import models
from django.http import Http404

from . import roles

_FACULTY_SCOPED = frozenset((roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD))
_ROLES = frozenset(roles.LABELS)

# The faculty of a user who may see none: no row has it. `for_user` gives none() for it.
NO_FACULTY = -1


def role_names(user):
    """The names of the user's groups, read once per user object."""
    if not hasattr(user, "_portal_roles"):
        user._portal_roles = set(user.groups.values_list("name", flat=True))
    return user._portal_roles


def has_role(user):
    """Whether the user holds a portal role (academics.roles) or is a superuser. Permissions
    given to a user by hand, without a role, do not count: the role says which faculty."""
    return user.is_superuser or bool(role_names(user) & _ROLES)


def user_faculty_id(user):
    """The faculty a dean's office user is bound to; None for a university-wide user (a
    superuser or a university-wide role); NO_FACULTY for a user who may see no faculty."""
    if user.is_superuser:
        return None
    names = role_names(user)
    if names & _FACULTY_SCOPED:
        profile = getattr(user, "profile", None)
        # A dean's office user with no faculty set sees nothing rather than everything.
        return profile.faculty_id if profile and profile.faculty_id else NO_FACULTY
    return None if names & _ROLES else NO_FACULTY


class FacultyScopedQuerySet(models.QuerySet):
    """The rows of a model that belong to one faculty, through `faculty_path`: the lookup from
    the model to its Faculty ("group__program__faculty"), said once, on the model's queryset."""

    faculty_path = None

    def for_user(self, user):
        """The rows `user` may see: a dean's office its faculty's, a university-wide role
        every row, a user with no role none."""
        faculty_id = user_faculty_id(user)
        return self.all() if faculty_id is None else self.of_faculty(faculty_id)

    def of_faculty(self, faculty):
        """The rows of `faculty` (a Faculty, its id, or an expression such as OuterRef("pk"))."""
        faculty = getattr(faculty, "pk", faculty)
        if faculty == NO_FACULTY:
            return self.none()
        return self.filter(**{self.faculty_path: faculty})


def scoped(model, user=None):
    """The rows of `model` that `user` may see; with no user, every row: the system's own
    reading (a command, the council's resolution), never a request's."""
    rows = model._default_manager.all()
    return rows if user is None else rows.for_user(user)


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
    # academics.models imports this module for its querysets: the model is found when called.
    from .models import AcademicYear

    try:
        start_year = int(value) if value.isdigit() else AcademicYear.parse_name(value)
    except ValueError:
        raise Http404 from None
    for year in years:
        if year.start_year == start_year:
            return year
    raise Http404
