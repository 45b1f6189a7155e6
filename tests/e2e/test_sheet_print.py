"""The printed grade sheet keeps to A4 with a 100-character name, and prints Ң, Ө, Ү in its own
vendored font (static/vendor/dejavu/), not a fallback of the machine."""

import base64
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from tests import factories

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"
# 100 characters and no space to break at: the worst a name column can be given.
LONG_NAME = ("Өмүрбеков" * 11 + "Ң")[:100]
# A4 less @page's side margins (18 mm + 12 mm), at 96 px per inch.
PRINTABLE_PX = round((210 - 30) / 25.4 * 96)


@pytest.fixture
def sheet():
    faculty = factories.faculty(name="Информациялык технологиялар факультети")
    group = factories.group(name="ПИ-1-23", program=factories.program(faculty=faculty))
    factories.student(group=group, full_name=LONG_NAME)
    factories.student(group=group, full_name="Үсөнова Гүлүмкан Өмүрбековна")
    assessment = factories.assessment(group=group)
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty)
    return assessment


def _print_view(page, login, assessment):
    login("dekanat", PASSWORD)
    driver = page.driver
    driver.get(page.url(f"/sessions/sheets/{assessment.pk}/main/print/"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PRINTABLE_PX, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_async_script("document.fonts.ready.then(arguments[arguments.length - 1]);")
    return driver


def test_a_100_character_name_wraps_and_the_sheet_keeps_to_a4(page, login, sheet):
    driver = _print_view(page, login, sheet)
    try:
        width = driver.execute_script(
            "const t = document.querySelector('.paper-table').getBoundingClientRect();"
            "return [document.documentElement.scrollWidth, window.innerWidth, t.right];"
        )
        scroll_width, window_width, table_right = width
        assert scroll_width <= window_width, f"the page is {scroll_width} px on {window_width}"
        assert table_right <= window_width + 0.5
        name_cell = driver.find_element(By.XPATH, f"//td[text()='{LONG_NAME}']")
        assert name_cell.size["height"] > 2 * 20, "the long name should wrap onto several lines"
        pdf = base64.b64decode(
            driver.execute_cdp_cmd(
                "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False}
            )["data"]
        )
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
        assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_the_kyrgyz_letters_print_in_the_vendored_font(page, login, sheet):
    driver = _print_view(page, login, sheet)
    try:
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script(
                "return [...document.fonts].some("
                "f => f.family.includes('Portal Serif') && f.status === 'loaded');"
            )
        )
        family = driver.execute_script(
            "return getComputedStyle(document.querySelector('.paper')).fontFamily;"
        )
        assert family.startswith('"Portal Serif"')
        assert driver.execute_script(
            "return document.fonts.check('12pt \"Portal Serif\"', 'ҢӨҮңөү');"
        )
        assert page.js_errors() == []
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
