"""A dean's office downloads a grade sheet for Excel, fills two cells offline, uploads it back."""

import base64
import datetime
import io

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from academics import roles
from sessions_app.choices import ChangeSource
from sessions_app.models import Grade, GradeChange
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"
NAMES = ["Абдыкадырова Айпери Маратовна", "Бакиев Нурсултан Эркинович", "Жээнбекова Гүлзат"]

# The download link fetched with the browser's own session, returned as base64.
FETCH = """
const [href, done] = arguments;
fetch(href, {credentials: "same-origin"})
  .then((response) => response.arrayBuffer())
  .then((buffer) => {
    let text = "";
    new Uint8Array(buffer).forEach((byte) => { text += String.fromCharCode(byte); });
    done(btoa(text));
  })
  .catch((error) => done("error: " + error));
"""


@pytest.fixture
def university():
    faculty = factories.faculty(name="Информациялык технологиялар жана билим берүү факультети")
    group = factories.group(name="ПИ-1-23", program=factories.program(faculty=faculty))
    students = [
        factories.student(group=group, full_name=name, record_book=f"23-{n:04d}")
        for n, name in enumerate(NAMES, 1)
    ]
    assessment = factories.assessment(
        group=group,
        discipline=factories.discipline(name="Маалымат базаларын башкаруу системалары"),
        examiner=factories.staff_member(full_name="Токтогулов Азамат Жолдошевич"),
        date=datetime.date(2024, 6, 14),
    )
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty)
    return {"students": students, "assessment": assessment}


def test_download_fill_two_cells_offline_and_upload_through_the_page(
    page, login, university, tmp_path
):
    driver = page.driver
    assessment = university["assessment"]
    login("dekanat", PASSWORD)
    driver.get(page.url(f"/sessions/sheets/{assessment.pk}/main/"))
    link = driver.find_element(By.ID, "sheet-download")
    assert link.is_displayed()
    encoded = driver.execute_async_script(FETCH, link.get_attribute("href"))
    assert not encoded.startswith("error"), encoded
    wb = load_workbook(io.BytesIO(base64.b64decode(encoded)))
    ws = wb.worksheets[0]
    rows = {
        row[2].value: row[3] for row in ws.iter_rows() if str(row[2].value or "").startswith("23-")
    }
    assert [ws.cell(cell.row, 2).value for cell in rows.values()] == NAMES
    rows["23-0001"].value = "5"
    rows["23-0003"].value = 78  # points, typed as a number in Excel
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    driver.find_element(By.ID, "sheet-file").send_keys(str(filled))
    page.click_and_wait(driver.find_element(By.ID, "sheet-upload"))
    assert driver.find_element(By.CSS_SELECTOR, ".message.success").is_displayed()
    shown = [
        cell.get_attribute("value") for cell in driver.find_elements(By.CSS_SELECTOR, "input.grade")
    ]
    assert shown == ["5", "", "78"]
    saved = {
        g.student.record_book: (g.value, g.points) for g in Grade.objects.select_related("student")
    }
    assert saved == {"23-0001": ("5", None), "23-0003": ("4", 78)}
    assert set(GradeChange.objects.values_list("source", flat=True)) == {ChangeSource.SHEET_FILE}
    page.screenshot("sheet-file-uploaded-desktop-ky")
    assert page.js_errors() == []
