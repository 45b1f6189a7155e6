"""A person logs in, reads the home page in Kyrgyz, switches the language, and uses a phone."""

import pytest
from selenium.webdriver.common.by import By

from academics import roles
from tests import factories

# serialized_rollback as every browser test: a flush without it recreates the content types, which
# the next test that restores the serialized database would then insert twice.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def dean():
    faculty = factories.faculty(name="Экономика жана башкаруу факультети")
    group = factories.group(program=factories.program(faculty=faculty))
    for _ in range(3):
        factories.student(group=group)
    # A user with no role would see no figures (reports.views.home).
    return factories.user("dean", role=roles.DEAN_OFFICE, faculty=faculty)


def test_login_language_switch_and_logout(page, login, dean):
    driver = page.driver
    driver.get(page.url("/"))
    assert "/accounts/login/" in driver.current_url
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ky"

    login("dean", "a-long-password-1")
    # A dean's office reads its own faculty's figures, under its name.
    heading = "Экономика жана башкаруу факультети: жалпы маалымат"
    assert driver.find_element(By.TAG_NAME, "h1").text == heading

    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, ".language-switch [value='ru']"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
    heading = "Экономика жана башкаруу факультети: общие сведения"
    assert driver.find_element(By.TAG_NAME, "h1").text == heading

    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, ".language-switch [value='en']"))
    heading = "Экономика жана башкаруу факультети at a glance"
    assert driver.find_element(By.TAG_NAME, "h1").text == heading

    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, "form.logout button"))
    assert "/accounts/login/" in driver.current_url
    assert page.js_errors() == []


def test_phone_width_has_no_sideways_scroll(page, login, dean):
    driver = page.driver
    driver.set_window_size(390, 844)
    login("dean", "a-long-password-1")
    page.screenshot("home-phone-ky")
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    viewport = driver.execute_script("return window.innerWidth")
    assert page_width <= viewport
    # The faculty table scrolls inside its own frame instead of the page.
    assert driver.find_element(By.CSS_SELECTOR, ".table-wrap table").is_displayed()
    nav_link = driver.find_element(By.CSS_SELECTOR, ".menu a")
    assert nav_link.is_displayed()
