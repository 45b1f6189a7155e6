"""A student answers a survey on a phone through a single-use link, without logging in; the link
then refuses a second answer, and the results page refreshes itself as answers arrive."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from surveys import services
from surveys.choices import QuestionKind
from surveys.models import Answer, Option, Question, Response, Survey
from tests import factories

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def survey():
    survey = Survey.objects.create(title="Студенттердин көз карашы менен", is_open=True)
    scale = Question.objects.create(
        survey=survey,
        order=1,
        text="Экзамендик сессияны уюштурууга жана өткөрүүгө Сиздин берген бааңыз",
        kind=QuestionKind.SINGLE,
    )
    for n, text in enumerate(
        ["эң жакшы", "жакшы", "канааттандырарлык", "жаман", "өтө жаман"], start=1
    ):
        Option.objects.create(question=scale, order=n, text=text)
    trouble = Question.objects.create(
        survey=survey, order=2, text="Кыйынчылыктар", kind=QuestionKind.MULTIPLE
    )
    for n, text in enumerate(["Жадыбал", "Аудитория"], start=1):
        Option.objects.create(question=trouble, order=n, text=text)
    Question.objects.create(survey=survey, order=3, text="Сунуштар", kind=QuestionKind.TEXT)
    return survey


def test_answer_on_a_phone_once(page, survey):
    driver = page.driver
    driver.set_window_size(390, 844)
    link = services.create_links(survey, 1)[0]
    driver.get(page.url(link.get_absolute_url()))
    assert driver.find_element(By.TAG_NAME, "h1").text == survey.title
    assert driver.execute_script("return document.documentElement.scrollWidth") <= (
        driver.execute_script("return window.innerWidth")
    )
    # The whole row of an option is the target, tall enough for a thumb.
    choice = driver.find_element(
        By.XPATH, "//label[contains(@class,'choice')][.//span[text()='жакшы']]"
    )
    assert choice.size["height"] >= 44
    radio = choice.find_element(By.CSS_SELECTOR, "input[type=radio]")
    assert radio.size["width"] >= 20
    choice.click()
    assert radio.is_selected()
    driver.find_element(
        By.XPATH, "//label[contains(@class,'choice')][.//span[text()='Аудитория']]"
    ).click()
    driver.find_element(By.TAG_NAME, "textarea").send_keys('Баары жакшы, "рахмат"')
    page.screenshot("survey-answer-phone")
    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, "button.send"))
    assert "Thank you" in driver.page_source or "Рахмат" in driver.page_source
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("option__text", flat=True)) == {
        "жакшы",
        "Аудитория",
        None,
    }
    assert Answer.objects.get(option=None).text == 'Баары жакшы, "рахмат"'
    driver.get(page.url(link.get_absolute_url()))
    assert driver.find_element(By.CSS_SELECTOR, ".refused").is_displayed()
    # The refused page answers 409, which the browser logs; no script error besides.
    assert [e for e in page.js_errors() if e.get("source") != "network"] == []


def test_the_results_page_follows_new_answers(page, login, survey):
    factories.user("okuu", role=roles.ACADEMIC_DEPARTMENT)
    login("okuu", "a-long-password-1")
    driver = page.driver
    driver.get(page.url(survey.get_absolute_url()))
    total = driver.find_element(By.CSS_SELECTOR, ".survey-total")
    assert total.text.startswith("0")
    link = services.create_links(survey, 1)[0]
    scale = survey.questions.get(order=1)
    services.record_response(link.token, {scale: scale.options.get(text="жакшы")})
    # surveys.js fetches the results part every 10 seconds.
    WebDriverWait(driver, 25).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".survey-total").text.startswith("1")
    )
    assert "100" in driver.find_element(By.CSS_SELECTOR, "table.shares").text
    page.screenshot("survey-results")
    assert page.js_errors() == []
