"""Who gets what, for every URL the portal defines, every admin changelist, every export and the
API: walked from the URL resolver, so that a new URL without an expectation fails here.

The expectations are a table (ROUTES): each URL name says which permission it needs and, for an
object of one faculty, which faculty; what each role gets follows from the roles' permissions
(academics.roles and the apps' permission migrations). A dean's office of faculty A gets 404 for
faculty B's groups, sheets, admission, drill-down and dashboard pages, and no page it reads names
faculty B; a user with no role sees no figures.

The admin is walked model by model from its registry: every registered model is either scoped to
a faculty — its changelist, export, change, history and delete pages and its autocomplete show a
dean's office its own faculty's objects and none of another's — or named in UNIVERSITY_WIDE with
its reason, so that a model registered later is covered (or must say why not).
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from academics import roles
from academics.models import Faculty
from academics.querysets import user_faculty_id
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from reports.execution import services as execution
from reports.execution.models import DeadlineKind
from reports.resolutions import services as resolutions
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
        f"sessions:sheet_download@{f}": Route(VIEW_SHEETS, f, _sheet(f)),
        # A filled sheet file: for those who may type on the sheet (here: no file, told so).
        f"sessions:sheet_upload@{f}": Route(
            VIEW_SHEETS, f, _sheet(f), method="post", ok=ACTED, extra=_can_edit_grades_of(f)
        ),
        # The examiner of a main sheet: for those who may type on it (here: no choice, told so).
        f"sessions:sheet_examiner@{f}": Route(
            VIEW_SHEETS, f, _sheet(f), method="post", ok=ACTED, extra=_can_edit_grades_of(f)
        ),
        f"reports:group_summary@{f}": Route(VIEW_SESSIONS, f, _group(f)),
        f"reports:group_summary_xlsx@{f}": Route(VIEW_SESSIONS, f, _group(f)),
        f"reports:group_summary_print@{f}": Route(VIEW_SESSIONS, f, _group(f)),
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
    # Any signed-in user: the structure in figures, of their faculty for a dean's office; a user
    # with no role is told so and sees none (test_the_home_page_shows_a_user_with_no_role_...);
    # the vice-rector is sent on to the dashboard.
    "reports:home": Route(None, overrides={"vice_rector": 302}),
    "reports:dashboard": Route(VIEW_SESSIONS),
    "reports:dashboard:export": Route(VIEW_SESSIONS, query="_export=xlsx&_table=faculties"),
    "reports:session_report": Route(VIEW_SESSIONS),
    "reports:session_report_xlsx": Route(VIEW_SESSIONS),
    "reports:sections": Route("academics.view_teachingload"),
    # The students at risk: every role's own scope (a dean's office its faculty's).
    "reports:at_risk": Route(VIEW_SESSIONS),
    "reports:at_risk:export": Route(VIEW_SESSIONS, query="_export=xlsx&_table=at-risk"),
    # Any signed-in user; each finds only their scope, a user with no role nothing
    # (tests/reports/test_search.py).
    "reports:search": Route(None, query="q=g-"),
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
    # The examiners whose grades stand apart: the vice-rector and the academic department.
    "reports:examiners": Route("reports.view_resolution"),
    "reports:examiners:export": Route(
        "reports.view_resolution", query="_export=xlsx&_table=examiners"
    ),
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
    # The execution of the resolution: any signed-in user's list (their items; a user with no
    # role none); an item's page for those who see it: the responsibles (a dean's office of the
    # faculty it names) and the readers of every item; the posts for those who may do each.
    "execution:list": Route(None),
    "execution:list:export": Route(None, query="_export=xlsx&_table=execution"),
    **{
        f"execution:item@{f}": Route(None, f, lambda w, f=f: {"pk": w["execution"][f].pk})
        for f in ("A", "B")
    },
    "execution:report@A": Route(
        None,
        "A",
        lambda w: {"pk": w["execution"]["A"].pk, "responsible_pk": w["execution"]["part"].pk},
        method="post",
        ok=ACTED,
        extra=lambda w, u: execution.can_report(u, w["execution"]["part"]),
    ),
    "execution:review@A": Route(
        None,
        "A",
        lambda w: {"pk": w["execution"]["A"].pk, "report_pk": w["execution"]["report"].pk},
        method="post",
        ok=ACTED,
        extra=lambda w, u: execution.can_review(u),
    ),
    **{
        f"execution:{name}@A": Route(
            None,
            "A",
            lambda w: {"pk": w["execution"]["A"].pk},
            method="post",
            ok=ACTED,
            extra=lambda w, u: execution.can_manage(u),
        )
        for name in ("plan", "cancel", "restore")
    },
    "execution:attachment@A": Route(
        None,
        "A",
        lambda w: {
            "pk": w["execution"]["A"].pk,
            "attachment_pk": w["execution"]["report"].attachments.get().pk,
        },
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
    "sessions:import_errors": "the errors of a file the user checked, by a token kept in their "
    "own session: tests/sessions_app/test_import_page.py shows another user gets 404",
    "reports:at_risk_notice": "a notice of one student at risk: the world has none at risk; "
    "tests/reports/test_at_risk_views.py shows another faculty's student answers 404",
    "reports:at_risk_group_notices": "as reports:at_risk_notice, for a group",
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


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = factories.exam_session(academic_year=factories.academic_year(2023), term=2)
    # A row of every faculty-scoped model in each faculty, each named after its faculty.
    a = factories.faculty_records("Faculty A", session)
    b = factories.faculty_records("Faculty B", session)
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
        "execution": _execution(session, a, b, users),
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


def _execution(session, a, b, users):
    """An adopted resolution whose first item names faculty A and the others faculty B, with a
    report of A's dean's office awaiting review, with its PDF."""
    resolution = new_resolution(session)
    plans = {
        item.pk: execution.Plan(
            DeadlineKind.YEAR_END, faculties=[a["faculty"] if item.order == 1 else b["faculty"]]
        )
        for item in resolution.items.all()
    }
    resolutions.adopt(resolution, users["vice_rector"], plans)
    item_a = resolution.assignments.get(item__order=1)
    part = item_a.responsibles.get()
    report = execution.submit_report(
        part,
        users["dean_a"],
        "Done",
        50,
        [SimpleUploadedFile("act.pdf", b"%PDF-1.4 act")],
    )
    return {
        "A": item_a,
        "B": resolution.assignments.get(item__order=2),
        "part": part,
        "report": report,
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


# What the pages show: a user with no role no figures, a dean's office none of another faculty's

B_NAMES = "Faculty B"  # every row of faculty B is named after it (factories.faculty_records)


def test_the_home_page_shows_a_user_with_no_role_no_figures_and_says_why(world):
    page = client_for(world["users"]["nobody"]).get(reverse("reports:home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Faculty A" not in html and B_NAMES not in html
    assert 'class="tile' not in html and not page.context.get("rows")
    assert "Your account has no role yet" in html


def test_the_home_page_shows_a_dean_s_office_its_faculty_s_counts_only(world):
    page = client_for(world["users"]["dean_a"]).get(reverse("reports:home"))
    html = page.content.decode()
    assert "Faculty A" in html and B_NAMES not in html
    assert [row.name for row in page.context["rows"]] == ["Faculty A"]
    assert page.context["total"]["student_count"] == len(world["A"]["students"])


def test_the_report_sections_show_a_dean_s_office_its_faculty_s_rows_only(world):
    page = client_for(world["users"]["dean_a"]).get(reverse("reports:sections"))
    html = page.content.decode()
    assert "Faculty A department" in html and B_NAMES not in html
    assert [row.scope for row in page.context["load"].rows] == ["Faculty A department"]
    assert [row.scope for row in page.context["attestation_faculties"]] == ["Faculty A"]
    assert [row.scope for row in page.context["staff"].rows] == ["Faculty A"]
    listed = sum(row.counts["listed"] for row in page.context["attestation_rows"])
    assert listed == world["A"]["attestation"].entries.count()


# The pages a dean's office reads (each with its own faculty's figures): none names faculty B.
DEAN_PAGES = [
    "reports:home",
    "reports:dashboard",
    "reports:sections",
    "reports:session_report",
    "sessions:session_list",
    "sessions:session_detail",
]


@pytest.mark.parametrize("name", DEAN_PAGES)
def test_no_page_a_dean_s_office_reads_names_another_faculty(world, name):
    route = ROUTES[name]
    page = client_for(world["users"]["dean_a"]).get(_url(name, route, world))
    assert page.status_code == 200
    assert B_NAMES not in page.content.decode()


# The admin, model by model

# Registered models that are not a faculty's, each with its reason. Any other registered model
# must lead to a faculty by its foreign keys and show a dean's office only its faculty's objects.
UNIVERSITY_WIDE = {
    "academics.academicyear": "the calendar, the same for every faculty",
    "academics.discipline": "one catalogue for the university: a discipline (a service "
    "department's mathematics) is taught to several faculties' groups and may have no "
    "department; its name is no figure",
    "sessions_app.examsession": "a session (its dates, its deadline) is the university's; its "
    "assessments, sheets, admissions and grades are scoped",
    "accreditation.agency": "outside agencies, no faculty",
    "accreditation.licenceapplication": "the academic department's record of the ministry's "
    "licences, read by every role as the report's section 6; an application for a program not "
    "yet in the registry has no faculty",
    "accreditation.accreditation": "outside agencies' public decisions, read by every role as "
    "the report's section 7 and the dashboard's expiry warnings; an institutional one has no "
    "faculty",
    "accreditation.seminar": "seminars for the whole university, no faculty",
    "surveys.survey": "anonymous answers about the whole university, no faculty",
    "surveys.question": "as surveys.survey",
    "surveys.response": "as surveys.survey",
    "surveys.surveylink": "as surveys.survey; the academic department's alone",
    "reports.resolution": "the academic council's resolution on the whole university; no dean's "
    "office holds its permissions",
    "reports.assignment": "the execution of the council's resolution, read only in the admin: "
    "the academic department and the vice-rector read all of it; a dean's office holds no "
    "permission there and reports on its items' pages (tests/reports/test_execution_views.py)",
    "reports.executionreport": "as reports.assignment",
    "jobs.job": "its owner's (Job.objects.for_user), not a faculty's; no role holds its "
    "permissions",
    "auth.user": "users and roles: administrators (superusers) only",
    "auth.group": "as auth.user",
    "axes.accessattempt": "sign-in attempts and lock-outs: superusers only",
    "axes.accessfailurelog": "as axes.accessattempt",
    "axes.accesslog": "as axes.accessattempt",
    "django_rq.dashboard": "the job queue: superusers only (jobs.admin)",
}

# Autocompletes of a scoped model that offer another faculty's rows, each with its reason.
CROSS_FACULTY_PICKERS = {
    "sessions_app.assessment.examiner": "an examiner may teach in another faculty's service "
    "department; the picker answers an id and a name, nothing else",
}


def faculty_lookup(model):
    """The shortest chain of foreign keys from `model` to Faculty ("group__program__faculty"),
    ties broken by the fields' order; "pk" for Faculty; None when none leads there. Found from
    the fields, not from the model's queryset, so that a model whose queryset forgets its faculty
    still has its objects told apart here."""
    if model is Faculty:
        return "pk"
    seen, queue = {model}, [(model, "")]
    while queue:
        current, path = queue.pop(0)
        for fk in current._meta.concrete_fields:
            if not fk.many_to_one:
                continue
            lookup = f"{path}__{fk.name}" if path else fk.name
            if fk.related_model is Faculty:
                return lookup
            if fk.related_model not in seen:
                seen.add(fk.related_model)
                queue.append((fk.related_model, lookup))
    return None


def _scoped_labels():
    labels = {model._meta.label_lower for model in admin.site._registry}
    return sorted(labels - set(UNIVERSITY_WIDE))


def _of_faculty(model, world, key):
    """The objects of `model` that belong to faculty `key`, by faculty_lookup."""
    lookup = {faculty_lookup(model): world[key]["faculty"].pk}
    return list(model._default_manager.filter(**lookup).order_by("pk"))


def test_every_registered_model_is_scoped_or_says_why_not():
    registered = {model._meta.label_lower: model for model in admin.site._registry}
    unscoped = [label for label in _scoped_labels() if faculty_lookup(registered[label]) is None]
    assert not unscoped, (
        f"no way to a faculty: scope them or add them to UNIVERSITY_WIDE: {unscoped}"
    )
    stale = sorted(set(UNIVERSITY_WIDE) - set(registered))
    assert not stale, f"not registered any more, drop them from UNIVERSITY_WIDE: {stale}"


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _exported_rows(client, model):
    """The rows of the admin's CSV export as `client` gets it; None when the model has no
    export; the status code when the export is refused."""
    try:
        url = _admin_url(model, "export")
    except NoReverseMatch:
        return None
    page = client.get(url)
    if page.status_code != 200:
        return page.status_code
    form = page.context["form"]
    data = {"resource": "0"}
    data["format"] = next(v for v, title in form.fields["format"].choices if title == "csv")
    data.update({n: "on" for n, f in form.fields.items() if isinstance(f, forms.BooleanField)})
    exported = client.post(url, data)
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    return rows[1:]


def _not_shown(response):
    """Django's admin sends an object outside the queryset to the admin index ("… doesn't
    exist"); a view may refuse first (403)."""
    if response.status_code == 302:
        return response["Location"] == reverse("admin:index")
    return response.status_code in (403, 404)


