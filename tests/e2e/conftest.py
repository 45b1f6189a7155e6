"""Headless Chromium (Debian's chromium, chromedriver) driving the portal on live_server."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PORTAL_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            f"Headless browser tests need {CHROMIUM} and {CHROMEDRIVER} "
            "(Debian packages chromium and chromium-driver; bin/test installs them)."
        )
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    """The browser with a clean slate: no cookies, desktop width; `page.url(path)` builds URLs."""
    browser.delete_all_cookies()
    browser.set_window_size(1280, 900)

    class Page:
        driver = browser

        @staticmethod
        def url(path):
            return live_server.url + path

        @staticmethod
        def screenshot(name):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

        @staticmethod
        def click_and_wait(element, timeout=10):
            """Click something that loads a new page, and wait until the new page is there."""
            from selenium.common.exceptions import WebDriverException
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import WebDriverWait

            old_page = browser.find_element(By.TAG_NAME, "html")

            def old_page_gone(_driver):
                # Chromium reports a replaced document either as a stale element or, while it
                # is being swapped, as a node "that does not belong to the document".
                try:
                    old_page.is_enabled()
                except WebDriverException:
                    return True
                return False

            element.click()
            WebDriverWait(browser, timeout).until(old_page_gone)
            WebDriverWait(browser, timeout).until(
                lambda d: d.execute_script("return document.readyState") == "complete"
            )

        @staticmethod
        def js_errors():
            return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]

    return Page()


@pytest.fixture
def login(page):
    from selenium.webdriver.common.by import By

    def do_login(username, password):
        page.driver.get(page.url("/accounts/login/"))
        page.driver.find_element(By.ID, "id_username").send_keys(username)
        page.driver.find_element(By.ID, "id_password").send_keys(password)
        page.click_and_wait(page.driver.find_element(By.CSS_SELECTOR, "form button.primary"))

    return do_login
