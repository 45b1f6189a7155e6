"""The report's figures page (sections 1-4 and 10): who sees it, which year, what it shows, and a
number of queries that does not grow with the data.

The page's URL is wired in reports/urls.py; until then this module serves the view itself.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from academics import roles
from academics.choices import Degree, Employment, FacultyKind, Level, LoadLevel, StudyForm
from academics.models import Faculty
from reports.sections_views import sections
from sessions_app.choices import AttestationKind
from sessions_app.models import AttestationEntry, StateAttestation
from tests import factories

urlpatterns = [
    path("test/sections/", sections, name="test_sections"),
    path("", include("portal.urls")),
]
URL = "/test/sections/"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _client(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def _add_world(year, n=1, suffix=""):
    """A faculty and the college with a program, groups, staff, loads and an attestation each."""
    faculty = factories.faculty(name=f"Engineering{suffix}")
    college = factories.faculty(name=f"College{suffix}", kind=FacultyKind.COLLEGE)
    for owner, level, load_level in (
        (faculty, Level.BACHELOR, LoadLevel.HIGHER),
        (college, Level.SECONDARY, LoadLevel.SECONDARY),
    ):
        department = factories.department(faculty=owner, name=f"Dept {owner.name}")
        program = factories.program(faculty=owner, level=level, form=StudyForm.DAY)
        attestation = StateAttestation.objects.create(
            academic_year=year, program=program, kind=AttestationKind.SPECIAL_EXAM
        )
        for _ in range(n):
            group = factories.group(program=program, academic_year=year, year_of_study=3)
            student = factories.student(group=group)
            AttestationEntry.objects.create(
                attestation=attestation, student=student, ordered=True, sat=True, grade="4"
            )
            factories.staff_member(department=department, degree=Degree.CANDIDATE)
            factories.staff_member(
                department=department, employment=Employment.PART_TIME, rate="0.50"
            )
        for term in (1, 2):
            factories.teaching_load(
                department=department,
                academic_year=year,
                term=term,
                level=load_level,
                planned_hours=950 * n,
                performed_hours=1000 * n,
                reason="more foreign students",
            )


@pytest.fixture
def reader():
    return factories.user(role=roles.VICE_RECTOR)


def test_the_page_shows_every_section(reader):
    year = factories.academic_year(2023)
    _add_world(year)
    response = _client(reader).get(URL)
    assert response.status_code == 200
    assert response.context["year"] == year
    html = response.content.decode()
    for heading in (
        "1. Programs by level and form",
        "2. Study groups",
        "3. Teaching staff",
        "4. Teaching load of the departments",
        "10. State final attestation",
    ):
        assert heading in html
    # Staff: 2 of 4 hold a degree, 2.00 of 3.00 by FTE.
    assert "50.00" in html and "66.67" in html
    # Load: 3 800 planned, 4 000 performed, +200, 105.26 %.
    assert "3,800" in html and "4,000" in html and "+200" in html and "105.26" in html
    assert "more foreign students" in html
    # Attestation: everyone sat and got a 4.
    assert "special-discipline exam" in html and "100.00" in html


def test_kyrgyz_numbers(reader):
    year = factories.academic_year(2023)
    _add_world(year)
    html = _client(reader, "ky").get(URL).content.decode()
    assert "3\xa0800" in html and "66,67" in html


def test_the_year_is_chosen(reader):
    old, new = factories.academic_year(2022), factories.academic_year(2023)
    client = _client(reader)
    assert client.get(URL).context["year"] == new
    assert client.get(URL, {"year": "2022"}).context["year"] == old
    assert client.get(URL, {"year": "2022-2023"}).context["year"] == old
    assert client.get(URL, {"year": "2019"}).status_code == 404
    assert client.get(URL, {"year": "last"}).status_code == 404


def test_without_any_year(reader):
    response = _client(reader).get(URL)
    assert response.status_code == 200
    assert "No academic year has been entered yet." in response.content.decode()


def test_who_may_see_it():
    factories.academic_year(2023)
    assert Client().get(URL).status_code == 302  # to the login page
    assert _client(factories.user()).get(URL).status_code == 403  # no role
    faculty = factories.faculty()
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    assert _client(dean).get(URL).status_code == 200


def test_the_number_of_queries_does_not_grow(reader):
    year = factories.academic_year(2023)
    _add_world(year)
    client = _client(reader)
    client.get(URL)  # the session and the user's roles are read once
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    _add_world(year, n=5, suffix=" 2")
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)


def test_a_dean_s_office_sees_its_faculty_s_figures_and_totals_only():
    year = factories.academic_year(2023)
    _add_world(year)
    engineering = Faculty.objects.get(name="Engineering")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=engineering)
    response = _client(dean).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # The college's department, its staff and its attestation list are not on the page, nor is
    # a university total that would give them away: the totals are the faculty's.
    assert "College" not in html
    assert ">University<" not in html and '<th scope="row">Engineering</th>' in html
    assert "Dept Engineering" in html
    load = response.context["load"]
    assert [row.scope for row in load.rows] == ["Dept Engineering"]
    assert (load.total.planned, load.total.performed) == (1900, 2000)
    staff = response.context["staff"]
    assert [row.scope for row in staff.rows] == ["Engineering"]
    assert staff.total.headcount.total == 2
    assert [row.scope for row in response.context["attestation_faculties"]] == ["Engineering"]
    assert sum(row.counts["listed"] for row in response.context["attestation_rows"]) == 1
    assert response.context["groups"].total == 1 and response.context["programs"].total == 1


def test_a_dean_s_office_s_page_asks_no_more_queries_as_the_university_grows():
    year = factories.academic_year(2023)
    _add_world(year)
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=Faculty.objects.get(name="Engineering"))
    client = _client(dean)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    _add_world(year, n=5, suffix=" 2")
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)
