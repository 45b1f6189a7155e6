"""A dean's office clerk types a name in the header's search box, in lower case and on a Russian
keyboard, finds the student, and follows the link to the group's page; the results page fits a
1366 px laptop and a 390 px phone, in Kyrgyz and in Russian (screenshots in var/screenshots/)."""

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def clerk():
    session = f.exam_session()
    faculty = f.faculty(name="Информатика жана байланыш технологиялары факультети")
    group = f.group(
        name="ПИ-1-23", program=f.program(faculty=faculty, name="Программалык инженерия")
    )
    f.assessment(session=session, group=group, discipline=f.discipline(name="Жогорку математика"))
    f.student(full_name="Өмүрбеков Нурлан Үсөнбекович", record_book="ОТ-2023-0042", group=group)
    f.student(full_name="Өмүрбекова Айгүл", group=group)
    other = f.faculty(name="Экономика факультети")
    f.student(full_name="Өмүрбеков Бакыт", group=f.group(program=f.program(faculty=other)))
    return f.user("clerk", role=roles.DEAN_OFFICE, faculty=faculty), session, group


def _fits(driver):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    return width <= driver.execute_script("return window.innerWidth")


def test_a_clerk_finds_a_student_from_the_header_and_opens_the_group(page, login, clerk):
    _user, session, group = clerk
    driver = page.driver
    driver.set_window_size(1366, 900)
    login("clerk", "a-long-password-1")
    box = driver.find_element(By.CSS_SELECTOR, "header form[role=search] input[name=q]")
    box.send_keys("омурбеков")
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(
        lambda d: (
            "/search/" in d.current_url
            and d.execute_script("return document.readyState") == "complete"
        )
    )
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".search-results .search-name")]
    # Both students of the clerk's faculty, in Kyrgyz alphabetical order; not the other faculty's.
    assert names == ["Өмүрбеков Нурлан Үсөнбекович", "Өмүрбекова Айгүл"]
    assert driver.find_element(By.CSS_SELECTOR, "header input[name=q]").get_attribute("value") == (
        "омурбеков"
    )
    assert _fits(driver)
    page.screenshot("search-1366-ky")
    link = driver.find_element(By.CSS_SELECTOR, ".search-results .search-where a")
    page.click_and_wait(link)
    assert driver.current_url.endswith(f"/sessions/{session.pk}/groups/{group.pk}/")
    assert page.js_errors() == []


@pytest.mark.parametrize("language", ["ky", "ru"])
@pytest.mark.parametrize("width", [1366, 390])
def test_the_results_page_fits_in_kyrgyz_and_russian(page, login, clerk, language, width):
    driver = page.driver
    driver.set_window_size(width, 900 if width > 400 else 844)
    login("clerk", "a-long-password-1")
    driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    driver.get(page.url("/search/?q=%D0%BF%D0%B8-1"))  # пи-1: the group, its students' group
    driver.get(page.url("/search/?q=%D0%BC%D0%B0%D1%82%D0%B5%D0%BC"))  # матем: the discipline
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    assert driver.find_elements(By.CSS_SELECTOR, ".search-results a")
    assert driver.find_element(By.CSS_SELECTOR, "header form[role=search]").is_displayed()
    assert _fits(driver)
    page.screenshot(f"search-discipline-{width}-{language}")
    driver.get(page.url("/search/?q=%D0%BE%D0%BC%D1%83%D1%80"))  # омур: the students
    assert _fits(driver)
    page.screenshot(f"search-students-{width}-{language}")
