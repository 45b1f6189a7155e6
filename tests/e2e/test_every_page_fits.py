"""Every page each role reaches from the menu, and the drill-down links one level deep from those
pages, in Kyrgyz, at 1366 px and at 390 px: no page is wider than the window (a wide table scrolls
inside its own frame) and no English word shows outside a short allow-list.

The university is compact but realistic: long Kyrgyz names of faculties, departments, programs and
disciplines, and a faculty of more than a thousand students, so the figures have four digits."""

import random
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from academics import roles
from academics.choices import Funding, StudyForm
from academics.models import Student
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from reports.resolutions import services as resolutions
from sessions_app import services
from sessions_app.choices import Attempt
from surveys.importer import import_survey
from tests import factories
from tests.reports.test_resolution import new_resolution
from tests.surveys.exports import ROWS, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-password-1"
WIDTHS = (1366, 390)
MAX_DEPTH = 3  # the menu's sessions -> a session -> its group -> a sheet

FACULTIES = (
    "Информациялык технологиялар жана байланыш факультети",
    "Экономика, башкаруу жана бизнес технологиялары факультети",
)
DEPARTMENTS = (
    "Программалык камсыздоо жана автоматташтырылган башкаруу системалары кафедрасы",
    "Экономикалык теория, бухгалтердик эсеп жана аудит кафедрасы",
)
PROGRAMS = (
    ("710400", "Программалык инженерия жана маалыматтык системаларды долбоорлоо"),
    ("580100", "Экономика жана ишканалардагы финансылык башкаруунун негиздери"),
)
DISCIPLINES = (
    "Алгоритмдер жана маалымат структуралары (тереңдетилген курс)",
    "Маалыматтар базасын долбоорлоо жана башкаруу системалары",
    "Кыргыз тили жана адабияты: кесиптик багыттагы тексттер",
)
SURNAMES = ("Бейшеналиева-Сыдыкова", "Өмүралиева", "Үсөнбаева", "Ысмаилов", "Жумабеков")
NAMES = ("Айгерим", "Нурсултан", "Бактыгүл", "Өмүрбек", "Чолпонай", "Султанбек")
GRADES = ("5", "4", "4", "3", "3", "2", "absent", "")

# Latin words a Kyrgyz page may show: names of file formats and products, and unit symbols.
ALLOWED = {
    "excel", "xlsx", "pdf", "docx", "csv", "json", "id", "google", "forms", "microsoft", "api",
    "word", "png", "jpeg",
    "qr", "url", "phd", "https", "http", "kb", "mb", "gb", "km", "kg", "cm", "mm",
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii",  # roman numerals of terms and courses
}  # fmt: skip
# The keyboard's keys, as printed on them (the grade sheet's help).
KEYS = re.compile(r"\b(Ctrl\+[A-Z]|F\d+|Enter|Esc|Tab|Shift)\b")
# Not pages: files, print layouts (A4 documents, checked by their own tests), the Django admin
# (branch "texts" translates it), signing out, a job's page.
SKIPPED = re.compile(
    r"\.(xlsx|csv|pdf|docx|json)$|/(pdf|docx|print|download|logout)/|^/admin/|^/jobs/"
)


def _students(group, count, rng):
    Student.objects.bulk_create(
        Student(
            group=group,
            record_book=f"{group.pk:03d}{n:05d}",
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Кубанычбекович",
            funding=Funding.BUDGET if n % 3 else Funding.CONTRACT,
        )
        for n in range(count)
    )


def _sheets(session, group, disciplines, rng):
    services.ensure_admissions(session, group)
    students = list(group.students.all())
    for number, discipline in enumerate(disciplines):
        exam = factories.assessment(session=session, group=group, discipline=discipline)
        sheet = services.open_sheet(exam, Attempt.MAIN)
        grades = {student.pk: rng.choice(GRADES) for student in students}
        services.record_grades(sheet, grades, None, version=sheet.version)
        if number == 0:
            services.submit_sheet(sheet, None)


def _faculty(index, session, disciplines, sizes, rng):
    faculty = factories.faculty(name=FACULTIES[index], code=f"fac{index}")
    department = factories.department(faculty=faculty, name=DEPARTMENTS[index])
    for n in range(3):
        factories.staff_member(
            department=department, full_name=f"{SURNAMES[n]} {NAMES[n]} Асанбекович"
        )
    factories.teaching_load(
        department=department,
        academic_year=session.academic_year,
        planned_hours=12480,
        performed_hours=11977,
    )
    code, name = PROGRAMS[index]
    for form, suffix in ((StudyForm.DAY, ""), (StudyForm.EXTRAMURAL, "-с")):
        program = factories.program(
            faculty=faculty, department=department, code=code, name=name, form=form
        )
        for number, size in enumerate(sizes, start=1):
            group = factories.group(
                program=program,
                academic_year=session.academic_year,
                name=f"{code[:3]}-{number}-23{suffix}",
                year_of_study=number,
            )
            _students(group, size, rng)
            _sheets(session, group, disciplines, rng)
    return faculty, program