def _walk_objects(client, model, mine, theirs, may_read):
    """What is wrong with the change, history and delete pages of faculty A's and B's objects."""
    wrong = []
    for view in ("change", "history", "delete"):
        theirs_page = client.get(_admin_url(model, view, theirs[0].pk))
        if not _not_shown(theirs_page):
            wrong.append(f"{view} of B's: {theirs_page.status_code}")
        own = client.get(_admin_url(model, view, mine[0].pk)).status_code
        allowed = {200, 403} if view == "delete" else {200 if may_read else 403}
        if own not in allowed:
            wrong.append(f"{view} of A's own: {own}, expected one of {allowed}")
    return wrong


@pytest.mark.parametrize("label", _scoped_labels())
def test_the_admin_shows_a_dean_s_office_its_faculty_s_objects_only(world, label):
    model = apps.get_model(label)
    mine, theirs = _of_faculty(model, world, "A"), _of_faculty(model, world, "B")
    assert mine and theirs, f"the world has no {label} of faculty A or B: add them"
    dean = world["users"]["dean_a"]
    client = client_for(dean)
    may_read = any(
        dean.has_perm(f"{model._meta.app_label}.{verb}_{model._meta.model_name}")
        for verb in ("view", "change")
    )
    wrong = []
    listed = client.get(_admin_url(model, "changelist"))
    if may_read:
        shown = set(listed.context["cl"].queryset.values_list("pk", flat=True))
        if shown != {obj.pk for obj in mine}:
            wrong.append(f"changelist shows {sorted(shown)}, A's are {[o.pk for o in mine]}")
    elif listed.status_code != 403:
        wrong.append(f"changelist: {listed.status_code}, expected 403")
    exported = _exported_rows(client, model)
    if isinstance(exported, list) and len(exported) != len(mine):
        wrong.append(f"the export has {len(exported)} rows, A has {len(mine)}")
    wrong += _walk_objects(client, model, mine, theirs, may_read)
    assert not wrong, f"{label}: " + "; ".join(wrong)


