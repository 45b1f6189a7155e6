"""The council's resolution's items on a phone (390 px) and a desktop: a dean's office's home page
lists its items due soon or overdue, the vice-rector's dashboard counts them by status, and
neither page scrolls sideways."""

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from academics import roles
from reports.execution import services as execution
from reports.execution.models import DeadlineKind
from reports.resolutions import services as resolutions
from tests import factories
from tests.reports.test_resolution import new_resolution

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"
FACULTY = "Экономика, башкаруу жана бизнес технологиялары факультети"


@pytest.fixture
def adopted():
    faculty = factories.faculty(name=FACULTY)
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty)
    rector = factories.user("prorektor", role=roles.VICE_RECTOR)
    resolution = new_resolution(factories.exam_session())
    today = timezone.localdate()
    plans = {
        item.pk: execution.Plan(
            DeadlineKind.DATE,
            today + datetime.timedelta(days=(item.order - 2) * 8),
            faculties=[faculty],
        )
        for item in resolution.items.all()
    }
    return resolutions.adopt(resolution, rector, plans)


def _fits(page, width):
    page_width = page.driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= width + 1, "the page scrolls sideways"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_items_fit_a_phone(page, login, adopted, width):
    driver = page.driver
    driver.set_window_size(width, 900)
    login("dekanat", PASSWORD)
    driver.get(page.url("/"))
    rows = driver.find_elements(By.CSS_SELECTOR, ".due-list li")
    assert len(rows) == 3  # overdue by 8 days, due today, in 8 days; not in 16 or 24
    assert len(driver.find_elements(By.CSS_SELECTOR, ".due-list li.overdue")) == 1
    _fits(page, width)
    page.screenshot(f"execution-home-{width}")

    driver.delete_all_cookies()
    login("prorektor", PASSWORD)
    driver.get(page.url("/dashboard/"))
    counts = driver.find_elements(By.CSS_SELECTOR, ".execution-panel .status-counts li")
    assert len(counts) == 5
    panel = driver.find_element(By.CSS_SELECTOR, ".execution-panel")
    assert panel.rect["x"] + panel.rect["width"] <= width + 1
    _fits(page, width)
    page.screenshot(f"execution-dashboard-{width}")
    assert page.js_errors() == []
