"""Who gets what, for every URL the portal defines, every admin changelist, every export and the
API: walked from the URL resolver, so that a new URL without an expectation fails here.

The expectations are a table (ROUTES): each URL name says which permission it needs and, for an
object of one faculty, which faculty; what each role gets follows from the roles' permissions
(academics.roles and the apps' permission migrations). A dean's office of faculty A gets 404 for
faculty B's groups, sheets, admission, drill-down and dashboard pages.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from academics import roles
from academics.querysets import user_faculty_id
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from sessions_app import services
from sessions_app.choices import Attempt
from surveys import services as survey_services
from surveys.models import Survey
from tests import factories
from tests.reports.test_resolution import new_resolution

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "nobody", "dean_a", "academic_department", "vice_rector", "admin"]

LOGIN = "login"  # a redirect to the login page
# An action passed the access check (a POST that ran, or was refused for its data or state).
ACTED = "acted"
ACTED_STATUSES = {200, 204, 302, 400, 409}


@dataclass
class Route:
    """What a URL needs: `perm` (None: any signed-in user), `faculty` of its object ("A", "B" or
    None for a university-wide page), `kwargs(world)`, the method, what a permitted user gets
    (`ok`), what an anonymous visitor gets, and the roles that are treated otherwise, each with
    its reason in a comment where it is declared."""

    perm: str | None = None
    faculty: str | None = None
    kwargs: object = None
    query: str = ""
    method: str = "get"
    ok: object = 200
    anonymous: object = LOGIN
    scoped: bool = True  # a dean's office of A gets 404 for B's object
    extra: object = None  # (user) -> bool: a further condition, e.g. the results import's
    overrides: dict = field(default_factory=dict)


def _sheet(faculty, attempt="main"):
    return lambda w: {"assessment_id": w[faculty]["exam"].pk, "attempt": attempt}


def _group(faculty, session=True):
    def kwargs(w):
        values = {"group_id": w[faculty]["group"].pk}
        if session:
            values["session_id"] = w["session"].pk
        return values

    return kwargs


def _can_edit_grades_of(faculty_key):
    def check(world, user):
        from academics.querysets import can_edit_grades

        return can_edit_grades(user, world[faculty_key]["faculty"].pk)

    return check


VIEW_SESSIONS = "sessions_app.view_examsession"
VIEW_SHEETS = "sessions_app.view_gradesheet"


def routes_for(faculty):
    """The routes of one faculty's objects (A: the dean's own, B: another faculty's)."""
    f = faculty
    return {
        f"reports:dashboard_faculty@{f}": Route(
            VIEW_SESSIONS, f, lambda w: {"faculty_id": w[f]["faculty"].pk}
        ),
        f"reports:dashboard_faculty@{f}:export": Route(
            VIEW_SESSIONS,
            f,
            lambda w: {"faculty_id": w[f]["faculty"].pk},
            "_export=xlsx&_table=groups",
        ),
        f"reports:dashboard_group@{f}": Route(VIEW_SESSIONS, f, _group(f, session=False)),
        f"reports:dashboard_group@{f}:export": Route(
            VIEW_SESSIONS, f, _group(f, session=False), "_export=xlsx&_table=owing"
        ),
        f"reports:session_report_faculty@{f}": Route(
            VIEW_SESSIONS,
            f,
            lambda w: {"session_id": w["session"].pk, "faculty_id": w[f]["faculty"].pk},
        ),
        f"reports:session_report_group@{f}": Route(VIEW_SESSIONS, f, _group(f)),
        f"sessions:group_detail@{f}": Route(VIEW_SESSIONS, f, _group(f)),
        f"sessions:group_history@{f}": Route(VIEW_SESSIONS, f, _group(f)),
        f"sessions:admission@{f}": Route(
            VIEW_SESSIONS, f, lambda w: {**_group(f)(w), "stage": "main"}
        ),
        f"sessions:sheet@{f}": Route(VIEW_SHEETS, f, _sheet(f)),
        f"sessions:sheet_history@{f}": Route(VIEW_SHEETS, f, _sheet(f)),
        f"sessions:sheet_print@{f}": Route(VIEW_SHEETS, f, _sheet(f)),
        # The transitions: a sheet of one's own faculty only; lock and reopen for its head.
        f"sessions:sheet_submit@{f}": Route(
            VIEW_SHEETS, f, _sheet(f), method="post", ok=ACTED, extra=_can_edit_grades_of(f)
        ),
        f"sessions:sheet_lock@{f}": Route(
            VIEW_SHEETS,
            f,
            _sheet(f),
            method="post",
            ok=ACTED,
            extra=lambda w, u, f=f: (
                _can_edit_grades_of(f)(w, u) and u.has_perm("sessions_app.reopen_gradesheet")
            ),
        ),
        f"sessions:sheet_reopen@{f}": Route(
            VIEW_SHEETS,
            f,
            _sheet(f),
            method="post",
            ok=ACTED,
            extra=lambda w, u, f=f: (
                _can_edit_grades_of(f)(w, u) and u.has_perm("sessions_app.reopen_gradesheet")
            ),
        ),
    }


