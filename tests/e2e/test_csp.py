"""The Content-Security-Policy in headless Chromium: the login page, the dashboard's charts and the
admin (changelist and django-import-export's export page) run with no violation, and an inline
script is indeed refused."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests import factories
from tests.reports.test_dashboard import sat_exam

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"


def _violations(page):
    """The console's errors; the admin's pages link no favicon, so Chromium's own request for
    /favicon.ico answers 404 there, which is no error of the page."""
    return [e["message"] for e in page.js_errors() if "/favicon.ico " not in e["message"]]


def _open(page, path):
    page.driver.get(page.url(path))
    WebDriverWait(page.driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def test_pages_and_admin_run_under_the_policy(page, login):
    driver = page.driver
    session = factories.exam_session()
    sat_exam(session, "ЭЭ-1-23", ["5", "4", "3", "2"])
    factories.user("root", is_staff=True, is_superuser=True)

    _open(page, "/accounts/login/")
    assert _violations(page) == []

    # The check below sees a violation when there is one: an inline script is refused.
    driver.execute_script(
        "var s = document.createElement('script');"
        "s.textContent = 'window.inlineRan = true;';"
        "document.body.appendChild(s);"
    )
    assert driver.execute_script("return window.inlineRan === true") is False
    refused = _violations(page)
    assert refused and "Content Security Policy" in refused[0]

    login("root", PASSWORD)
    assert "/accounts/login/" not in driver.current_url
    assert _violations(page) == []

    _open(page, "/dashboard/")
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "canvas[data-drawn='true']")
    )
    assert _violations(page) == []

    _open(page, "/admin/academics/student/")
    assert driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert _violations(page) == []

    _open(page, "/admin/academics/student/export/")
    toggle = driver.find_element(By.CSS_SELECTOR, "input.select-toggle")
    fields = driver.find_elements(
        By.CSS_SELECTOR, ".selectable-field-export-row input[type=checkbox]"
    )
    assert fields and all(f.is_selected() for f in fields)
    toggle.click()  # "Select all" off: wired by static/js/admin_export.js, not an inline onchange
    assert not any(f.is_selected() for f in fields if f.is_displayed())
    assert _violations(page) == []
