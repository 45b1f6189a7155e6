"""The vice-rector opens the dashboard in headless Chromium: every chart is drawn, with no
JavaScript error, on a desktop and on a phone, and the drill-down leads to a faculty's groups."""

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from tests import factories
from tests.reports.test_dashboard import sat_exam

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def university():
    session = factories.exam_session()
    earlier = factories.exam_session(academic_year=factories.academic_year(2022), term=2)
    energy, _group = sat_exam(session, "ЭЭ-1-23", ["5", "4", "3", "2", ""])
    sat_exam(earlier, "ЭЭ-1-22", ["5", "2", "2"], faculty=energy)
    sat_exam(session, "Эк-1", ["4", "absent"])
    factories.teaching_load(academic_year=session.academic_year, planned_hours=100)
    factories.staff_member()
    factories.user("prorektor", role=roles.VICE_RECTOR)
    return energy


def _charts_drawn(driver):
    specs = json.loads(driver.find_element(By.ID, "dashboard-charts").get_attribute("textContent"))
    WebDriverWait(driver, 15).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "canvas[data-drawn='true']")) == len(specs)
    )
    return specs


@pytest.mark.parametrize("width", [1280, 390])
def test_every_chart_is_drawn_without_a_javascript_error(page, login, university, width):
    driver = page.driver
    login("prorektor", "a-long-password-1")
    driver.set_window_size(width, 900)
    driver.get(page.url("/dashboard/"))
    specs = _charts_drawn(driver)
    assert {spec["id"] for spec in specs} >= {"faculties", "forms", "trend", "categories", "load"}
    for spec in specs:
        canvas = driver.find_element(By.ID, f"chart-{spec['id']}")
        assert canvas.size["width"] > 100 and canvas.size["height"] > 100
        # Chart.js has painted something: the canvas is not blank.
        assert driver.execute_script(
            "var c = arguments[0]; var d = c.getContext('2d')"
            ".getImageData(0, 0, c.width, c.height).data;"
            "for (var i = 3; i < d.length; i += 4) { if (d[i]) return true; } return false;",
            canvas,
        )
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= width + 1, "the page scrolls sideways"
    page.screenshot(f"dashboard-{width}")
    assert page.js_errors() == []


def test_drill_down_from_the_dashboard(page, login, university):
    driver = page.driver
    login("prorektor", "a-long-password-1")
    driver.get(page.url("/dashboard/"))
    _charts_drawn(driver)
    link = driver.find_element(By.LINK_TEXT, str(university))
    page.click_and_wait(link)
    assert driver.find_element(By.TAG_NAME, "h1").text == university.name
    page.click_and_wait(driver.find_element(By.LINK_TEXT, "ЭЭ-1-23"))
    assert "ЭЭ-1-23" in driver.find_element(By.TAG_NAME, "h1").text
    rows = driver.find_elements(By.CSS_SELECTOR, "table.data tbody tr")
    assert len(rows) == 2  # the one with a 2 and the one with no grade
    assert page.js_errors() == []
