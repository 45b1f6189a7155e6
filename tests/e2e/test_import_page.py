"""The results import page in headless Chromium: a file with 842 copies of one error and a few
others shows one line per kind of error, on a page under two screens high on a laptop and with no
sideways scroll on a phone."""

import pytest
from selenium.webdriver.common.by import By

from tests import factories
from tests.sessions_app.test_import_page import many_errors
from tests.sessions_app.test_importer import workbook

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_a_file_with_842_copies_of_one_error_fits_in_two_screens(
    page, login, settings, tmp_path, width, height
):
    settings.MEDIA_ROOT = tmp_path / "media"
    factories.user("registrar", is_superuser=True, is_staff=True)
    path = tmp_path / "results.xlsx"
    path.write_bytes(workbook(many_errors()))
    driver = page.driver
    driver.set_window_size(width, height)
    login("registrar", "a-long-password-1")

    # Found from the sessions list, not typed in.
    driver.get(page.url("/sessions/"))
    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, "a[href='/sessions/import/']"))
    driver.find_element(By.ID, "id_file").send_keys(str(path))
    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, "form button.primary"))

    lines = driver.find_elements(By.CSS_SELECTOR, ".error-groups > li")
    assert len(lines) == 4
    assert "837" in lines[0].text
    page.screenshot(f"import-errors-{width}")
    page_height = driver.execute_script("return document.documentElement.scrollHeight")
    viewport = driver.execute_script("return window.innerHeight")
    assert page_height < 2 * viewport, (page_height, viewport)
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= driver.execute_script("return window.innerWidth")
    assert driver.find_element(By.CSS_SELECTOR, ".import-errors a[download]").is_displayed()
    assert page.js_errors() == []