def _results_importer(world, user):
    from sessions_app.importer import can_import

    return can_import(user)


ROUTES = {
    # Any signed-in user: the university's structure in figures (tests/portal/test_shell.py
    # expects it for a user without a role); the vice-rector is sent on to the dashboard.
    "reports:home": Route(None, overrides={"vice_rector": 302}),
    "reports:dashboard": Route(VIEW_SESSIONS),
    "reports:dashboard:export": Route(VIEW_SESSIONS, query="_export=xlsx&_table=faculties"),
    "reports:session_report": Route(VIEW_SESSIONS),
    "reports:session_report_xlsx": Route(VIEW_SESSIONS),
    "reports:sections": Route("academics.view_teachingload"),
    **routes_for("A"),
    **routes_for("B"),
    "sessions:session_list": Route(VIEW_SESSIONS),
    "sessions:session_detail": Route(
        VIEW_SESSIONS, kwargs=lambda w: {"session_id": w["session"].pk}
    ),
    # The results import: superusers, and a dean's office for its own faculty.
    "sessions:import": Route(None, extra=_results_importer),
    # The blank template (headers and an example row, no data): any signed-in user.
    "sessions:import_template": Route(None),
    "resolutions:list": Route("reports.view_resolution"),
    "resolutions:create": Route("reports.change_resolution"),
    "resolutions:detail": Route(
        "reports.view_resolution", kwargs=lambda w: {"pk": w["resolution"].pk}
    ),
    "resolutions:edit": Route(
        "reports.change_resolution", kwargs=lambda w: {"pk": w["resolution"].pk}
    ),
    "resolutions:adopt": Route(
        "reports.change_resolution", kwargs=lambda w: {"pk": w["resolution"].pk}
    ),
    "resolutions:docx": Route(
        "reports.view_resolution", kwargs=lambda w: {"pk": w["resolution"].pk}
    ),
    "resolutions:pdf": Route(
        "reports.view_resolution", kwargs=lambda w: {"pk": w["resolution"].pk}
    ),
    # The API answers 401 rather than redirecting a script to the login page.
    "api:achievement": Route(
        VIEW_SESSIONS, query="year=2023-2024&term=2&stage=before", anonymous=401
    ),
    "accreditation:accreditations": Route("accreditation.view_accreditation"),
    "accreditation:accreditations:export": Route(
        "accreditation.view_accreditation", query="export=xlsx"
    ),
    "accreditation:accreditation_add": Route("accreditation.add_accreditation"),
    "accreditation:accreditation_edit": Route(
        "accreditation.change_accreditation", kwargs=lambda w: {"pk": w["accreditation"].pk}
    ),
    "accreditation:accreditation_file": Route(
        "accreditation.view_accreditation", kwargs=lambda w: {"pk": w["accreditation"].pk}
    ),
    "accreditation:licences": Route("accreditation.view_licenceapplication"),
    "accreditation:licences:export": Route(
        "accreditation.view_licenceapplication", query="export=xlsx"
    ),
    "accreditation:licence_add": Route("accreditation.add_licenceapplication"),
    "accreditation:licence_edit": Route(
        "accreditation.change_licenceapplication", kwargs=lambda w: {"pk": w["licence"].pk}
    ),
    "accreditation:seminars": Route("accreditation.view_seminar"),
    "accreditation:seminars:export": Route("accreditation.view_seminar", query="export=xlsx"),
    "accreditation:seminar_add": Route("accreditation.add_seminar"),
    "accreditation:seminar_edit": Route(
        "accreditation.change_seminar", kwargs=lambda w: {"pk": w["seminar"].pk}
    ),
    "accreditation:seminar_file": Route(
        "accreditation.view_seminar", kwargs=lambda w: {"pk": w["seminar"].pk}
    ),
    "accreditation:sections": Route("accreditation.view_licenceapplication"),
    "surveys:list": Route("surveys.view_survey"),
    "surveys:import": Route("surveys.add_survey"),
    "surveys:detail": Route("surveys.view_survey", kwargs=lambda w: {"pk": w["survey"].pk}),
    "surveys:results_json": Route("surveys.view_survey", kwargs=lambda w: {"pk": w["survey"].pk}),
    "surveys:open": Route(
        "surveys.change_survey", kwargs=lambda w: {"pk": w["survey"].pk}, method="post", ok=ACTED
    ),
    "surveys:links": Route("surveys.change_survey", kwargs=lambda w: {"pk": w["survey"].pk}),
    "surveys:create_links": Route(
        "surveys.change_survey", kwargs=lambda w: {"pk": w["survey"].pk}, method="post", ok=ACTED
    ),
    # The anonymous answer form: open to all, by its one-use link.
    "surveys:answer": Route(
        None, kwargs=lambda w: {"token": w["link"].token}, anonymous=200, scoped=False
    ),
    "login": Route(None, anonymous=200),
    "logout": Route(None, method="post", ok=ACTED, anonymous=ACTED),
    "set_language": Route(None, method="post", ok=ACTED, anonymous=ACTED),
}

