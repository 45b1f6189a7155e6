"""The session report page and its drill-down: the numbers are achievement()'s, the best faculty
is marked, a dean's office sees only its faculty, and the query count does not grow."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation

from academics import roles
from academics.choices import StudyForm
from academics.models import Faculty
from reports import exports
from reports.achievement import By, Stage, achievement, total
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

URL = reverse("reports:session_report")


def client_for(user, language="ky"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def add_faculty_with_group(session, name, group_name, grades, form=StudyForm.DAY):
    """A faculty with one group whose students sat one exam: one student per grade."""
    faculty = factories.faculty(name=name)
    group = factories.group(program=factories.program(faculty=faculty, form=form), name=group_name)
    students = [factories.student(group=group) for _ in grades]
    exam = factories.assessment(
        session=session, group=group, discipline=factories.discipline(name=f"{name} exam")
    )
    services.ensure_admissions(session, group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    values = {s.pk: g for s, g in zip(students, grades, strict=True) if g}
    services.record_grades(sheet, values, None, version=sheet.version)
    return faculty, group


@pytest.fixture
def report_world(world):  # noqa: F811
    """The hand-computed world of test_achievement, plus a day faculty whose two students got 5
    (the best day faculty), and a user of each kind."""
    session = world["session"]
    best_faculty, best_group = add_faculty_with_group(session, "Архитектура", "АР-1-23", ["5", "5"])
    energy = world["group"].program.faculty
    return {
        **world,
        "energy": energy,
        "economy": Faculty.objects.get(name="Экономика"),
        "best_faculty": best_faculty,
        "best_group": best_group,
        "rector": factories.user(role=roles.VICE_RECTOR),
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=energy),
        "nobody": factories.user(),
    }


class TableParser(HTMLParser):
    """The report tables of a page: {section id: [[cell text, ...] per body/foot row]}."""

    def __init__(self):
        super().__init__()
        self.tables, self._section, self._row, self._cell, self._in_head = {}, None, None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and attrs.get("id", "").startswith("table-"):
            self._section = attrs["id"]
            self.tables[self._section] = []
        elif tag == "thead":
            self._in_head = 1
        elif tag == "tr" and self._section and not self._in_head:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "span" and self._cell is not None and "share" in attrs.get("class", ""):
            self._cell.append("|")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = 0
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._section].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse_tables(response):
    parser = TableParser()
    parser.feed(response.content.decode())
    return parser.tables


def expected_cells(row):
    """The cells of a row as the page must print them, in Kyrgyz number format."""
    cells = []
    for column in exports.COLUMNS:
        value = column.value(row)
        if column.rate:
            cells.append(formats.number_format(value, 2))
            continue
        text = formats.number_format(value, 0, use_l10n=True, force_grouping=True)
        if column.share:
            text += "|" + formats.number_format(column.share_of(row), 2) + "\xa0%"
        cells.append(text)
    return cells


@pytest.mark.parametrize("stage_param", ["", Stage.BEFORE, Stage.AFTER])
def test_the_page_prints_achievements_figures(report_world, stage_param):
    session = report_world["session"]
    response = client_for(report_world["rector"]).get(
        URL, {"session": session.pk, "stage": stage_param}
    )
    assert response.status_code == 200
    tables = parse_tables(response)
    stages = [stage_param] if stage_param else list(Stage.VALUES)
    assert list(tables) == [f"table-{f}-{s}" for f in StudyForm.values for s in stages]
    with translation.override("ky"):
        for form in StudyForm.values:
            for stage in stages:
                rows = achievement(session, stage, By.FACULTY, form=form)
                printed = tables[f"table-{form}-{stage}"]
                want = [[row.scope, *expected_cells(row)] for row in rows]
                want.append(["(total)", *expected_cells(total(rows))])
                got = [[cell.replace("★", "").strip(), *rest] for cell, *rest in printed]
                # The label of the total row is translated; compare the figures.
                assert [line[1:] for line in got] == [line[1:] for line in want]
                assert [line[0] for line in got[:-1]] == [row.scope for row in rows]


def test_the_day_figures_by_hand(report_world):
    """One faculty's line checked against the hand-computed case, not only against achievement()."""
    response = client_for(report_world["rector"], "en").get(
        URL, {"session": report_world["session"].pk, "stage": "before"}
    )
    energy = next(
        row for row in parse_tables(response)["table-day-before"] if row[0] == "Энергетика"
    )
    # 12 students: the 10 of the hand-computed group and 2 not admitted in the empty group.
    assert energy[1] == "12"  # contingent
    assert energy[4] == "8|66.67\xa0%"  # admitted
    assert energy[-2:] == ["33.33", "16.67"]  # 4 / 12 passed; 2 / 12 excellent or good


