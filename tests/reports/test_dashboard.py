"""The vice-rector's dashboard: its numbers are the reports' for the same filters, the stored
figures of a session follow every write, the queries do not grow with the faculties, and the
drill-down and exports hold what the reports say."""

import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localtime

from academics import roles
from academics.choices import Funding, StudyForm
from reports.achievement import By, Stage, achievement, owing_students, university
from reports.dashboard import board as dashboard
from reports.dashboard.models import SessionFigures
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)
from tests.reports.test_session_report_views import add_faculty_with_group, client_for

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


def sat_exam(session, group_name, grades, faculty=None, form=StudyForm.DAY):
    """A group of `faculty` (a new one when None) whose students sat one exam of `session`: one
    student per grade ("" for none). Returns (faculty, group)."""
    if faculty is None:
        return add_faculty_with_group(session, group_name, group_name, grades, form)
    group = factories.group(program=factories.program(faculty=faculty, form=form), name=group_name)
    students = [factories.student(group=group) for _ in grades]
    exam = factories.assessment(session=session, group=group)
    services.ensure_admissions(session, group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    values = {s.pk: g for s, g in zip(students, grades, strict=True) if g}
    services.record_grades(sheet, values, None, version=sheet.version)
    return faculty, group


@pytest.fixture
def history(world):  # noqa: F811
    """The hand-computed session of test_achievement (2023-2024, term 2), the same term a year
    earlier with one day faculty, and a day faculty in the current session too."""
    session = world["session"]
    earlier = factories.exam_session(academic_year=factories.academic_year(2022), term=2)
    architecture, _old = sat_exam(earlier, "Архитектура", ["5", "3", "2", ""])
    _same, group = sat_exam(session, "АР-1-23", ["5", "4"], faculty=architecture)
    return {**world, "earlier": earlier, "architecture": architecture, "arch_group": group}


def _by_scope(rows):
    return {row.key: row for row in rows}


def test_tiles_are_the_reports_figures_with_the_change_from_a_year_earlier(history):
    board = dashboard.build({})
    session, earlier = history["session"], history["earlier"]
    assert board.session == session and board.previous == earlier
    now = {stage: university(session, stage) for stage in Stage.VALUES}
    before = {stage: university(earlier, stage) for stage in Stage.VALUES}
    tiles = [(tile.value, tile.previous) for tile in board.tiles]
    assert tiles == [
        (now["before"].contingent, before["before"].contingent),
        (now["before"].pct("admitted"), before["before"].pct("admitted")),
        (now["before"].absolute_pct, before["before"].absolute_pct),
        (now["after"].absolute_pct, before["after"].absolute_pct),
        (now["before"].quality_pct, before["before"].quality_pct),
        (now["after"].quality_pct, before["after"].quality_pct),
    ]
    assert board.tiles[2].change == now["before"].absolute_pct - before["before"].absolute_pct


@pytest.mark.parametrize("form", ["", StudyForm.DAY, StudyForm.EXTRAMURAL])
def test_filters_by_form_and_faculty_give_the_reports_figures(history, form):
    session, energy = history["session"], history["group"].program.faculty
    params = {"year": "2023", "term": "2", "form": form, "faculty": str(energy.pk)}
    board = dashboard.build(params)
    for stage, tile in ((Stage.BEFORE, board.tiles[2]), (Stage.AFTER, board.tiles[3])):
        rows = achievement(session, stage, By.UNIVERSITY, form=form or None, faculty=energy)
        expected = rows[0].absolute_pct if rows else 0
        assert tile.value == expected
    assert [faculty for faculty, _now, _before in board.faculty_rows] == [energy]


def test_the_charts_carry_the_reports_figures(history):
    session = history["session"]
    board = dashboard.build({})
    charts = {chart.id: chart for chart in board.charts}
    by_faculty = {
        stage: _by_scope(achievement(session, stage, By.FACULTY)) for stage in Stage.VALUES
    }
    faculties = charts["faculties"]
    assert len(faculties.labels) == len(by_faculty["before"]) == 3
    for index, (faculty, _now, _before) in enumerate(board.faculty_rows):
        assert faculties.labels[index] == str(faculty)
        values = [series.values[index] for series in faculties.series]
        assert values == [
            by_faculty["before"][faculty.pk].absolute_pct,
            by_faculty["after"][faculty.pk].absolute_pct,
            by_faculty["before"][faculty.pk].quality_pct,
            by_faculty["after"][faculty.pk].quality_pct,
        ]
    forms = charts["forms"]
    day = achievement(session, Stage.AFTER, By.UNIVERSITY, form=StudyForm.DAY)[0]
    assert forms.series[1].values[0] == day.absolute_pct
    trend = charts["trend"]
    assert len(trend.labels) == 2
    assert trend.series[0].values == [
        university(history["earlier"], Stage.BEFORE).absolute_pct,
        university(session, Stage.BEFORE).absolute_pct,
    ]
    categories = charts["categories"]
    row = university(session, Stage.BEFORE)
    assert categories.series[0].values == [
        row.excellent,
        row.good,
        row.mixed,
        row.satisfactory,
        row.admitted - row.passed,
        row.contingent - row.admitted,
    ]
    assert sum(categories.series[0].values) == row.contingent


def test_load_chart_marks_over_and_under_performance(history):
    year = history["session"].academic_year
    department = history["group"].program.department or factories.department()
    factories.teaching_load(
        department=department, academic_year=year, term=1, planned_hours=100, performed_hours=120
    )
    other = factories.department()
    factories.teaching_load(
        department=other, academic_year=year, term=1, planned_hours=100, performed_hours=90
    )
    load = next(chart for chart in dashboard.build({}).charts if chart.id == "load")
    marks = dict(zip(load.labels, load.marks, strict=True))
    planned, performed = load.series
    assert sorted(marks.values()) == ["over", "under"]
    for label, mark in marks.items():
        index = load.labels.index(label)
        difference = performed.values[index] - planned.values[index]
        assert (mark == "over") == (difference > 0) and difference in (20, -10)


def test_stored_figures_follow_grade_admission_and_structure_changes(history):
    session = history["session"]
    dashboard.build({})
    assert SessionFigures.objects.filter(session=session).exists()

    # A grade saved on a sheet: the dashboard says what achievement() says now.
    student = history["students"]["H"]
    exam = session.assessments.filter(group=history["group"]).order_by("pk").first()
    sheet = services.open_sheet(exam, Attempt.RETAKE)
    services.record_grades(sheet, {student.pk: "5"}, None, version=sheet.version)
    after = dashboard.build({}).tiles[3]  # absolute achievement after АКЖ
    assert after.value == university(session, Stage.AFTER).absolute_pct

    # An admission changed: E, not admitted, is admitted after all.
    services.set_admissions(
        session,
        history["group"],
        Attempt.MAIN,
        {history["students"]["E"].pk: (True, "", "")},
        None,
    )
    assert dashboard.build({}).tiles[1].value == university(session, Stage.BEFORE).pct("admitted")

    # A student's funding changed in the admin: budget counts come from the stored figures.
    lone = history["students"]["B"]
    lone.funding = Funding.BUDGET
    lone.save()
    tables = dashboard.session_figures([type(session).objects.get(pk=session.pk)])[session.pk]
    assert dashboard.pick(tables, Stage.BEFORE).budget == university(session, Stage.BEFORE).budget


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_faculties(history):
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    client.get(URL)  # stores the sessions' figures
    few = _queries(client)
    for n in range(4):
        faculty, _group = sat_exam(history["session"], f"Факультет {n}", ["5", "2"])
        sat_exam(history["earlier"], f"Ф-{n}-22", ["4"], faculty=faculty)
    client.get(URL)  # the changed sessions are computed again once
    many = _queries(client)
    assert many == few
    board = dashboard.build({})
    assert len(board.faculty_rows) == 7


def test_the_page_shows_the_figures_in_kyrgyz_with_chart_data(history):
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    response = client.get(URL)
    text = response.content.decode()
    row = university(history["session"], Stage.AFTER)
    assert f"{row.absolute_pct}".replace(".", ",") in text
    with translation.override("ky"):
        assert f"<h1>{translation.gettext('Dashboard')}</h1>" in text
    start = text.index(">", text.index('id="dashboard-charts"')) + 1
    specs = json.loads(text[start : text.index("</script>", start)])
    ids = {spec["id"] for spec in specs}
    assert {"faculties", "forms", "trend", "categories", "staff"} <= ids
    for spec in specs:
        assert f'id="chart-{spec["id"]}"' in text
    faculties = next(spec for spec in specs if spec["id"] == "faculties")
    expected = achievement(history["session"], Stage.AFTER, By.FACULTY)
    assert sorted(faculties["series"][1]["values"]) == sorted(
        float(r.absolute_pct) for r in expected
    )


def test_a_dean_sees_only_their_faculty(history):
    energy = history["group"].program.faculty
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=energy)
    client = client_for(dean)
    architecture = history["architecture"]
    response = client.get(URL, {"faculty": architecture.pk})
    assert response.status_code == 200
    board = response.context["board"]
    assert [faculty for faculty, _n, _b in board.faculty_rows] == [energy]
    expected = achievement(history["session"], Stage.BEFORE, By.UNIVERSITY, faculty=energy)[0]
    assert board.tiles[0].value == expected.contingent
    url = reverse("reports:dashboard_faculty", args=[architecture.pk])
    assert client.get(url).status_code == 404
    group_url = reverse("reports:dashboard_group", args=[history["arch_group"].pk])
    assert client.get(group_url).status_code == 404


