"""A dean's office chooses a sheet's examiner in the browser: in Kyrgyz, on a phone's width too,
and never while typed grades are unsaved (the sheet's script holds the form back)."""

import pytest
from django.utils import translation
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from academics import roles
from sessions_app import services
from sessions_app.models import Assessment, SheetEvent
from tests import factories
from tests.e2e.test_every_page_fits import _INSPECT, _problems

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"


@pytest.fixture
def sheet():
    faculty = factories.faculty(name="Информациялык технологиялар жана байланыш факультети")
    department = factories.department(
        faculty=faculty, name="Программалык инженерия жана маалыматтык системалар кафедрасы"
    )
    program = factories.program(
        faculty=faculty, department=department, code="710400", name="Программалык инженерия"
    )
    group = factories.group(name="ПИ-1-23", program=program)
    for number, name in enumerate(("Абдыкадырова Айпери", "Бакиев Нурсултан")):
        factories.student(group=group, full_name=name, record_book=f"230012{number}")
    assessment = factories.assessment(
        group=group,
        discipline=factories.discipline(name="Маалымат базаларын башкаруу системалары"),
        examiner=factories.staff_member(
            full_name="Токтогулов Азамат Жолдошевич", department=department
        ),
    )
    services.ensure_admissions(assessment.session, group)
    new = factories.staff_member(
        full_name="Бейшеналиева-Сыдыкова Бактыгүл Өмүрбековна", department=department
    )
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty)
    return {"assessment": assessment, "new": new}


def _open(page, login, sheet, width):
    page.driver.set_window_size(width, 900)
    login("dekanat", PASSWORD)
    path = f"/sessions/sheets/{sheet['assessment'].pk}/main/"
    page.driver.get(page.url(path))
    return path


def _translated():
    """Whether the Kyrgyz catalogue holds this branch's words yet (the integrator adds them)."""
    with translation.override("ky"):
        return translation.gettext("Save the examiner") != "Save the examiner"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dean_s_office_chooses_the_examiner_on_the_sheet(page, login, sheet, width):
    path = _open(page, login, sheet, width)
    driver = page.driver
    choice = Select(driver.find_element(By.ID, "id_examiner"))
    assert choice.first_selected_option.text == "Токтогулов Азамат Жолдошевич"
    found = driver.execute_script(_INSPECT)
    assert found["scroll"] <= found["width"], found["wide"]
    if _translated():
        assert not _problems(driver, path, width)
    choice.select_by_visible_text("Бейшеналиева-Сыдыкова Бактыгүл Өмүрбековна")
    page.click_and_wait(driver.find_element(By.ID, "examiner-save"))
    assert Assessment.objects.get(pk=sheet["assessment"].pk).examiner == sheet["new"]
    header = driver.find_element(By.CSS_SELECTOR, ".sheet-meta").text
    assert "Бейшеналиева-Сыдыкова Бактыгүл Өмүрбековна" in header
    assert SheetEvent.objects.filter(action="examiner").count() == 1


def test_unsaved_grades_hold_the_examiner_s_form_back(page, login, sheet):
    _open(page, login, sheet, 1366)
    driver = page.driver
    cell = driver.find_elements(By.CSS_SELECTOR, "input.grade")[0]
    cell.click()
    cell.send_keys("5")
    Select(driver.find_element(By.ID, "id_examiner")).select_by_visible_text(
        "Бейшеналиева-Сыдыкова Бактыгүл Өмүрбековна"
    )
    driver.find_element(By.ID, "examiner-save").click()
    status = driver.find_element(By.ID, "sheet-status").text
    assert status == driver.find_element(By.ID, "examiner-form").get_attribute(
        "data-message-unsaved"
    )
    assert Assessment.objects.get(pk=sheet["assessment"].pk).examiner.full_name.startswith(
        "Токтогулов"
    )
