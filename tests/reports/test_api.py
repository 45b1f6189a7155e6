"""GET /api/reports/achievement/: the JSON of achievement(), its parameters checked, its scope."""

import pytest
from django.test import Client
from django.urls import reverse

from reports.achievement import COUNTS, By, Stage, achievement, total
from reports.api import achievement_payload
from tests import factories
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)
from tests.reports.test_session_report_views import (  # noqa: F401  (report_world: a fixture)
    client_for,
    report_world,
)

# The fixtures imported from the other test modules are used as parameters.
# ruff: noqa: F811

pytestmark = pytest.mark.django_db

URL = reverse("api:achievement")
KEYS = {
    "scope",
    "contingent",
    "admitted",
    "not_admitted_valid",
    "not_admitted_invalid",
    "excellent",
    "good",
    "mixed",
    "satisfactory",
    "passed",
    "not_passed",
    "owing_1",
    "owing_2",
    "owing_3_plus",
    "no_show",
    "absolute_pct",
    "quality_pct",
}
QUERY = {"year": "2023-2024", "term": "2", "stage": "after"}


def get(user, **params):
    return client_for(user, "en").get(URL, {**QUERY, **params})


def as_json(row):
    return {
        **{name: row.counts[name] for name in COUNTS},
        "absolute_pct": float(row.absolute_pct),
        "quality_pct": float(row.quality_pct),
    }


def test_the_shape_and_the_figures(report_world):
    response = get(report_world["rector"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert {k: data[k] for k in ("year", "term", "stage", "form", "by")} == {
        "year": "2023-2024",
        "term": 2,
        "stage": "after",
        "form": None,
        "by": "faculty",
    }
    rows = achievement(report_world["session"], Stage.AFTER, By.FACULTY)
    assert [r["scope"] for r in data["rows"]] == [row.scope for row in rows]
    for got, row in zip(data["rows"], rows, strict=True):
        assert KEYS <= set(got)
        assert {k: got[k] for k in as_json(row)} == as_json(row)
        assert got["key"] == row.key
    assert KEYS <= set(data["total"]) and data["total"]["scope"] == "total"
    assert {k: data["total"][k] for k in as_json(total(rows))} == as_json(total(rows))
    energy = next(r for r in data["rows"] if r["scope"] == "Энергетика")
    # The hand-computed case after АКЖ: 6 of the 10 passed, and the 2 of the empty group did not.
    assert (energy["contingent"], energy["passed"], energy["absolute_pct"]) == (12, 6, 50.0)


def test_the_payload_is_the_commands_too(report_world):
    session = report_world["session"]
    data = get(report_world["rector"], form="day", by="group").json()
    assert data == achievement_payload(session, Stage.AFTER, form="day", by=By.GROUP)
    assert [r["scope"] for r in data["rows"]] == ["АР-1-23", "ЭЭ-1-23", "ЭЭ-2-23"]


def test_by_university_gives_one_row(report_world):
    data = get(report_world["rector"], by="university", stage="before").json()
    assert len(data["rows"]) == 1
    (row,) = data["rows"]
    assert row["scope"] == "university"
    assert row["contingent"] == data["total"]["contingent"] == 15
    university = achievement(report_world["session"], Stage.BEFORE, By.UNIVERSITY)[0]
    assert {k: row[k] for k in as_json(university)} == as_json(university)


def test_a_form_narrows_the_rows(report_world):
    data = get(report_world["rector"], form="extramural").json()
    assert data["form"] == "extramural"
    assert [(r["scope"], r["contingent"]) for r in data["rows"]] == [("Экономика", 1)]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"stage": ""}, "stage"),
        ({"stage": "during"}, "stage"),
        ({"year": "2023"}, "year"),
        ({"year": ""}, "year"),
        ({"term": "3"}, "term"),
        ({"term": "two"}, "term"),
        ({"form": "night"}, "form"),
        ({"by": "department"}, "by"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(report_world, params, parameter):
    response = get(report_world["rector"], **params)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter and body["error"]


def test_an_unknown_session_is_a_404(report_world):
    response = get(report_world["rector"], year="2019-2020")
    assert response.status_code == 404
    assert "2019-2020" in response.json()["error"]
    assert get(report_world["rector"], term="1").status_code == 404


def test_anonymous_gets_401_json_and_no_role_403(report_world):
    response = Client().get(URL, QUERY)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
    assert get(report_world["nobody"]).status_code == 403


def test_only_get(report_world):
    client = client_for(report_world["rector"])
    client.enforce_csrf_checks = False
    assert client.post(URL, QUERY).status_code == 405


def test_a_dean_office_gets_only_its_faculty(report_world):
    data = get(report_world["dean"]).json()
    assert [r["scope"] for r in data["rows"]] == ["Энергетика"]
    assert {k: v for k, v in data["total"].items() if k != "scope"} == {
        k: v for k, v in data["rows"][0].items() if k not in ("scope", "key")
    }
    groups = get(report_world["dean"], by="group").json()
    assert [r["scope"] for r in groups["rows"]] == ["ЭЭ-1-23", "ЭЭ-2-23"]


def test_a_dean_office_without_a_faculty_gets_nothing(report_world):
    from academics import roles

    lost = factories.user(role=roles.DEAN_OFFICE)
    data = get(lost).json()
    assert data["rows"] == [] and data["total"]["contingent"] == 0