def test_the_best_faculty_is_marked_and_named(report_world):
    response = client_for(report_world["rector"]).get(URL)
    html = response.content.decode()
    assert 'class="best"' in html
    assert 'role="img" aria-label="' in html
    tables = response.context["tables"]
    day_before = next(t for t in tables if (t.form, t.stage) == ("day", "before"))
    assert day_before.best.scope == "Архитектура"
    assert [line.row.scope for line in day_before.lines if line.best] == ["Архитектура"]
    best_row = parse_tables(response)["table-day-before"][0]
    assert best_row[0].startswith("Архитектура") and "★" in best_row[0]
    with translation.override("ky"):
        sentence = exports.best_sentence(day_before.best)
    assert "100,00" in sentence and "Архитектура" in sentence
    assert sentence in html
    # A table of one faculty names no best.
    extramural = next(t for t in tables if (t.form, t.stage) == ("extramural", "before"))
    assert extramural.best is None and extramural.sentence == ""


def test_default_is_the_newest_session_with_data(report_world):
    newer = factories.exam_session(academic_year=factories.academic_year(2024), term=1)
    response = client_for(report_world["rector"]).get(URL)
    assert response.context["session"] == report_world["session"]
    assert [s.pk for s in response.context["sessions"]] == [newer.pk, report_world["session"].pk]
    chosen = client_for(report_world["rector"]).get(URL, {"session": newer.pk})
    assert chosen.context["session"] == newer
    assert all(not table.lines for table in chosen.context["tables"])


@pytest.mark.parametrize("query", [{"session": "999999"}, {"session": "x"}, {"stage": "during"}])
def test_a_query_naming_nothing_is_404(report_world, query):
    assert client_for(report_world["rector"]).get(URL, query).status_code == 404


def test_drill_down_from_faculty_to_groups_to_students(report_world):
    session, energy = report_world["session"], report_world["energy"]
    client = client_for(report_world["rector"], "en")
    page = client.get(URL, {"session": session.pk})
    faculty_url = reverse("reports:session_report_faculty", args=[session.pk, energy.pk])
    assert f"{faculty_url}?stage=after&amp;form=day" in page.content.decode()

    response = client.get(faculty_url, {"stage": "after", "form": "day"})
    assert response.status_code == 200
    tables = parse_tables(response)
    groups = achievement(session, Stage.AFTER, By.GROUP, form="day", faculty=energy)
    printed = tables["table-day-after"]
    assert (
        [row[0] for row in printed[:-1]]
        == [row.scope for row in groups]
        == [
            "ЭЭ-1-23",
            "ЭЭ-2-23",
        ]
    )
    with translation.override("en"):
        assert printed[-1][1:] == expected_cells(total(groups))
    group_url = reverse("reports:session_report_group", args=[session.pk, report_world["group"].pk])
    assert f"{group_url}?stage=after" in response.content.decode()

    response = client.get(group_url, {"stage": "after"})
    assert response.status_code == 200
    owing = response.context["owing"]
    st = report_world["students"]
    assert {line.student.pk for line in owing} == {st[n].pk for n in "EHIJ"}
    html = response.content.decode()
    by_student = {line.student.pk: line for line in owing}
    assert by_student[st["J"].pk].items[0].grade == "no grade"
    assert by_student[st["H"].pk].items[0].grade == "2 (unsatisfactory)"
    assert by_student[st["I"].pk].items[0].grade == "fail"
    assert not by_student[st["E"].pk].admitted
    assert "not admitted (invalid reason)" in html
    assert by_student[st["H"].pk].items[0].discipline in html
    # Before АКЖ the same group owes more.
    before = client.get(group_url, {"stage": "before"}).context["owing"]
    assert {line.student.pk for line in before} == {st[n].pk for n in "EFGHIJ"}


