"""A dean's office fills a grade sheet from the keyboard and a pasted column, saves, submits."""

import datetime

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from sessions_app import services
from sessions_app.models import Grade, GradeSheet
from tests import factories

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"
NAMES = [
    "Абдыкадырова Айпери Маратовна",
    "Бакиев Нурсултан Эркинович",
    "Жээнбекова Гүлзат Асановна",
    "Кадыров Эльдияр Бакытбекович",
    "Мамытова Айжан Талантбековна",
    "Осмонов Бекзат Жумабекович",
]

PASTE = """
const [cell, text] = arguments;
const data = new DataTransfer();
data.setData("text/plain", text);
const paste = {clipboardData: data, bubbles: true, cancelable: true};
cell.dispatchEvent(new ClipboardEvent("paste", paste));
"""


@pytest.fixture
def university():
    faculty = factories.faculty(name="Информациялык технологиялар жана билим берүү факультети")
    program = factories.program(faculty=faculty, code="710400", name="Программалык инженерия")
    group = factories.group(name="ПИ-1-23", program=program)
    students = [factories.student(group=group, full_name=name) for name in NAMES]
    assessment = factories.assessment(
        group=group,
        discipline=factories.discipline(name="Маалымат базаларын башкаруу системалары"),
        examiner=factories.staff_member(full_name="Токтогулов Азамат Жолдошевич"),
        date=datetime.date(2024, 6, 14),
    )
    other_faculty = factories.faculty(name="Экономика жана башкаруу факультети")
    elsewhere = factories.assessment(
        group=factories.group(program=factories.program(faculty=other_faculty)),
        discipline=factories.discipline(name="Микроэкономика"),
    )
    factories.user("dekanat", role=roles.DEAN_OFFICE, faculty=faculty, first_name="Гүлзат")
    return {"students": students, "assessment": assessment, "elsewhere": elsewhere}


def sheet_path(assessment, attempt="main"):
    return f"/sessions/sheets/{assessment.pk}/{attempt}/"


def cells(driver):
    return driver.find_elements(By.CSS_SELECTOR, "input.grade")


def values(driver):
    return [cell.get_attribute("value") for cell in cells(driver)]


def empty_count(driver):
    return driver.find_element(By.ID, "sheet-counter").get_attribute("data-empty")


