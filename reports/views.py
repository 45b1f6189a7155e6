"""Pages of figures: the home page's view of the university."""

from django.shortcuts import render

from academics.models import AcademicYear

from .structure import faculty_summary, totals


def home(request):
    year = AcademicYear.objects.first()
    rows = list(faculty_summary(year))
    return render(request, "reports/home.html", {"year": year, "rows": rows, "total": totals(rows)})