def test_unknown_filters_are_not_found(history):
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    for params in ({"year": "1999"}, {"term": "5"}, {"form": "night"}, {"faculty": "999999"}):
        assert client.get(URL, params).status_code == 404
    assert client_for(factories.user()).get(URL).status_code == 403


def test_drill_down_from_faculty_to_groups_to_students_who_owe(history):
    session, group = history["session"], history["group"]
    energy = group.program.faculty
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    response = client.get(
        reverse("reports:dashboard_faculty", args=[energy.pk]), {"stage": "after"}
    )
    assert response.status_code == 200
    groups = {row["name"]: row for row in response.context["group_table"].data.data}
    expected = _by_scope(achievement(session, Stage.AFTER, By.GROUP, faculty=energy))
    assert set(groups) == {row.scope for row in expected.values()}
    row = expected[group.pk]
    assert groups["ЭЭ-1-23"]["absolute_pct"] == row.absolute_pct
    assert groups["ЭЭ-1-23"]["owing"] == row.admitted - row.passed

    response = client.get(groups["ЭЭ-1-23"]["url"])
    assert response.status_code == 200
    shown = response.context["table"].data.data
    owing = owing_students(session, Stage.AFTER, group)
    assert [r["student"] for r in shown] == [o.student.full_name for o in owing]
    assert [r["owed_count"] for r in shown] == [len(o.owed) for o in owing]


