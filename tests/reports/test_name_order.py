"""The reports list students in Kyrgyz alphabetical order: the session report's owing students
(reports.achievement.owing_students, its group page), the dashboard's owing table (page and
.xlsx, and when sorted by the name column), the group summary (page, print, .xlsx). The world
and the expected order are tests.sessions_app.test_name_order's."""

import pytest
from django.urls import reverse

from reports.achievement import Stage, owing_students
from tests.sessions_app import test_name_order as sheet
from tests.sessions_app.test_name_order import client_for, expected_books, order_in, workbook_text

pytestmark = pytest.mark.django_db

names_world = sheet.names_world  # the fixture


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("stage", Stage.VALUES)
def test_owing_students_are_in_kyrgyz_order(names_world, stage):
    owing = owing_students(names_world["session"], stage, names_world["group"])
    assert [entry.student.record_book for entry in owing] == expected_books()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_session_reports_group_page_lists_the_owing_in_kyrgyz_order(names_world, language):
    w = names_world
    url = reverse("reports:session_report_group", args=[w["session"].pk, w["group"].pk])
    page = get(client_for(w["rector"], language), url).content.decode()
    assert order_in(page) == expected_books()


def test_the_dashboards_owing_table_is_in_kyrgyz_order(names_world):
    w = names_world
    client = client_for(w["rector"], "ky")
    url = reverse("reports:dashboard_group", args=[w["group"].pk])
    assert order_in(get(client, url).content.decode()) == expected_books()
    # Sorted by a click on the name column, both ways (the twins, equal, keep their order).
    assert order_in(get(client, url, {"s-sort": "student"}).content.decode()) == expected_books()
    backwards = order_in(get(client, url, {"s-sort": "-student"}).content.decode())
    assert [w["names"][book] for book in backwards] == [
        w["names"][book] for book in expected_books()[::-1]
    ]
    # Its .xlsx download keeps the page's order.
    workbook = get(client, url, {"_export": "xlsx", "_table": "owing"}).content
    assert order_in(workbook_text(workbook)) == expected_books()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_group_summary_lists_students_in_kyrgyz_order(names_world, language):
    w = names_world
    args = (w["session"].pk, w["group"].pk)
    client = client_for(w["dean"], language)
    for name in ("reports:group_summary", "reports:group_summary_print"):
        page = get(client, reverse(name, args=args)).content.decode()
        assert order_in(page) == expected_books(), name
    workbook = get(client, reverse("reports:group_summary_xlsx", args=args)).content
    assert order_in(workbook_text(workbook)) == expected_books()