def test_a_faculty_without_a_form_shows_only_its_forms(report_world):
    session, energy = report_world["session"], report_world["energy"]
    url = reverse("reports:session_report_faculty", args=[session.pk, energy.pk])
    response = client_for(report_world["rector"]).get(url)
    assert [(t.form, t.stage) for t in response.context["tables"]] == [("day", "before")]
    assert client_for(report_world["rector"]).get(url, {"form": "night"}).status_code == 404


def test_a_dean_office_sees_only_its_faculty(report_world):
    session, energy = report_world["session"], report_world["energy"]
    client = client_for(report_world["dean"])
    response = client.get(URL, {"session": session.pk})
    tables = parse_tables(response)
    assert [row[0] for row in tables["table-day-before"]][:-1] == ["Энергетика"]
    assert tables["table-extramural-before"] == []  # no extramural group in Энергетика
    with translation.override("ky"):
        faculty_rows = achievement(session, Stage.BEFORE, By.FACULTY, faculty=energy, form="day")
        assert tables["table-day-before"][-1][1:] == expected_cells(total(faculty_rows))
    assert "Архитектура" not in response.content.decode()

    other = report_world["economy"]
    assert (
        client.get(
            reverse("reports:session_report_faculty", args=[session.pk, other.pk])
        ).status_code
        == 404
    )
    other_group = other.programs.get().groups.get()
    url = reverse("reports:session_report_group", args=[session.pk, other_group.pk])
    assert client.get(url).status_code == 404
    own = reverse("reports:session_report_group", args=[session.pk, report_world["group"].pk])
    assert client.get(own).status_code == 200


def test_who_may_see_it(report_world):
    assert client_for(report_world["nobody"]).get(URL).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    admin = factories.user(is_superuser=True, is_staff=True)
    assert client_for(admin).get(URL).status_code == 200


def _count_queries(client, *args):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(*args).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_faculties_and_groups(
    report_world, django_assert_max_num_queries
):
    session = report_world["session"]
    client = client_for(report_world["rector"])
    client.get(URL)  # the session and the user's roles are cached from now on
    faculty_url = reverse(
        "reports:session_report_faculty", args=[session.pk, report_world["energy"].pk]
    )
    group_url = reverse("reports:session_report_group", args=[session.pk, report_world["group"].pk])
    before = [_count_queries(client, URL), _count_queries(client, faculty_url)]
    before.append(_count_queries(client, group_url))
    for n in range(4):
        add_faculty_with_group(session, f"Факультет {n}", f"Ф-{n}", ["4", "3", "2"])
        add_faculty_with_group(
            session, f"Сырттан {n}", f"С-{n}", ["5", ""], form=StudyForm.EXTRAMURAL
        )
    for n in range(5):  # more groups in the drilled-down faculty
        group = factories.group(program=report_world["group"].program, name=f"ЭЭ-{n + 3}-23")
        factories.student(group=group)
        services.ensure_admissions(session, group)
    after = [_count_queries(client, URL), _count_queries(client, faculty_url)]
    after.append(_count_queries(client, group_url))
    assert after == before
    with django_assert_max_num_queries(10):
        client.get(URL)


def test_no_session_yet():
    rector = factories.user(role=roles.VICE_RECTOR)
    response = client_for(rector, "en").get(URL)
    assert response.status_code == 200
    assert response.context["session"] is None
    assert "No exam session has been entered yet." in response.content.decode()
    assert client_for(rector).get(reverse("reports:session_report_xlsx")).status_code == 404


def test_the_nav_links_the_report(report_world):
    # The vice-rector's home page is the dashboard.
    home = client_for(report_world["rector"], "en").get(reverse("reports:home"), follow=True)
    assert f'<a href="{URL}">Reports</a>' in home.content.decode()
    page = client_for(report_world["rector"], "en").get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">Reports</a>' in page