def wait_for_new_page(page, act, timeout=10):
    """Do something that loads a new page (a key press), and wait until the new page is there."""
    driver = page.driver
    old = driver.find_element(By.TAG_NAME, "html")
    act()

    def old_page_gone(_driver):
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, timeout).until(old_page_gone)
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def test_fill_from_the_keyboard_paste_save_and_submit(page, login, university):
    driver = page.driver
    assessment = university["assessment"]
    login("dekanat", PASSWORD)
    driver.get(page.url(sheet_path(assessment)))
    assert "Маалымат базаларын башкаруу системалары" in driver.find_element(By.TAG_NAME, "h1").text
    names = [el.text for el in driver.find_elements(By.CSS_SELECTOR, "tbody th[scope=row]")]
    assert names == NAMES
    assert empty_count(driver) == "6"

    # Type, Enter, type, Enter: each Enter goes down a row, as in a spreadsheet.
    first = cells(driver)[0]
    # In the middle of the window: the sheet's bar is pinned to its foot.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    first.click()
    first.send_keys("5", Keys.ENTER, "4", Keys.ENTER, "x", Keys.ENTER)
    grid = cells(driver)
    assert driver.switch_to.active_element == grid[3]
    assert empty_count(driver) == "3"

    # A value that is no grade is marked, explained, and keeps the sheet from being saved.
    assert grid[2].get_attribute("aria-invalid") == "true"
    error = driver.find_element(By.ID, grid[2].get_attribute("aria-describedby").split()[-1])
    assert error.is_displayed() and "x" in error.text
    driver.find_element(By.ID, "sheet-save").click()
    assert driver.current_url.endswith(sheet_path(assessment))
    assert driver.switch_to.active_element == grid[2]
    assert not Grade.objects.exists()

    # Fix it; ↑ and ↓ move between rows.
    grid[2].send_keys(Keys.BACKSPACE, "3", Keys.ARROW_DOWN)
    assert grid[2].get_attribute("aria-invalid") is None
    assert driver.switch_to.active_element == grid[3]
    grid[3].send_keys(Keys.ARROW_UP)
    assert driver.switch_to.active_element == grid[2]
    label = driver.find_element(By.ID, grid[0].get_attribute("aria-describedby").split()[0])
    assert label.text.startswith("5 — ")

    # A column copied from Excel fills this cell and the ones below.
    driver.execute_script(PASTE, grid[3], "2\r\nн\r\n95\r\n")
    assert values(driver) == ["5", "4", "3", "2", "н", "95"]
    assert empty_count(driver) == "0"
    assert driver.find_element(By.ID, "sheet-status").text
    page.screenshot("sheet-desktop-ky")

    # Ctrl+S saves the whole sheet.
    wait_for_new_page(
        page,
        lambda: (
            ActionChains(driver)
            .key_down(Keys.CONTROL)
            .send_keys("s")
            .key_up(Keys.CONTROL)
            .perform()
        ),
    )
    assert driver.find_element(By.CSS_SELECTOR, ".message.success").is_displayed()
    driver.refresh()
    assert [cell.get_attribute("value") for cell in cells(driver)] == [
        "5",
        "4",
        "3",
        "2",
        "н",
        "95",
    ]
    assert empty_count(driver) == "0"
    saved = {
        g.student.full_name: (g.value, g.points) for g in Grade.objects.select_related("student")
    }
    assert saved[NAMES[4]] == ("absent", None) and saved[NAMES[5]] == ("5", 95)

    # Submit asks first: declined, nothing changes; accepted, the sheet becomes read-only.
    driver.find_element(By.ID, "sheet-submit").click()
    question = driver.switch_to.alert
    assert "Ведомостту тапшырасызбы" in question.text
    question.dismiss()
    assert GradeSheet.objects.get().status != "submitted"
    assert driver.find_element(By.ID, "sheet-save").is_displayed()

    def submit_and_accept():
        driver.find_element(By.ID, "sheet-submit").click()
        driver.switch_to.alert.accept()

    wait_for_new_page(page, submit_and_accept)
    assert GradeSheet.objects.get().status == "submitted"
    assert all(not cell.is_enabled() for cell in cells(driver))
    assert not driver.find_elements(By.ID, "sheet-save")
    assert driver.find_element(By.CSS_SELECTOR, ".banner-readonly").is_displayed()
    page.screenshot("sheet-submitted-desktop-ky")
    assert page.js_errors() == []

    # Another faculty's sheet is not found.
    driver.get(page.url(sheet_path(university["elsewhere"])))
    assert 'data-status="404"' in driver.page_source
    assert "Микроэкономика" not in driver.page_source
    assert all("404" in error["message"] for error in page.js_errors())


def label_of(driver, cell):
    return driver.find_element(By.ID, cell.get_attribute("aria-describedby").split()[0]).text


