"""A dean's office changes a student's funding for a session in the admin, in headless Chromium,
on a desktop and on a phone: the page saves through the admissions writer, the group's history
names the change, and neither page scrolls sideways."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from academics import roles
from academics.choices import Funding
from sessions_app import services
from sessions_app.choices import Attempt
from sessions_app.models import Admission, AdmissionChange
from tests import factories

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def admission():
    faculty = factories.faculty(name="Энергетика")
    group = factories.group(program=factories.program(faculty=faculty), name="ЭЭ-1-23")
    student = factories.student(group=group, full_name="Асанов Бакыт", funding=Funding.BUDGET)
    session = factories.exam_session()
    factories.assessment(session=session, group=group)
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty, is_staff=True)
    services.ensure_admissions(session, group)
    return Admission.objects.get(student=student, stage=Attempt.MAIN)


def _no_sideways_scroll(driver, width):
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width + 1, "the page scrolls sideways"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_dean_changes_a_students_funding_for_the_session_in_the_admin(
    page, login, admission, width
):
    driver = page.driver
    login("dekanat", "a-long-password-1")
    driver.set_window_size(width, 900)
    driver.get(page.url(f"/admin/sessions_app/admission/{admission.pk}/change/"))
    select = Select(driver.find_element(By.ID, "id_funding"))
    assert select.first_selected_option.get_attribute("value") == Funding.BUDGET
    _no_sideways_scroll(driver, width)
    page.screenshot(f"admission-funding-admin-{width}")

    select.select_by_value(Funding.CONTRACT)
    page.click_and_wait(driver.find_element(By.NAME, "_save"))

    assert "/admin/sessions_app/admission/" in driver.current_url
    admission.refresh_from_db()
    assert admission.funding == Funding.CONTRACT
    change = AdmissionChange.objects.filter(student=admission.student).order_by("-id").first()
    assert (change.old_funding, change.new_funding, change.source) == (
        "budget",
        "contract",
        "admin",
    )

    driver.get(page.url(f"/sessions/{admission.session_id}/groups/{admission.group_id}/history/"))
    rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert any("Асанов Бакыт" in row.text and "→" in row.text for row in rows)
    _no_sideways_scroll(driver, width)
    # The admin's pages link no favicon: Chromium's own request for one is not the page's error.
    assert [e for e in page.js_errors() if "favicon.ico" not in e["message"]] == []
