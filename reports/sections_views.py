"""The report's figures page: sections 1-4 and 10 for one academic year, laid out as the seed."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from academics.models import AcademicYear
from academics.querysets import chosen_year
from portal.routers import reads_reports

from .attestation import By, attestation
from .load import teaching_load
from .staff import staff_by_department, staff_by_faculty
from .structure import groups_by_level_form, programs_by_level_form


# Every role reads the figures (academics.roles); a user with no role sees nothing.
@permission_required("academics.view_teachingload", raise_exception=True)
@reads_reports
def sections(request):
    years = list(AcademicYear.objects.all())
    year = chosen_year(request, years)
    context = {"years": years, "year": year}
    if year is not None:
        context.update(
            programs=programs_by_level_form(),
            running_programs=programs_by_level_form(year, running_only=True),
            groups=groups_by_level_form(year),
            staff=staff_by_faculty(),
            staff_departments=staff_by_department(),
            load=teaching_load(year),
            attestation_rows=attestation(year, By.FORM),
            attestation_faculties=attestation(year, By.FACULTY),
        )
    return render(request, "reports/sections.html", context)