def test_the_registrars_words_and_points_are_accepted_as_typed_and_pasted(page, login, university):
    driver = page.driver
    login("dekanat", PASSWORD)
    driver.get(page.url(sheet_path(university["assessment"])))
    grid = cells(driver)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", grid[0])
    grid[0].click()
    # Typed key by key: each half-typed word ("Уд", "Н/") is spared until it is done.
    grid[0].send_keys("Удовл.", Keys.ENTER, "Н/Я", Keys.ENTER, "87.0", Keys.ENTER)
    assert [cell.get_attribute("aria-invalid") for cell in grid[:3]] == [None, None, None]
    assert label_of(driver, grid[0]).startswith("3 — ")
    assert label_of(driver, grid[2]).startswith("5 — ") and label_of(driver, grid[2]).endswith(
        "(87)"
    )
    driver.execute_script(PASTE, grid[3], "Отл.\r\n2 — неуд\r\nзач.\r\n")
    assert values(driver)[3:] == ["Отл.", "2 — неуд", "зач."]
    # A credit's word is no grade on an exam sheet: the script says so before the server would.
    assert [cell.get_attribute("aria-invalid") for cell in grid[3:]] == [None, None, "true"]
    grid[5].clear()
    grid[5].send_keys("эң жак.")
    assert grid[5].get_attribute("aria-invalid") is None
    assert label_of(driver, grid[5]).startswith("5 — ")

    wait_for_new_page(page, lambda: driver.find_element(By.ID, "sheet-save").click())
    assert driver.find_element(By.CSS_SELECTOR, ".message.success").is_displayed()
    saved = {
        g.student.full_name: (g.value, g.points) for g in Grade.objects.select_related("student")
    }
    assert [saved[name] for name in NAMES] == [
        ("3", None),
        ("absent", None),
        ("5", 87),
        ("5", None),
        ("2", None),
        ("5", None),
    ]
    # The browser's own request for a favicon may 404 (the portal has none); nothing else may.
    assert [e for e in page.js_errors() if "favicon.ico" not in e["message"]] == []


# ChromeDriver accepts "leave the page?" prompts by itself, so ask the page whether it would warn.
WOULD_WARN = """
const event = new Event("beforeunload", {cancelable: true});
window.dispatchEvent(event);
return event.defaultPrevented;
"""


def test_unsaved_changes_warn_before_leaving(page, login, university):
    driver = page.driver
    login("dekanat", PASSWORD)
    driver.get(page.url(sheet_path(university["assessment"])))
    assert driver.execute_script(WOULD_WARN) is False
    cells(driver)[0].send_keys("4")
    assert driver.execute_script(WOULD_WARN) is True
    cells(driver)[0].send_keys(Keys.BACKSPACE)  # back to how it was saved
    assert driver.execute_script(WOULD_WARN) is False
    cells(driver)[0].send_keys("4")
    page.click_and_wait(driver.find_element(By.ID, "sheet-save"))
    assert Grade.objects.get().value == "4"
    assert driver.execute_script(WOULD_WARN) is False


UNCOVERED = """
const box = arguments[0].getBoundingClientRect();
const x = box.left + box.width / 2, y = box.top + box.height / 2;
return document.elementFromPoint(x, y) === arguments[0];
"""


def test_sheet_at_phone_width(page, login, university):
    driver = page.driver
    students = university["students"]
    sheet = services.open_sheet(university["assessment"], "main")
    services.ensure_admissions(university["assessment"].session, students[0].group)
    services.set_admissions(
        university["assessment"].session,
        students[0].group,
        "main",
        {students[5].pk: (False, "invalid", "financial debt")},
        None,
    )
    services.record_grades(sheet, {students[0].pk: "5", students[1].pk: 78}, None, version=0)
    driver.set_window_size(390, 844)
    login("dekanat", PASSWORD)
    driver.get(page.url(sheet_path(university["assessment"])))
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= driver.execute_script("return window.innerWidth")
    grid = cells(driver)
    assert not grid[5].is_enabled()
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", grid[2])
    grid[2].click()
    grid[2].send_keys("3", Keys.ENTER)
    assert driver.switch_to.active_element == grid[3]
    # The next cell is scrolled clear of the sticky bar with the save button.
    assert driver.execute_script(UNCOVERED, grid[3])
    assert driver.find_element(By.ID, "sheet-save").is_displayed()
    page.screenshot("sheet-phone-ky")
    driver.get(page.url(sheet_path(university["assessment"]) + "print/"))
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= driver.execute_script("return window.innerWidth")
    page.screenshot("sheet-print-phone-ky")
    driver.set_window_size(1280, 900)
    page.screenshot("sheet-print-desktop-ky")
    # (A 404 page of the test before has no icon link: Chromium asks for /favicon.ico.)
    assert [e for e in page.js_errors() if "favicon.ico" not in e["message"]] == []


