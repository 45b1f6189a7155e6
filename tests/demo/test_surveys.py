"""The demo survey carries the seed report's shares and loads once."""

import pytest

from demo.surveys import seed_survey_demo
from surveys.models import Response
from surveys.results import summary_line, survey_results
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_demo_survey_has_the_seed_reports_shares_and_loads_once():
    factories.academic_year(2023)
    result = seed_survey_demo()
    assert result.added == 100
    scale, fairness, ideas = survey_results(result.survey)["questions"]
    assert summary_line(scale) == (
        "34% — эң жакшы, 53% — жакшы, 7% — канааттандырарлык, 3% — жаман, 3% — өтө жаман"
    )
    assert {a["option"]: a["count"] for a in fairness["answers"]} == {"ооба": 23, "жок": 77}
    assert ideas["kind"] == "text" and 0 < ideas["answered"] < 100
    assert seed_survey_demo().added == 0
    assert Response.objects.count() == 100