# URL names the walk cannot fill, each with its reason; any other pattern without an entry in
# ROUTES fails the test.
NOT_WALKED = {
    "admin": "the admin's own URLs: its changelists are walked by test_admin_changelists",
    "jobs:detail": "background jobs are being built (jobs app); a job is its owner's only, "
    "tested in the jobs app",
    "jobs:status": "as jobs:detail",
    "jobs:download": "as jobs:detail",
    "resolutions:pdf_job": "starts a background job (the jobs app, being built); "
    "the jobs app tests who may start it",
}


def walk(patterns=None, namespace=""):
    """(name, pattern text) of every URL pattern; a namespace's patterns as `namespace:name`."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", str(entry.pattern)


def test_every_url_has_an_expectation_or_a_reason():
    covered = {name.split("@")[0].split(":export")[0] for name in ROUTES}
    missing = []
    for name, pattern in walk():
        if name.split(":")[0] in NOT_WALKED or name in NOT_WALKED or name in covered:
            continue
        missing.append(f"{name} ({pattern})")
    assert not missing, "URLs with no expectation in ROUTES nor reason in NOT_WALKED: " + (
        ", ".join(missing)
    )


# The world


def _faculty_world(name, session, dean=None):
    faculty = factories.faculty(name=name)
    group = factories.group(program=factories.program(faculty=faculty), name=f"{name}-1")
    students = [factories.student(group=group, full_name=f"{name} student {n}") for n in "12"]
    exam = factories.assessment(session=session, group=group)
    services.ensure_admissions(session, group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    services.record_grades(
        sheet, {students[0].pk: "5", students[1].pk: "2"}, None, version=sheet.version
    )
    return {"faculty": faculty, "group": group, "students": students, "exam": exam}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = factories.exam_session(academic_year=factories.academic_year(2023), term=2)
    a = _faculty_world("Faculty A", session)
    b = _faculty_world("Faculty B", session)
    agency = Agency.objects.create(name="Agency", short_name="AG")
    accreditation = Accreditation.objects.create(
        program=a["group"].program,
        agency=agency,
        decision_date=datetime.date(2023, 5, 1),
        term_years=5,
        report_file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"),
    )
    licence = LicenceApplication.objects.create(
        program=b["group"].program, date_sent=datetime.date(2023, 1, 10)
    )
    seminar = Seminar.objects.create(
        topic="Quality",
        date=datetime.date(2023, 3, 1),
        agency=agency,
        materials_file=SimpleUploadedFile("materials.pdf", b"%PDF-1.4 materials"),
    )
    survey = Survey.objects.create(title="Through students' eyes")
    survey_services.open_survey(survey)
    survey_services.create_links(survey, 1)
    users = {
        "anonymous": AnonymousUser(),
        "nobody": factories.user(is_staff=True),
        "dean_a": factories.user(role=roles.DEAN_OFFICE, faculty=a["faculty"], is_staff=True),
        "academic_department": factories.user(role=roles.ACADEMIC_DEPARTMENT, is_staff=True),
        "vice_rector": factories.user(role=roles.VICE_RECTOR, is_staff=True),
        "admin": factories.user(is_superuser=True, is_staff=True),
    }
    return {
        "session": session,
        "A": a,
        "B": b,
        "accreditation": accreditation,
        "licence": licence,
        "seminar": seminar,
        "survey": survey,
        "link": survey.links.get(),
        "resolution": new_resolution(session),
        "users": users,
    }


def expected(route, world, role):
    """What `role` gets from `route`, from the role's permissions."""
    if role in route.overrides:
        return route.overrides[role]
    user = world["users"][role]
    if not user.is_authenticated:
        return route.anonymous
    if route.perm and not user.has_perm(route.perm):
        return 403
    if (
        route.faculty
        and route.scoped
        and user_faculty_id(user) not in (None, world[route.faculty]["faculty"].pk)
    ):
        return 404
    if route.extra is not None and not route.extra(world, user):
        return 403
    return route.ok


