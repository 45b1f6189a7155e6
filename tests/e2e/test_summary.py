"""The group summary sheet in the browser: a group of 30 students and 12 assessments, in Kyrgyz
and Russian, on a desktop (1366 px) and a phone (390 px): the page never scrolls sideways (the
wide table scrolls in its own frame), and its printout fits A4 landscape with the names wrapped."""

import random

import pytest
from selenium.webdriver.common.by import By

from academics import roles
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SURNAMES = (
    "Бейшеналиева-Сыдыкова",
    "Өмүралиева",
    "Үсөнбаева",
    "Ысмаилов",
    "Жумабеков",
    "Курманбекова",
    "Чынгышбаев",
    "Шаршеналиев",
)
NAMES = ("Айгерим", "Нурсултан", "Бактыгүл", "Өмүрбек", "Чолпонай", "Султанбек", "Жылдызкан")
DISCIPLINES = (
    "Алгоритмдер жана маалымат структуралары",
    "Программалоо негиздери",
    "Маалыматтар базасы",
    "Дискреттик математика",
    "Компьютердик тармактар",
    "Операциялык системалар",
    "Англис тили",
    "Кыргыз тили жана адабияты",
    "Философия",
    "Физика",
    "Веб-технологиялар",
    "Дене тарбия",
)
# The printable width of A4 landscape under summary.css's @page margins (297 − 8 − 12 mm), in CSS
# pixels (96 per inch).
A4_LANDSCAPE_PX = round((297 - 8 - 12) / 25.4 * 96)


@pytest.fixture
def big_group():
    rng = random.Random(7)
    faculty = factories.faculty(name="Маалыматтык технологиялар факультети")
    session = factories.exam_session()
    group = factories.group(program=factories.program(faculty=faculty), name="ПИ-1-23")
    students = [
        factories.student(
            group=group,
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Кубанычбекович",
        )
        for _ in range(30)
    ]
    services.ensure_admissions(session, group)
    for name in DISCIPLINES:
        kind = "credit" if name == "Дене тарбия" else "exam"
        exam = factories.assessment(
            session=session, group=group, discipline=factories.discipline(name=name), kind=kind
        )
        values = (["pass"] * 8 + ["fail"]) if kind == "credit" else ["5", "4", "3", "2", "absent"]
        sheet = services.open_sheet(exam, Attempt.MAIN)
        marks = {s.pk: rng.choice(values) for s in students}
        services.record_grades(sheet, marks, None, version=sheet.version)
        retake = services.open_sheet(exam, Attempt.RETAKE)
        fixed = "pass" if kind == "credit" else "3"
        owing = {row.student.pk: fixed for row in services.roster(retake) if row.admitted}
        services.record_grades(retake, owing, None, version=retake.version)
    factories.user("summary-dean", role=roles.DEAN_OFFICE, faculty=faculty)
    return session, group


def _language(page, code):
    page.click_and_wait(
        page.driver.find_element(By.CSS_SELECTOR, f".language-switch [value='{code}']")
    )


def test_the_summary_never_scrolls_the_page_sideways(page, login, big_group):
    session, group = big_group
    driver = page.driver
    login("summary-dean", "a-long-password-1")
    driver.get(page.url(f"/sessions/{session.pk}/groups/{group.pk}/"))
    link = f"a[href='/summary/{session.pk}/{group.pk}/']"
    page.click_and_wait(driver.find_element(By.CSS_SELECTOR, link))
    assert f"/summary/{session.pk}/{group.pk}/" in driver.current_url
    for language in ("ky", "ru"):
        if language == "ru":
            _language(page, "ru")
        for width in (1366, 390):
            driver.set_window_size(width, 900)
            driver.get(driver.current_url)
            page.screenshot(f"summary-{language}-{width}")
            page_width = driver.execute_script("return document.documentElement.scrollWidth")
            assert page_width <= driver.execute_script("return window.innerWidth")
            frame = driver.find_element(By.CSS_SELECTOR, ".summary-wrap")
            rows = frame.find_elements(By.CSS_SELECTOR, "tbody tr")
            assert len(rows) == 30
            if width == 390:
                # The wide table scrolls inside its own frame.
                scroll = driver.execute_script(
                    "return [arguments[0].scrollWidth, arguments[0].clientWidth]", frame
                )
                assert scroll[0] > scroll[1]
    assert page.js_errors() == []


def test_the_printout_fits_a4_landscape_with_names_wrapped(page, login, big_group):
    session, group = big_group
    driver = page.driver
    login("summary-dean", "a-long-password-1")
    for language in ("ky", "ru"):
        if language == "ru":
            _language(page, "ru")
        driver.get(page.url(f"/summary/{session.pk}/{group.pk}/print/"))
        driver.set_window_size(1366, 900)
        page.screenshot(f"summary-print-{language}-1366")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4_LANDSCAPE_PX, "height": 740, "deviceScaleFactor": 1, "mobile": False},
        )
        try:
            sizes = driver.execute_script(
                """
                var paper = document.querySelector('.paper');
                var table = paper.querySelector('table.summary-paper');
                var cut = [];
                table.querySelectorAll('th, td').forEach(function (cell) {
                  if (cell.scrollWidth > cell.clientWidth + 1) cut.push(cell.textContent);
                });
                var names = table.querySelectorAll('tbody th.student');
                var tall = 0;
                names.forEach(function (n) { if (n.getBoundingClientRect().height > 14) tall++; });
                return {paper: paper.clientWidth, table: table.getBoundingClientRect().width,
                        page: document.documentElement.scrollWidth, cut: cut, wrapped: tall};
                """
            )
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        assert sizes["table"] <= sizes["paper"] <= A4_LANDSCAPE_PX
        assert sizes["page"] <= A4_LANDSCAPE_PX
        assert sizes["cut"] == []
        assert sizes["wrapped"] > 0  # the long names wrap onto a second line
    assert page.js_errors() == []