def test_tables_sort_and_export_to_excel(history):
    energy = history["group"].program.faculty
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    url = reverse("reports:dashboard_faculty", args=[energy.pk])
    response = client.get(url, {"g-sort": "-absolute_pct"})
    rows = [r["absolute_pct"] for r in response.context["group_table"].paginated_rows.data]
    assert rows == sorted(rows, reverse=True)

    response = client.get(url, {"_export": "xlsx", "_table": "groups", "g-sort": "name"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    with translation.override("ky"):
        assert values[0][:2] == (translation.gettext("Group"), translation.gettext("Program"))
    names = [row[0] for row in values[1:]]
    assert names == sorted(names)
    absolute = [row[7] for row in values[1:]]
    assert all(isinstance(value, int | float) for value in absolute)


def test_exported_text_is_never_a_formula(history):
    group = history["group"]
    group.name = '=HYPERLINK("http://x")'
    group.save()
    energy = group.program.faculty
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    response = client.get(
        reverse("reports:dashboard_faculty", args=[energy.pk]),
        {"_export": "xlsx", "_table": "groups"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in list(sheet.values)[1:]]
    assert '\'=HYPERLINK("http://x")' in names


def test_expiring_accreditations_and_survey_shares_are_on_the_dashboard(history):
    from datetime import date, timedelta

    from accreditation.models import Accreditation, Agency
    from surveys import results
    from surveys.choices import QuestionKind
    from tests.surveys.test_results import make_survey

    agency = Agency.objects.create(name="Independent agency", short_name="НИРАС")
    soon = date.today() - timedelta(days=5 * 365 - 60)  # expires in about two months
    due_soon = Accreditation.objects.create(
        program=history["group"].program, agency=agency, decision_date=soon, term_years=5
    )
    Accreditation.objects.create(
        program=history["arch_group"].program,
        agency=agency,
        decision_date=date.today(),
        term_years=5,
    )
    survey = make_survey(
        "Студенттердин көзү менен",
        [("Сессия кандай өттү?", QuestionKind.SINGLE, {"эң жакшы": 3, "жакшы": 1})],
        academic_year=history["session"].academic_year,
        term=2,
    )
    client = client_for(factories.user(role=roles.VICE_RECTOR))
    response = client.get(URL)
    board = response.context["board"]
    assert [item.object for item in board.expiring] == [due_soon]
    assert board.expiring[0].level == "3"
    chart = next(c for c in board.charts if c.id == "survey-0-0")
    expected = results.survey_results(survey)["questions"][0]["answers"]
    assert chart.labels == [a["option"] for a in expected] == ["эң жакшы", "жакшы"]
    assert chart.series[0].values == [a["pct"] for a in expected]
    assert 'id="chart-survey-0-0"' in response.content.decode()
    page = response.content.decode()
    assert re.search(r'<tr [^>]*class="[^"]*due-3', page) and board.expiring[0].label in page

    exported = client.get(URL, {"_export": "xlsx", "_table": "expiring"})
    rows = list(openpyxl.load_workbook(io.BytesIO(exported.content)).active.values)
    assert [(row[0], row[3].date()) for row in rows[1:]] == [
        (board.expiring[0].label, board.expiring[0].expiry)
    ]


def test_the_dashboard_is_the_vice_rectors_home_page(history):
    rector = client_for(factories.user(role=roles.VICE_RECTOR))
    assert rector.get("/").url == URL
    dean = client_for(factories.user(role=roles.DEAN_OFFICE, faculty=history["architecture"]))
    assert dean.get("/").status_code == 200


def test_a_dean_s_office_with_no_faculty_set_sees_no_figures(history):
    response = client_for(factories.user(role=roles.DEAN_OFFICE)).get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.session is None and board.tiles == [] and board.faculty_rows == []
    assert board.charts == [] and board.load_rows == []


def test_within_the_freshness_window_the_figures_shown_are_those_stored(history, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    session = history["session"]
    first = dashboard.build({})
    shown = first.tiles[3].value
    student = history["students"]["H"]
    exam = session.assessments.filter(group=history["group"]).order_by("pk").first()
    sheet = services.open_sheet(exam, Attempt.RETAKE)
    services.record_grades(sheet, {student.pk: "5"}, None, version=sheet.version)
    now = university(session, Stage.AFTER).absolute_pct
    assert now != shown
    within = dashboard.build({})
    assert within.tiles[3].value == shown and within.as_of == first.as_of
    rector = client_for(factories.user(role=roles.VICE_RECTOR))
    with CaptureQueriesContext(connection) as built:
        page = rector.get(URL).content.decode()
    assert localtime(first.as_of).strftime("%H:%M:%S") in page
    # The content is cached for the window: the same page, without building the dashboard again.
    with CaptureQueriesContext(connection) as queries:
        again = rector.get(URL).content.decode()
    main = slice(page.index("<main"), page.index("</main>"))
    assert again[again.index("<main") : again.index("</main>")] == page[main]
    assert len(queries) <= len(built) // 2  # the session, the user and its rights only

    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    latest = dashboard.build({})
    assert latest.tiles[3].value == now and latest.as_of > first.as_of