def _registries(program, session):
    agency = Agency.objects.create(
        name="Билим берүүдө сапатты камсыз кылуу боюнча көз карандысыз агенттиги",
        short_name="БСКА",
    )
    Accreditation.objects.create(program=program, agency=agency, decision_date=date(2024, 6, 14))
    LicenceApplication.objects.create(program=program, date_sent=date(2023, 10, 16))
    Seminar.objects.create(
        topic="Билим берүү программаларын ички баалоо жана өз алдынча баалоо отчётун даярдоо",
        date=date(2024, 3, 15),
        agency=agency,
    )
    rows = [row for row in ROWS if "Wi-Fi" not in row[3]]
    import_survey(csv_bytes(rows), "answers.csv", "Жайкы сессия 2024: студенттердин көзү менен")
    new_resolution(session)
    # An adopted one too, whose items (assigned as their words say: the deans, the departments)
    # the execution's pages list.
    resolutions.adopt(new_resolution(session), None)


@pytest.fixture
def university():
    """Two faculties; the first has 4 day and 4 extramural groups, 1 040 + 1 040 students."""
    rng = random.Random(16)
    session = factories.exam_session(academic_year=factories.academic_year(2023), term=2)
    factories.exam_session(academic_year=factories.academic_year(2022), term=2)
    disciplines = [factories.discipline(name=name) for name in DISCIPLINES]
    it, program = _faculty(0, session, disciplines, (260, 260, 260, 260), rng)
    _faculty(1, session, disciplines[:2], (25, 30), rng)
    _registries(program, session)
    person = {"first_name": "Айгүл", "last_name": "Токтосунова"}
    return {
        "dean_office": factories.user("dekanat", roles.DEAN_OFFICE, it, **person),
        "dean": factories.user("dekan", roles.DEAN_OFFICE_HEAD, it, **person),
        "academic_department": factories.user("okuu", roles.ACADEMIC_DEPARTMENT, **person),
        "vice_rector": factories.user("prorektor", roles.VICE_RECTOR, **person),
        "admin": factories.user(
            "admin", roles.ADMINISTRATOR, is_staff=True, is_superuser=True, **person
        ),
    }


# What is wrong with the page at the window's width: the outermost elements that stick out of the
# page (not those inside a frame that scrolls), and the visible Latin words.
_INSPECT = """
const root = document.documentElement, width = root.clientWidth;
const wide = [];
if (root.scrollWidth > width) {
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || !box.width) continue;
    let inner = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) { inner = true; break; }
      if (up.getBoundingClientRect().right > width + 1) { inner = true; break; }
    }
    if (!inner) {
      const text = (el.textContent || '').trim().slice(0, 60);
      wide.push(`<${el.tagName.toLowerCase()} class="${el.className}">`
        + ` to ${Math.round(box.right)}px: ${text}`);
    }
  }
}
// The language switch names the languages; the user's name carries the login name as its title.
const NOT_OURS = 'script, style, noscript, template, input[type=file], '
  + '.language-switch, .logout .user';
const words = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const parent = node.parentElement;
  if (!parent || parent.closest(NOT_OURS)) continue;
  // A language's own name in its language (the resolution's "English") is not an English word.
  if (parent.closest('[lang]') && parent.closest('[lang]').lang !== 'ky') continue;
  if (!parent.getClientRects().length || getComputedStyle(parent).visibility === 'hidden') continue;
  words.push(node.textContent);
}
for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
  if (el.closest(NOT_OURS)) continue;
  for (const name of ['placeholder', 'title', 'aria-label']) {
    if (el.getAttribute(name)) words.push(el.getAttribute(name));
  }
}
// A table wider than its frame keeps its first column in sight (sticky); the report's key figures
// (absolute and quality achievement, td.rate) are in sight without scrolling.
const unfixed = [], hidden = [];
for (const table of document.querySelectorAll('main table')) {
  const frame = table.parentElement;
  if (!table.getClientRects().length || frame.scrollWidth <= frame.clientWidth + 1) continue;
  const row = [...table.querySelectorAll('tbody tr')].find(tr => !tr.querySelector('[colspan]'));
  const cell = row && (row.querySelector('th[scope=row]') || row.firstElementChild);
  if (cell && getComputedStyle(cell).position !== 'sticky') {
    unfixed.push((table.querySelector('caption, th') || table).textContent.trim().slice(0, 50));
  }
  const right = frame.getBoundingClientRect().right;
  for (const rate of table.querySelectorAll('tbody tr:first-child td.rate')) {
    if (rate.getBoundingClientRect().right > right + 1) hidden.push(rate.textContent.trim());
  }
}
const menu = [...document.querySelectorAll('nav.menu li')].map(li => li.getBoundingClientRect());
const menuLines = new Set(menu.map(box => Math.round(box.top))).size;
const nav = document.querySelector('nav.menu');
const menuFits = !nav || nav.scrollWidth <= nav.clientWidth + 1;
return {scroll: root.scrollWidth, width: width, wide: wide.slice(0, 4), text: words.join(' '),
        unfixed: unfixed, hidden: hidden, menuLines: menuLines, menuFits: menuFits};
"""