@pytest.mark.parametrize("label", _scoped_labels())
def test_the_admin_shows_a_user_with_no_role_nothing(world, label):
    model = apps.get_model(label)
    client = client_for(world["users"]["nobody"])
    mine = _of_faculty(model, world, "A")
    assert client.get(_admin_url(model, "changelist")).status_code == 403
    for view in ("change", "history", "delete"):
        assert _not_shown(client.get(_admin_url(model, view, mine[0].pk))), view
    assert _exported_rows(client, model) in (None, 403)


def _pickers():
    """Every foreign key of the installed models to a scoped model the admin can search, as
    "app_label.model.field": the autocomplete accepts any of them as its source."""
    scoped = {
        model
        for model, model_admin in admin.site._registry.items()
        if model._meta.label_lower not in UNIVERSITY_WIDE and model_admin.search_fields
    }
    return sorted(
        f"{model._meta.label_lower}.{fk.name}"
        for model in apps.get_models()
        for fk in model._meta.concrete_fields
        if fk.many_to_one and fk.related_model in scoped
    )


@pytest.mark.parametrize("picker", _pickers())
def test_an_autocomplete_offers_a_dean_s_office_its_faculty_s_objects_only(world, picker):
    label, field_name = picker.rsplit(".", 1)
    app_label, model_name = label.split(".")
    target = apps.get_model(label)._meta.get_field(field_name).related_model
    mine = {str(obj.pk) for obj in _of_faculty(target, world, "A")}
    theirs = {str(obj.pk) for obj in _of_faculty(target, world, "B")}
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    dean = client_for(world["users"]["dean_a"])
    offered = {
        row["id"] for row in dean.get(reverse("admin:autocomplete"), query).json()["results"]
    }
    if picker in CROSS_FACULTY_PICKERS:
        assert mine | theirs <= offered
    else:
        assert offered == mine, f"{picker}: offered {sorted(offered)}, A's are {sorted(mine)}"
    nobody = client_for(world["users"]["nobody"])
    assert nobody.get(reverse("admin:autocomplete"), query).status_code == 403
