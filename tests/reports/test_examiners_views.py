"""The examiners page: the vice-rector and the academic department see it, a dean's office gets
403; it lists every pair tested, flagged first, explains itself, draws the chosen pair's grades
with their table, shows the survey's share of "yes" to the unfair-assessment question, and
reads a bounded number of queries."""

import json

import pytest
from django.urls import reverse

from academics import roles
from reports.examiners.method import MINIMUM_RESIDUALS, analyse
from surveys.models import Answer, Option, Question, Response, Survey
from tests import factories
from tests.reports.test_examiners_method import EXAMINERS, PLANTED, planted_session

pytestmark = pytest.mark.django_db

URL = reverse("reports:examiners")


@pytest.fixture
def planted():
    return planted_session(PLANTED)


def _client(client, role, **kw):
    client.force_login(factories.user(role=role, **kw))
    client.cookies["portal_language"] = "en"  # the assertions read the English wording
    return client


@pytest.mark.parametrize("role", [roles.VICE_RECTOR, roles.ACADEMIC_DEPARTMENT])
def test_the_vice_rector_and_the_academic_department_see_the_page(client, planted, role):
    response = _client(client, role).get(URL)
    assert response.status_code == 200
    assert len(response.context["rows"]) == EXAMINERS


@pytest.mark.parametrize("role", [roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD])
def test_a_deans_office_is_refused(client, planted, role):
    response = _client(client, role, faculty=factories.faculty()).get(URL)
    assert response.status_code == 403


def test_the_flagged_pairs_come_first_and_the_first_is_drawn(client, planted):
    session, examiners = planted
    response = _client(client, roles.VICE_RECTOR).get(URL, {"session": session.pk})
    rows = response.context["rows"]
    assert [row["flagged"] for row in rows[:4]] == [True] * 4
    assert not any(row["flagged"] for row in rows[4:])
    chosen = response.context["chosen"]
    assert chosen.key == rows[0]["key"]
    html = response.content.decode()
    # The chart's numbers travel as data, not as a script; its table is on the page.
    specs = json.loads(
        html.split('id="dashboard-charts" type="application/json">')[1].split("</script>")[0]
    )
    given, others = specs[0]["series"]
    assert sum(given["values"]) == pytest.approx(100, abs=0.5)
    counts = response.context["count_rows"]
    assert sum(given for _mark, given, *_rest in counts) == chosen.students


def test_the_page_says_a_flag_is_a_reason_to_look_and_how_it_is_computed(client, planted):
    response = _client(client, roles.VICE_RECTOR).get(URL)
    html = response.content.decode()
    assert "A flag is a reason to look, not a finding" in html
    assert "Bonferroni" in html
    assert f"at least {MINIMUM_RESIDUALS} students" in html


def test_a_pair_can_be_chosen_and_an_unknown_one_draws_nothing(client, planted):
    session, _examiners = planted
    fair = analyse(session).results[-1]
    c = _client(client, roles.VICE_RECTOR)
    response = c.get(URL, {"session": session.pk, "pair": fair.key})
    assert response.context["chosen"].key == fair.key
    response = c.get(URL, {"session": session.pk, "pair": "0-0"})
    assert response.context["chosen"] is None
    assert c.get(URL, {"session": 999999}).status_code == 404


def test_the_survey_share_of_yes_to_the_unfair_assessment_question(client, planted):
    session, _examiners = planted
    survey = Survey.objects.create(
        title="Экзамендик сессия студенттердин көз карашы менен",
        academic_year=session.academic_year,
        term=session.term,
    )
    question = Question.objects.create(
        survey=survey,
        order=1,
        kind="single",
        text="Сиздин билимиңизди баалоодо акыйкатсыздыкка, адилетсиздикке жол берилдиби?",
    )
    yes = Option.objects.create(question=question, order=1, text="ооба")
    no = Option.objects.create(question=question, order=2, text="жок")
    for n, option in enumerate([yes, no, no, no]):
        response = Response.objects.create(
            survey=survey, submitted_at=f"2024-07-01T09:0{n}Z", source="import"
        )
        Answer.objects.create(response=response, question=question, option=option)
    response = _client(client, roles.VICE_RECTOR).get(URL, {"session": session.pk})
    [share] = response.context["surveys"]
    assert (share["yes"], share["answered"], float(share["pct"])) == (1, 4, 25.0)
    assert "the share is the university" in response.content.decode()


def test_the_excel_file_lists_every_pair(client, planted):
    response = _client(client, roles.VICE_RECTOR).get(
        URL, {"_export": "xlsx", "_table": "examiners"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_reads_a_bounded_number_of_queries(client, planted, django_assert_max_num_queries):
    c = _client(client, roles.VICE_RECTOR)
    c.get(URL)  # the session, the user: warm
    with django_assert_max_num_queries(14):
        c.get(URL)


def test_the_dashboard_links_the_page_for_those_who_may_see_it(client, planted):
    response = _client(client, roles.VICE_RECTOR).get(reverse("reports:dashboard"))
    assert URL in response.content.decode()
    dean = _client(client, roles.DEAN_OFFICE, faculty=factories.faculty())
    assert URL not in dean.get(reverse("reports:dashboard")).content.decode()
