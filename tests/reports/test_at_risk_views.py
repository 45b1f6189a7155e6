"""The students at risk's page: reached from the dashboard and the session report, its filters,
its scope (a dean's office sees its faculty, another's answers 404), its Excel file read back, and
its queries, which do not grow with the students."""

import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from academics import roles
from tests import factories
from tests.reports.test_at_risk import World

pytestmark = pytest.mark.django_db

URL = reverse("reports:at_risk")


@pytest.fixture
def w():
    """Two faculties: in Энергетика one student owes 3 (high), one owes 1 (medium), one passed;
    in Экономика one owes 2 (medium)."""
    world = World()
    world.high = world.student("Өмүрбекова Айгерим")
    world.medium = world.student("Асанов Бакыт")
    world.passed = world.student("Жумабеков Нурсултан")
    world.grades(world.session, world.high, ("2", "absent", "2", "5", "pass"))
    world.grades(world.session, world.medium, ("2", "5", "5", "5", "pass"))
    world.grades(world.session, world.passed, ("5", "5", "5", "5", "pass"))
    world.other_faculty = factories.faculty(name="Экономика", code="ebf")
    world.other_group = factories.group(
        program=factories.program(faculty=world.other_faculty), name="Эк-1-23"
    )
    world.other = world.student("Бекова Чолпон", world.other_group)
    world.grades(world.session, world.other, ("2", "2", "5", "5", "pass"), group=world.other_group)
    world.rector = factories.user(role=roles.VICE_RECTOR)
    return world


def _names(response):
    return [row["student"] for row in response.context["table"].data]


def test_the_vice_rector_sees_every_faculty_in_the_definitions_order(client, w):
    client.force_login(w.rector)
    response = client.get(URL, {"session": w.session.pk})
    assert response.status_code == 200
    assert _names(response) == ["Өмүрбекова Айгерим", "Бекова Чолпон", "Асанов Бакыт"]
    counts = {level: count for level, _label, count in response.context["counts"]}
    assert counts == {"high": 1, "medium": 2, "low": 0}
    page = response.content.decode()
    assert "Бекова Чолпон" in page
    faculty = client.get(URL, {"session": w.session.pk, "faculty": w.other_faculty.pk})
    assert _names(faculty) == ["Бекова Чолпон"]


def test_the_filters_keep_the_level_the_reason_and_the_group(client, w):
    client.force_login(w.rector)
    base = {"session": w.session.pk}
    assert _names(client.get(URL, {**base, "level": "high"})) == ["Өмүрбекова Айгерим"]
    assert _names(client.get(URL, {**base, "reason": "owes"})) == [
        "Бекова Чолпон",
        "Асанов Бакыт",
    ]
    group = client.get(URL, {**base, "group": w.other_group.pk})
    assert _names(group) == ["Бекова Чолпон"]
    # The group's notices are offered for the chosen group.
    assert any(
        f"/group/{w.other_group.pk}/notices.docx" in url
        for url, *_ in group.context["group_notices"]
    )
    before = client.get(URL, {**base, "stage": "before"})
    assert before.context["chosen"].stage == "before"
    for bad in ({"stage": "later"}, {"level": "urgent"}, {"reason": "x"}, {"session": 999999}):
        assert client.get(URL, {**base, **bad}).status_code == 404


def test_a_deans_office_sees_its_faculty_and_another_answers_404(client, w):
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=w.other_faculty)
    client.force_login(dean)
    response = client.get(URL, {"session": w.session.pk})
    assert _names(response) == ["Бекова Чолпон"]
    assert client.get(URL, {"faculty": w.faculty.pk}).status_code == 404
    assert client.get(URL, {"group": w.group.pk}).status_code == 404
    notice = reverse("reports:at_risk_notice", args=[w.session.pk, w.high.pk, "docx"])
    assert client.get(notice).status_code == 404
    group = reverse("reports:at_risk_group_notices", args=[w.session.pk, w.group.pk, "docx"])
    assert client.get(group).status_code == 404
    own = reverse("reports:at_risk_notice", args=[w.session.pk, w.other.pk, "docx"])
    assert client.get(own).status_code == 200


def test_a_user_with_no_role_is_refused(client, w):
    client.force_login(factories.user())
    assert client.get(URL).status_code == 403


def test_the_excel_file_has_every_student_with_every_reason_in_words(client, w):
    client.force_login(w.rector)
    response = client.get(
        URL, {"session": w.session.pk, "_export": "xlsx", "_table": "at-risk", "language": "ky"}
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 3
    head = values[0]
    assert len(head) == 6  # the notice links are not exported
    by_name = {row[0]: row for row in values[1:]}
    assert [row[0] for row in values[1:]] == ["Өмүрбекова Айгерим", "Бекова Чолпон", "Асанов Бакыт"]
    high = by_name["Өмүрбекова Айгерим"]
    assert high[2] == w.high.record_book
    assert high[3] == w.group.name and high[4] == "Энергетика"
    discipline = w.assessments(w.session)[0].discipline.name
    assert discipline in high[5]
    assert high[5].count("\n") == 0  # one reason: owes 3 (its assessments in one line)
    other = by_name["Бекова Чолпон"][5]
    for assessment in w.assessments(w.session, w.other_group)[:2]:
        assert assessment.discipline.name in other


def test_the_dashboard_counts_the_students_at_risk_and_links_the_list(client, w):
    client.force_login(w.rector)
    page = client.get(reverse("reports:dashboard"), {"year": 2023, "term": 2}).content.decode()
    link = re.escape(f"{URL}?session={w.session.pk}")
    for level, count in (("high", 1), ("medium", 2), ("low", 0)):
        assert re.search(f'href="{link}&amp;level={level}">[^<]*: {count}</a>', page), level
    assert f'href="{URL}?session={w.session.pk}"' in page


def test_the_session_report_links_the_list(client, w):
    client.force_login(w.rector)
    page = client.get(reverse("reports:session_report"), {"session": w.session.pk}).content
    assert f"{URL}?session={w.session.pk}".encode() in page


def _page_queries(client, world, students):
    for index in range(students):
        student = world.student(f"Студент {index}")
        world.grades(world.previous, student, ("5", "5", "2", "5", "pass"))
        world.grades(world.session, student, ("2", "3", "3", "2", "pass"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"session": world.session.pk, "faculty": world.faculty.pk})
    assert len(response.context["table"].data) == students
    return len(queries)


def test_the_pages_queries_do_not_grow_with_the_students(client):
    client.force_login(factories.user(role=roles.VICE_RECTOR))
    few = _page_queries(client, World("Биринчи"), 2)
    many = _page_queries(client, World("Экинчи"), 12)
    assert few == many
