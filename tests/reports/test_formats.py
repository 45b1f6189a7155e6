"""The report pages, exports and the resolution write numbers and dates one way per language
(portal.numbers, portal.dates): 11 977 and 52,3 in Kyrgyz and Russian, 11,977 and 52.3 in
English; an exported figure stays a number; the council's date is the long form."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from academics import roles
from reports.dashboard import board as dashboard
from reports.resolutions import services as service
from tests import factories
from tests.reports.test_dashboard import sat_exam
from tests.reports.test_resolution import build_world, new_resolution, text_of
from tests.reports.test_session_report_views import client_for

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")
GROUPED = {"ky": "11\xa0977", "ru": "11\xa0977", "en": "11,977"}
CHANGE = {"ky": "1\xa0477", "ru": "1\xa0477", "en": "1,477"}


@pytest.fixture
def board_with_load():
    """A session with figures, and a department that performed 11 977 of 12 000 hours."""
    session = factories.exam_session()
    sat_exam(session, "ЭЭ-1-23", ["5", "4", "3"])
    factories.teaching_load(
        academic_year=session.academic_year, planned_hours=12000, performed_hours=11977
    )
    return factories.user("prorektor", role=roles.VICE_RECTOR)


def _charts(text, element_id):
    start = text.index(">", text.index(f'id="{element_id}"')) + 1
    return json.loads(text[start : text.index("</script>", start)])


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_dashboard_groups_thousands_in_tables_tiles_and_charts(
    board_with_load, monkeypatch, language
):
    # A university's contingent on the first tile, and its figure a year earlier.
    tiles = dashboard._tiles

    def big_tiles(current, previous):
        return [dashboard.Tile("Contingent", 11977, "", 10500), *tiles(current, previous)[1:]]

    monkeypatch.setattr(dashboard, "_tiles", big_tiles)
    text = client_for(board_with_load, language).get(URL).content.decode()
    grouped = GROUPED[language]
    assert f'<p class="tile-value">{grouped}' in text
    # Nowhere on the page, the charts' data tables included, is the figure left ungrouped.
    assert ">11977<" not in text and "11977 " not in text
    assert CHANGE[language] in text  # the change from a year earlier
    # The load table under the chart.
    assert f">{grouped}<" in text
    # The charts get the numbers as numbers, and the language's separators to write them.
    load = next(spec for spec in _charts(text, "dashboard-charts") if spec["id"] == "load")
    assert 11977 in load["series"][1]["values"]
    separators = _charts(text, "dashboard-number-format")
    assert separators == (
        {"decimal": ".", "group": ",", "grouping": 3}
        if language == "en"
        else {"decimal": ",", "group": "\xa0", "grouping": 3}
    )


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_an_exported_figure_stays_a_number(board_with_load, language):
    response = client_for(board_with_load, language).get(URL, {"_export": "xlsx", "_table": "load"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    planned, performed = rows[1][3], rows[1][4]
    assert (planned, performed) == (12000, 11977)
    assert all(isinstance(value, int | float) for value in rows[1][3:])


@pytest.mark.parametrize(
    ("language", "council", "figure"),
    [
        ("ky", "2024-жылдын 28-августу", "57,1%"),
        ("ru", "от 28 августа 2024 г.", "57,1%"),
        ("en", "August 28, 2024", "57.1%"),
    ],
)
def test_the_resolution_writes_its_date_long_and_its_figures_the_languages_way(
    language, council, figure
):
    world = build_world()
    text = text_of(service.build_document(new_resolution(world["session"]), language))
    assert council in text
    assert figure in text
    assert "28.08.2024" not in text and "Август" not in text


@pytest.mark.parametrize(
    ("language", "count", "share"),
    [("ky", "4\xa0083", "52,3"), ("ru", "4\xa0083", "52,3"), ("en", "4,083", "52.3")],
)
def test_the_resolutions_counts_and_shares(language, count, share):
    from django.utils import translation

    with translation.override(language):
        assert service.count(4083) == count
        assert service.share("52.29") == share