def client_for(user):
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def _url(name, route, world):
    url_name = name.split("@")[0].removesuffix(":export")
    url = reverse(url_name, kwargs=route.kwargs(world) if route.kwargs else None)
    return f"{url}?{route.query}" if route.query else url


def _check(got, want):
    if want == LOGIN:
        return got.status_code == 302 and got["Location"].startswith(reverse("login"))
    if want == ACTED:
        return got.status_code in ACTED_STATUSES
    return got.status_code == want


@pytest.mark.parametrize("name", list(ROUTES))
def test_who_gets_what(world, name):
    route = ROUTES[name]
    url = _url(name, route, world)
    wrong = []
    for role in ROLES:
        want = expected(route, world, role)
        response = getattr(client_for(world["users"][role]), route.method)(url)
        if not _check(response, want):
            wrong.append(f"{role}: {response.status_code}, expected {want}")
    assert not wrong, f"{url}: " + "; ".join(wrong)


def test_the_dean_sees_only_faculty_a_in_exports_and_the_api(world):
    dean = client_for(world["users"]["dean_a"])
    report = dean.get(reverse("reports:session_report_xlsx"))
    assert report.status_code == 200
    import io

    import openpyxl

    cells = {
        str(cell.value)
        for sheet in openpyxl.load_workbook(io.BytesIO(report.content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    }
    assert "Faculty A" in cells and "Faculty B" not in cells
    api = dean.get(reverse("api:achievement"), {"year": "2023-2024", "term": 2, "stage": "before"})
    assert {row["scope"] for row in api.json()["rows"]} == {"Faculty A"}


# The admin's changelists


def _admin_changelists():
    return sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


def _admin_expected(world, role, app_label, model_name):
    user = world["users"][role]
    if not user.is_authenticated:
        return LOGIN
    if user.is_superuser:
        return 200
    if app_label == "django_rq":
        return 403
    perms = (f"{app_label}.view_{model_name}", f"{app_label}.change_{model_name}")
    return 200 if any(user.has_perm(perm) for perm in perms) else 403


@pytest.mark.parametrize(
    ("app_label", "model_name"),
    [key for key in _admin_changelists()],
)
def test_admin_changelists(world, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    wrong = []
    for role in ROLES:
        want = _admin_expected(world, role, app_label, model_name)
        response = client_for(world["users"][role]).get(url)
        if want == LOGIN:
            ok = response.status_code == 302 and "login" in response["Location"]
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append(f"{role}: {response.status_code}, expected {want}")
    assert not wrong, f"{url}: " + "; ".join(wrong)


@pytest.mark.parametrize(
    ("model", "b_text"),
    [("academics/student", "Faculty B student 1"), ("academics/studygroup", "Faculty B-1")],
)
def test_the_admin_lists_only_the_dean_s_faculty(world, model, b_text):
    page = client_for(world["users"]["dean_a"]).get(f"/admin/{model}/").content.decode()
    assert b_text not in page
    assert b_text.replace("B", "A") in page
