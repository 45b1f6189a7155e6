"""The dashboard's charts in headless Chromium write their axes and tooltips as the page's
language writes numbers: "12 000" and "60 %" in Kyrgyz and Russian (which not every browser's
Intl knows for Kyrgyz), "12,000" in English."""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from tests import factories
from tests.reports.test_dashboard import sat_exam

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TICKS = (
    "var chart = window.Chart.getChart(document.getElementById(arguments[0]));"
    "var axis = chart.options.indexAxis === 'y' ? chart.scales.x : chart.scales.y;"
    "return axis.ticks.map(function (t) { return t.label; });"
)
TOOLTIP = (
    "var chart = window.Chart.getChart(document.getElementById(arguments[0]));"
    "var item = { dataset: chart.data.datasets[1], parsed: { x: 11977, y: 11977 } };"
    "return chart.options.plugins.tooltip.callbacks.label(item);"
)


@pytest.fixture
def university():
    session = factories.exam_session()
    sat_exam(session, "ЭЭ-1-23", ["5", "4", "3", "2", ""])
    factories.teaching_load(
        academic_year=session.academic_year, planned_hours=12000, performed_hours=11977
    )
    factories.user("prorektor", role=roles.VICE_RECTOR)


def _dashboard(page, login, language):
    driver = page.driver
    login("prorektor", "a-long-password-1")
    driver.add_cookie({"name": "portal_language", "value": language})
    driver.get(page.url("/dashboard/"))
    specs = json.loads(driver.find_element(By.ID, "dashboard-charts").get_attribute("textContent"))
    WebDriverWait(driver, 15).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "canvas[data-drawn='true']")) == len(specs)
    )
    return driver


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_axes_and_tooltips_group_with_a_space_and_write_a_decimal_comma(
    page, login, university, language
):
    driver = _dashboard(page, login, language)
    load = driver.execute_script(TICKS, "chart-load")
    assert any(label.endswith("\xa0000") and label != "0" for label in load), load
    assert not any("," in label for label in load), load
    assert driver.execute_script(TOOLTIP, "chart-load").endswith(": 11\xa0977")
    rates = driver.execute_script(TICKS, "chart-faculties")
    assert "100\xa0%" in rates and all(label.endswith("\xa0%") for label in rates), rates
    page.screenshot(f"chart-locale-{language}")
    assert page.js_errors() == []


def test_english_axes_are_english(page, login, university):
    driver = _dashboard(page, login, "en")
    load = driver.execute_script(TICKS, "chart-load")
    assert any(label.endswith(",000") for label in load), load
    assert driver.execute_script(TOOLTIP, "chart-load").endswith(": 11,977")
    assert page.js_errors() == []
