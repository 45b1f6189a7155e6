"""A dean's office reports on its part of an item of the council's resolution, with a PDF, on a
phone; the vice-rector accepts the report and the item is done."""

import datetime

import pytest
from selenium.webdriver.common.by import By

from academics import roles
from reports.execution import services as execution
from reports.execution.models import AssignmentStatus, DeadlineKind, ReportState
from reports.resolutions import services as resolutions
from tests import factories
from tests.reports.test_execution import PDF
from tests.reports.test_resolution import build_world, new_resolution

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"


@pytest.fixture
def item(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    faculty = factories.faculty()
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    vice_rector = factories.user(role=roles.VICE_RECTOR)
    resolution = new_resolution(world["session"])
    soon = datetime.date.today() + datetime.timedelta(days=10)
    plans = {
        item.pk: execution.Plan(DeadlineKind.DATE, soon, faculties=[faculty])
        for item in resolution.items.all()
    }
    resolutions.adopt(resolution, vice_rector, plans)
    assignment = resolution.assignments.order_by("item__order").first()
    return {"assignment": assignment, "dean": dean, "vice_rector": vice_rector}


def no_sideways_scroll(driver):
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_dean_office_reports_and_the_vice_rector_accepts(page, login, item, tmp_path):
    driver, assignment = page.driver, item["assignment"]
    evidence = tmp_path / "акт.pdf"
    evidence.write_bytes(PDF)

    driver.set_window_size(390, 844)
    login(item["dean"].username, PASSWORD)
    # The item is on the dean's office's list, due within 14 days.
    driver.get(page.url("/execution/"))
    link = driver.find_element(By.CSS_SELECTOR, f"a[href='/execution/{assignment.pk}/']")
    assert no_sideways_scroll(driver)
    page.click_and_wait(link)
    assert no_sideways_scroll(driver)
    part = assignment.responsibles.get()
    form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/report/{part.pk}/']")
    form.find_element(By.NAME, "text").send_keys("Лабораторияга 12 компьютер орнотулду")
    progress = form.find_element(By.NAME, "progress")
    progress.clear()
    progress.send_keys("100")
    form.find_element(By.NAME, "files").send_keys(str(evidence))
    page.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    report = assignment.responsibles.get().reports.get()
    assert report.state == ReportState.SUBMITTED
    assert report.attachments.get().name == "акт.pdf"
    assert "акт.pdf" in driver.find_element(By.CSS_SELECTOR, ".ex-files").text
    # The dean's office cannot review its own report.
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name=decision]")
    page.screenshot("execution-item-dean-390")

    driver.delete_all_cookies()
    driver.set_window_size(1366, 900)
    login(item["vice_rector"].username, PASSWORD)
    driver.get(page.url(f"/execution/{assignment.pk}/"))
    driver.find_element(By.NAME, "comment").send_keys("Акт текшерилди")
    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=accept]"))
    assignment.refresh_from_db()
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.review_comment == "Акт текшерилди"
    assert assignment.status == AssignmentStatus.DONE
    assert driver.find_element(By.CSS_SELECTOR, ".ex-facts .badge.ex-done")
    page.screenshot("execution-item-vice-rector-1366")
    assert not page.js_errors()