# A cell behaves like a spreadsheet's: a click selects its value, so typing replaces it; F2 or a
# double click edits it in place, and Escape gives the edit up.

SELECTION = "return [arguments[0].selectionStart, arguments[0].selectionEnd];"


@pytest.fixture
def graded(university):
    """The first three students already have 5, 3 and 4 on the sheet."""
    students = university["students"]
    sheet = services.open_sheet(university["assessment"], "main")
    services.ensure_admissions(university["assessment"].session, students[0].group)
    services.record_grades(
        sheet, {students[0].pk: "5", students[1].pk: "3", students[2].pk: "4"}, None, version=0
    )
    return university


def open_sheet(page, login, university):
    login("dekanat", PASSWORD)
    page.driver.get(page.url(sheet_path(university["assessment"])))
    # The whole table in view, clear of the sticky bar, as someone about to click in it has it.
    page.driver.execute_script(
        "document.querySelector('.sheet-table').scrollIntoView({block: 'center'})"
    )
    return cells(page.driver)


def selection(driver, cell):
    return driver.execute_script(SELECTION, cell)


def saved_grade(student):
    grade = Grade.objects.get(student=student)
    return grade.value, grade.points


def js_errors(page):
    return [e for e in page.js_errors() if "favicon.ico" not in e["message"]]


def test_clicking_a_cell_that_holds_5_and_typing_4_leaves_4(page, login, graded):
    driver = page.driver
    grid = open_sheet(page, login, graded)
    ActionChains(driver).click(grid[0]).send_keys("4").perform()
    assert grid[0].get_attribute("value") == "4"
    page.click_and_wait(driver.find_element(By.ID, "sheet-save"))
    # 4, the grade; not 45 (or 54) points, which would be a 2.
    assert saved_grade(graded["students"][0]) == ("4", None)
    assert js_errors(page) == []


def test_tapping_a_cell_selects_its_value_so_typing_replaces_it(page, login, graded):
    driver = page.driver
    driver.set_window_size(390, 844)
    grid = open_sheet(page, login, graded)
    tap = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
    tap.pointer_action.move_to(grid[1]).pointer_down().pointer_up()
    tap.perform()
    assert driver.switch_to.active_element == grid[1]
    assert selection(driver, grid[1]) == [0, 1]
    ActionChains(driver).send_keys("4").perform()
    assert grid[1].get_attribute("value") == "4"
    assert js_errors(page) == []


def test_a_click_on_a_focused_cell_selects_its_value_again(page, login, graded):
    driver = page.driver
    grid = open_sheet(page, login, graded)
    ActionChains(driver).click(grid[0]).send_keys(Keys.END).perform()
    assert selection(driver, grid[0]) == [1, 1]
    ActionChains(driver).click(grid[0]).perform()
    assert selection(driver, grid[0]) == [0, 1]
    ActionChains(driver).send_keys("3").perform()
    assert grid[0].get_attribute("value") == "3"


def test_a_double_click_edits_in_place_and_escape_gives_the_edit_up(page, login, graded):
    driver = page.driver
    grid = open_sheet(page, login, graded)
    cell = grid[2]  # holds 4
    ActionChains(driver).double_click(cell).perform()
    assert selection(driver, cell) == [1, 1]  # the caret after the value
    ActionChains(driver).send_keys("5").perform()
    assert cell.get_attribute("value") == "45"

    # A click while editing places the caret (here before the text) instead of selecting.
    left_edge = -cell.rect["width"] / 2 + 4
    ActionChains(driver).move_to_element_with_offset(cell, left_edge, 0).click().perform()
    assert selection(driver, cell) == [0, 0]
    ActionChains(driver).send_keys("1").perform()
    assert cell.get_attribute("value") == "145"
    assert cell.get_attribute("aria-invalid") == "true"

    # Escape: the value from before the edit, selected again, checked again, nothing unsaved.
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert cell.get_attribute("value") == "4"
    assert selection(driver, cell) == [0, 1]
    assert cell.get_attribute("aria-invalid") is None
    assert driver.execute_script(WOULD_WARN) is False
    ActionChains(driver).send_keys("3").perform()
    assert cell.get_attribute("value") == "3"
    assert js_errors(page) == []