def _problems(driver, path, width):
    found = driver.execute_script(_INSPECT)
    problems = []
    if found["scroll"] > found["width"]:
        problems.append(
            f"{path} at {width} px is {found['scroll']} px wide: " + "; ".join(found["wide"])
        )
    if found["unfixed"]:
        problems.append(
            f"{path} at {width} px scrolls a table without its first column fixed: "
            + "; ".join(found["unfixed"])
        )
    if width >= 1366 and found["hidden"]:
        problems.append(f"{path} at {width} px hides the key figures off the table's frame")
    if width >= 1366 and (found["menuLines"] > 1 or not found["menuFits"]):
        problems.append(f"{path} at {width} px: the menu does not fit on one line")
    english = sorted(
        {
            word
            for word in re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)*", KEYS.sub(" ", found["text"]))
            if word.lower() not in ALLOWED
        }
    )
    if english:
        problems.append(f"{path} at {width} px shows English: {', '.join(english[:15])}")
    return problems


def _shape(path):
    """Pages of one kind (another session, another group) count once."""
    return re.sub(r"\d+", "N", path)


def _links(driver, selector, origin):
    paths = []
    for link in driver.find_elements(By.CSS_SELECTOR, selector):
        href = link.get_attribute("href") or ""
        if not href.startswith(origin) or link.get_dom_attribute("download") is not None:
            continue
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIPPED.search(parts.path):
            paths.append(path)
    return paths


def _visit(page, path):
    driver = page.driver
    driver.set_window_size(WIDTHS[0], 900)
    driver.get(page.url(path))
    # A link the user may not follow (403) or a broken one: the console says so.
    problems = [
        f"{path}: {entry['message']}"
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "status of" in entry["message"]
    ]
    for width in WIDTHS:
        if width != WIDTHS[0]:
            # Opened at that width, as a phone opens it: a window narrowed under a loaded page
            # leaves the charts a moment at their old size (they redraw on a resize observer).
            driver.set_window_size(width, 900)
            driver.get(page.url(path))
        problems += _problems(driver, path, width)
    return problems


@pytest.mark.parametrize(
    "role", ["dean_office", "dean", "academic_department", "vice_rector", "admin"]
)
def test_every_page_fits_the_window_and_speaks_kyrgyz(page, login, university, role):
    driver = page.driver
    driver.set_window_size(WIDTHS[0], 900)
    login(university[role].username, PASSWORD)
    origin = page.url("")
    menu = _links(driver, "nav.menu a", origin)
    assert len(menu) >= 4, menu
    # Breadth first from the menu's pages down the drill-down (a session, its group, a sheet), one
    # page of each kind: another group's page is the same template with other names.
    queue = [(path, 0) for path in menu]
    seen = {_shape(urlsplit(path).path) for path in menu}
    problems, visited = [], []
    driver.get_log("browser")  # what earlier tests left in the console
    while queue:
        path, depth = queue.pop(0)
        problems += _visit(page, path)
        visited.append(path)
        if depth == MAX_DEPTH:
            continue
        for deeper in _links(driver, "main a[href]", origin):
            shape = _shape(urlsplit(deeper).path)
            if shape not in seen:
                seen.add(shape)
                queue.append((deeper, depth + 1))
    reached = {_shape(urlsplit(path).path) for path in visited}
    assert {"/sessions/N/", "/sessions/N/groups/N/", "/sessions/sheets/N/main/"} <= reached
    if role not in ("dean_office", "dean"):
        assert {"/reports/session/N/faculty/N/", "/dashboard/faculty/N/"} <= reached
    assert not problems, f"{len(visited)} pages visited:\n" + "\n".join(problems)
