"""The report's figures page: sections 1-4 and 10 for one academic year, laid out as the seed.

A dean's office sees its faculty's figures only (Model.objects.for_user): its programs, groups,
staff, departments' loads and attestation lists, and every total on the page is its faculty's,
not the university's. A university total beside a faculty's own figures would give away the
rest of the university's, and, where the level lines stand alone (the college), one faculty's.
"""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from academics.models import AcademicYear, Faculty
from academics.querysets import chosen_year, user_faculty_id
from portal.routers import reads_reports

from .attestation import AttestationScope, attestation
from .load import teaching_load
from .staff import staff_by_department, staff_by_faculty
from .structure import groups_by_level_form, programs_by_level_form


def _figures(year, user):
    return {
        "programs": programs_by_level_form(user=user),
        "running_programs": programs_by_level_form(year, running_only=True, user=user),
        "groups": groups_by_level_form(year, user=user),
        "staff": staff_by_faculty(user=user),
        "staff_departments": staff_by_department(user=user),
        "load": teaching_load(year, user=user),
        "attestation_rows": attestation(year, AttestationScope.FORM, user=user),
        "attestation_faculties": attestation(year, AttestationScope.FACULTY, user=user),
    }


# Every role reads the figures (academics.roles); a user with no role sees nothing.
@permission_required("academics.view_teachingload", raise_exception=True)
@reads_reports
def sections(request):
    years = list(AcademicYear.objects.all())
    year = chosen_year(request, years)
    context = {"years": years, "year": year}
    if year is not None:
        context.update(_figures(year, request.user))
        context["total_label"] = _("University")
        if user_faculty_id(request.user) is not None:
            scope = Faculty.objects.for_user(request.user).first()
            context.update(scope=scope, scoped=True, total_label=scope.name if scope else "")
    return render(request, "reports/sections.html", context)