def test_f2_edits_in_place_and_the_arrows_move_the_caret_inside_the_text(page, login, graded):
    driver = page.driver
    grid = open_sheet(page, login, graded)
    cell = grid[0]  # holds 5
    ActionChains(driver).click(cell).send_keys(Keys.F2).perform()
    assert selection(driver, cell) == [1, 1]
    ActionChains(driver).send_keys("0").perform()
    assert cell.get_attribute("value") == "50"
    # ← then Backspace takes out the 5; Home and End go to either end of the text.
    ActionChains(driver).send_keys(Keys.LEFT, Keys.BACKSPACE, "8").perform()
    assert cell.get_attribute("value") == "80"
    ActionChains(driver).send_keys(Keys.HOME).perform()
    assert selection(driver, cell) == [0, 0]
    ActionChains(driver).send_keys(Keys.END, Keys.BACKSPACE, "5").perform()
    assert cell.get_attribute("value") == "85"
    # Escape brings back the value the cell had when F2 was pressed.
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert cell.get_attribute("value") == "5"
    ActionChains(driver).send_keys(Keys.F2, "0").perform()
    page.click_and_wait(driver.find_element(By.ID, "sheet-save"))
    assert saved_grade(graded["students"][0]) == ("2", 50)  # 50 points
    # The help above the sheet tells of it (in Kyrgyz: "F2 же эки жолу чыкылдатуу менен ...").
    assert "F2" in driver.find_element(By.ID, "sheet-help").text
    assert js_errors(page) == []


def test_after_enter_moves_to_the_next_cell_typing_replaces_its_value(page, login, graded):
    driver = page.driver
    students = graded["students"]
    grid = open_sheet(page, login, graded)
    ActionChains(driver).double_click(grid[0]).send_keys("0", Keys.ENTER).perform()
    assert grid[0].get_attribute("value") == "50"
    # Enter left the edit: the next cell's value is selected, and typing replaces it.
    assert driver.switch_to.active_element == grid[1]
    assert selection(driver, grid[1]) == [0, 1]
    ActionChains(driver).send_keys("2").perform()
    assert grid[1].get_attribute("value") == "2"
    # ↑ comes back to the cell that was edited: it is not being edited any more.
    ActionChains(driver).send_keys(Keys.ARROW_UP).perform()
    assert driver.switch_to.active_element == grid[0]
    assert selection(driver, grid[0]) == [0, 2]
    ActionChains(driver).send_keys("5").perform()
    assert grid[0].get_attribute("value") == "5"
    # ↓ from a cell being edited goes down too; a click elsewhere also ends the edit.
    ActionChains(driver).send_keys(Keys.F2, "5", Keys.ARROW_DOWN).perform()
    assert grid[0].get_attribute("value") == "55"
    assert driver.switch_to.active_element == grid[1]
    ActionChains(driver).double_click(grid[2]).click(grid[1]).click(grid[2]).perform()
    assert selection(driver, grid[2]) == [0, 1]
    ActionChains(driver).send_keys("н").perform()
    page.click_and_wait(driver.find_element(By.ID, "sheet-save"))
    assert [saved_grade(student) for student in students[:3]] == [
        ("2", 55),
        ("2", None),
        ("absent", None),
    ]
    assert js_errors(page) == []
