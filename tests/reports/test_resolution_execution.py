"""The next council's resolution opens with the execution of the previous one: which resolution is
the previous one, the generated text (items done, in progress, overdue, not started, cancelled,
with the accepted reports) in Kyrgyz and Russian, a draft's edited text, the text frozen at
adoption, no section without a previous resolution, the DOCX, the PDF and the form's pages."""

import datetime
import re
import shutil
import subprocess
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from docx import Document as Docx

from academics import roles
from portal.dates import long_date
from reports.execution import previous
from reports.execution import services as execution
from reports.execution.models import DeadlineKind
from reports.resolutions import documents
from reports.resolutions import services as service
from reports.resolutions.models import Resolution
from tests import factories
from tests.reports.test_resolution import COUNCIL_DATE, build_world, new_resolution
from tests.reports.test_resolution_views import adopt_data

pytestmark = pytest.mark.django_db

# The previous council on COUNCIL_DATE; the next one half a year later; the day the statuses are
# read, when item 3's deadline (20 days after the council) has passed and the others' not.
NEXT_DATE = datetime.date(2025, 2, 10)
TODAY = COUNCIL_DATE + datetime.timedelta(days=60)
DAYS = {1: 30, 2: 120, 3: 20, 4: 200, 5: 300}  # item order: days from the council to its deadline

DONE_REPORT = "Лабораториялар заманбап жабдуулар менен жабдылды"
PROGRESS_REPORT = "Практика боюнча 12 келишим түзүлдү"
CANCEL_REASON = "Антиплагиат программасы министрлик тарабынан берилет"


@pytest.fixture(autouse=True)
def no_active_language_afterwards():
    yield
    translation.deactivate()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def people():
    faculty = factories.faculty(name="Механика факультети", name_ru="Механический факультет")
    return {
        "faculty": faculty,
        "department": factories.department(faculty=faculty, name="Машина куруу кафедрасы"),
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "vice_rector": factories.user(role=roles.VICE_RECTOR),
    }


def plan(people, order):
    return execution.Plan(
        DeadlineKind.DATE,
        COUNCIL_DATE + datetime.timedelta(days=DAYS[order]),
        faculties=[people["faculty"]],
        departments=[people["department"]] if order == 2 else [],
    )


def report(assignment, people, text, progress, accept=True):
    part = assignment.responsibles.get(faculty=people["faculty"])
    submitted = execution.submit_report(part, people["dean"], text, progress)
    if accept:
        execution.review_report(submitted, people["vice_rector"], accept=True)
    return submitted


@pytest.fixture
def previous_resolution(world, people):
    """The previous council's resolution, adopted, its five items as the council executed them
    by TODAY: item 1 done, 2 in progress (the faculty 60%, the department nothing yet), 3 overdue,
    4 not started, 5 cancelled."""
    resolution = new_resolution(world["session"])
    plans = {item.pk: plan(people, item.order) for item in resolution.items.all()}
    resolution = service.adopt(resolution, people["vice_rector"], plans)
    items = {a.item.order: a for a in resolution.assignments.all()}
    report(items[1], people, DONE_REPORT, 100)
    report(items[2], people, "Биринчи келишимдер", 30)
    report(items[2], people, PROGRESS_REPORT, 60)  # the latest accepted is the one quoted
    report(items[3], people, "Текшерилбеген отчет", 50, accept=False)
    assignment = resolution.assignments.get(item__order=5)
    execution.cancel(assignment, people["vice_rector"], CANCEL_REASON, assignment.version)
    return resolution


@pytest.fixture
def next_resolution(previous_resolution):
    session = factories.exam_session(academic_year=factories.academic_year(2024), term=1)
    return new_resolution(session, council_date=NEXT_DATE, protocol_number="5")


def assignment(resolution, order):
    return resolution.assignments.get(item__order=order)


def item_paragraph(paragraphs, number):
    """The paragraph of the previous resolution's item `number` (as the document numbers it)."""
    with_number = gettext("Item %(number)s, “%(text)s”: %(status)s.").split("%(text)s")[0]
    start = with_number % {"number": number}
    found = [p for p in paragraphs if p.startswith(start)]
    assert len(found) == 1, (start, paragraphs)
    return found[0]


def edit(resolution, **fields):
    """Save a draft's fields through the service, its items unchanged."""
    items = [tuple(getattr(i, n) for n in service.ITEM_FIELDS) for i in resolution.items.all()]
    return service.update_resolution(resolution, fields, items)


def one_line(text):
    return " ".join(text.split())


# --- Which resolution is the previous one ---------------------------------------------------------


def test_the_previous_resolution_is_the_last_adopted_before_the_council(
    world, previous_resolution, next_resolution
):
    assert previous.previous_resolution(next_resolution) == previous_resolution
    assert previous.previous_resolution(previous_resolution) is None
    earlier = new_resolution(world["session"], council_date=COUNCIL_DATE - datetime.timedelta(1))
    assert previous.previous_resolution(earlier) is None
    # The same council's date: the one saved later comes after it; a draft does not count.
    same_day = new_resolution(world["session"])
    assert previous.previous_resolution(same_day) == previous_resolution
    unsaved = Resolution(council_date=COUNCIL_DATE)
    assert previous.previous_resolution(unsaved) == previous_resolution
    later_draft = new_resolution(world["session"], council_date=NEXT_DATE)
    assert previous.previous_resolution(later_draft) == previous_resolution


# --- The generated text ---------------------------------------------------------------------------


def test_the_generated_text_in_kyrgyz_lists_each_item_by_status_with_the_reports(
    previous_resolution, next_resolution, people
):
    paragraphs = previous.generated_text(next_resolution, "ky", TODAY)
    items = list(previous_resolution.items.all())
    assert len(paragraphs) == 2 + len(items)  # the opening, the counting line, one an item
    with translation.override("ky"):
        opening, counting = paragraphs[:2]
        council, today = long_date(COUNCIL_DATE), long_date(TODAY)
        assert opening == f"Окумуштуулар кеңешинин токтомунун ({council}, №1 протокол) " + (
            f"аткарылышы (абал: {today})."
        )
        assert counting.startswith("Токтомдун 5 пунктунун ичинен:")
        for words in ("аткарылганы — 1", "аткарылып жатканы — 1", "мөөнөтү өткөнү — 1"):
            assert words in counting
        assert "аткарыла элеги — 1" in counting and "жокко чыгарылганы — 1" in counting
        item = {n: item_paragraph(paragraphs, n) for n in range(2, 7)}
        overdue_since = long_date(assignment(previous_resolution, 3).deadline)
    # In the item's order, each with its Kyrgyz text, shortened where long.
    assert [p[:2] for p in paragraphs[2:]] == ["2-", "3-", "4-", "5-", "6-"]
    assert items[0].text in item[2] and items[1].text not in item[3]
    assert item[3].split("«")[1].split()[:5] == items[1].text.split()[:5] and "…»" in item[3]
    assert "аткарылды" in item[2] and f"{people['faculty'].name}: {DONE_REPORT}." in item[2]
    assert "аткарылууда (30%)" in item[3]  # the faculty's 60% and the department's 0
    assert PROGRESS_REPORT in item[3] and "Биринчи келишимдер" not in item[3]
    assert people["department"].name not in item[3]  # reported nothing
    assert f"мөөнөтү өтүп кетти ({overdue_since})." in item[4]
    assert "Текшерилбеген отчет" not in item[4]  # not accepted: nothing to quote
    assert "аткарыла элек" in item[5]
    assert f"жокко чыгарылды: {CANCEL_REASON}." in item[6]


def test_the_generated_text_in_russian_uses_the_russian_forms(
    previous_resolution, next_resolution, people
):
    paragraphs = previous.generated_text(next_resolution, "ru", TODAY)
    items = list(previous_resolution.items.all())
    with translation.override("ru"):
        opening, counting = paragraphs[:2]
        council, today = long_date(COUNCIL_DATE), long_date(TODAY)
        # The date's own dot ends the sentence (“… 2024 г.”), not a second one.
        assert opening == (
            f"Исполнение постановления учёного совета от {council} (протокол № 1) по состоянию "
            f"на {today}"
        )
        assert opening.endswith("г.")
        assert counting.startswith("Из 5 пунктов постановления: выполнено — 1, выполняется — 1")
        item = {n: item_paragraph(paragraphs, n) for n in range(2, 7)}
        overdue_since = long_date(assignment(previous_resolution, 3).deadline)
    assert item[2].startswith(f"Пункт 2, «{items[0].text_ru}»: выполнен.")
    assert f"{people['faculty'].name_ru}: {DONE_REPORT}." in item[2]
    assert people["faculty"].name not in " ".join(paragraphs)
    assert "выполняется (30%)" in item[3] and PROGRESS_REPORT in item[3]
    assert f"просрочен (срок — {overdue_since})" in item[4]
    assert "исполнение не начато" in item[5]
    assert f"отменён: {CANCEL_REASON}." in item[6]


@pytest.mark.parametrize(
    ("total", "start"),
    [(1, "Из 1 пункта"), (2, "Из 2 пунктов"), (5, "Из 5 пунктов"), (21, "Из 21 пункта")],
)
def test_the_russian_count_of_items_agrees_with_its_noun(total, start):
    with translation.override("ru"):
        line = ngettext(
            "Of the %(count)s item of the resolution: %(statuses)s.",
            "Of the %(count)s items of the resolution: %(statuses)s.",
            total,
        ) % {"count": total, "statuses": ""}
    assert line.startswith(f"{start} постановления")


def test_the_statuses_are_the_assignments_own(previous_resolution, next_resolution):
    """The day the text is read decides what is overdue (Assignment.shown_status): before item
    3's deadline none is, after item 2's both are."""
    early = COUNCIL_DATE + datetime.timedelta(days=DAYS[3] - 1)
    late = COUNCIL_DATE + datetime.timedelta(days=DAYS[2] + 1)
    for today, overdue in ((early, 0), (TODAY, 1), (late, 2)):
        counts = execution.counts(previous_resolution.assignments.all(), today)
        assert counts[execution.OVERDUE] == overdue
        with translation.override("en"):
            counting = previous.generated_text(next_resolution, "en", today)[1]
        assert ("overdue" in counting) == bool(overdue)
        if overdue:
            assert f"{overdue} overdue" in counting
    # Overdue yet partly done: the item says how far it got.
    with translation.override("en"):
        paragraphs = previous.generated_text(next_resolution, "en", late)
        item = item_paragraph(paragraphs, 3)
        deadline = long_date(assignment(previous_resolution, 2).deadline)
    assert f"overdue (deadline {deadline}), 30% done." in item


# --- The document: a draft's edited text, adoption freezes it -------------------------------------


def test_a_drafts_edited_text_replaces_the_generated_one(next_resolution):
    generated_ru = service.build_document(next_resolution, "ru").execution
    edited = edit(next_resolution, execution_text="Биринчи абзац.\n\n  Экинчи абзац.  \n")
    assert service.build_document(edited, "ky").execution == ["Биринчи абзац.", "Экинчи абзац."]
    # Russian keeps its generated text until its own field is filled.
    assert service.build_document(edited, "ru").execution == generated_ru
    edited = edit(edited, execution_text_ru="Первый абзац.")
    assert service.build_document(edited, "ru").execution == ["Первый абзац."]


def test_adoption_freezes_the_section_while_a_draft_follows_the_execution(
    previous_resolution, next_resolution, people
):
    before = {lang: service.build_document(next_resolution, lang) for lang in ("ky", "ru")}
    assert before["ky"].execution and before["ru"].execution
    # Item 4 starts: the draft, generated afresh, says so.
    report(assignment(previous_resolution, 4), people, "Иш башталды", 40)
    draft = service.build_document(next_resolution, "ky")
    assert draft.execution != before["ky"].execution
    assert "Иш башталды" in item_paragraph_ky(draft.execution, 5)

    adopted = service.adopt(next_resolution, people["vice_rector"])
    at_adoption = {lang: service.build_document(adopted, lang).execution for lang in ("ky", "ru")}
    assert adopted.execution_text.splitlines() == at_adoption["ky"] == draft.execution
    assert adopted.execution_text_ru.splitlines() == at_adoption["ru"]

    # After the council: item 4 is done and item 6 restored; the adopted text stays as adopted.
    report(assignment(previous_resolution, 4), people, "Баары бүттү", 100)
    cancelled = assignment(previous_resolution, 5)
    execution.restore(cancelled, people["vice_rector"], cancelled.version)
    stored = Resolution.objects.get(pk=adopted.pk)
    for lang in ("ky", "ru"):
        assert service.build_document(stored, lang).execution == at_adoption[lang]
    assert "Баары бүттү" in " ".join(previous.generated_text(stored, "ky", TODAY))


def item_paragraph_ky(paragraphs, number):
    with translation.override("ky"):
        return item_paragraph(paragraphs, number)


def test_adoption_keeps_the_text_the_office_typed(next_resolution, people):
    edit(next_resolution, execution_text="Мурунку токтом толугу менен аткарылды.")
    adopted = service.adopt(Resolution.objects.get(pk=next_resolution.pk), people["vice_rector"])
    assert adopted.execution_text == "Мурунку токтом толугу менен аткарылды."
    # The Russian field was left empty: it gets the generated text.
    assert adopted.execution_text_ru.splitlines()[0].startswith("Исполнение постановления")
    document = service.build_document(Resolution.objects.get(pk=adopted.pk), "ky")
    assert document.execution == ["Мурунку токтом толугу менен аткарылды."]


def test_without_a_previous_resolution_there_is_no_section(world, people):
    resolution = new_resolution(world["session"])
    for lang in ("ky", "ru", "en"):
        document = service.build_document(resolution, lang)
        assert document.execution == [] and document.execution_heading == ""
    docx = Docx(BytesIO(documents.render_docx(service.build_document(resolution, "en"))))
    heading = "On the execution of the previous resolution of the academic council"
    assert heading not in "\n".join(p.text for p in docx.paragraphs)
    assert "res-execution" not in documents.pdf_html(service.build_document(resolution, "en"))
    adopted = service.adopt(resolution, people["vice_rector"])
    assert adopted.execution_text == adopted.execution_text_ru == ""


def test_the_section_comes_after_the_notes_and_before_the_resolves(next_resolution):
    html = documents.pdf_html(service.build_document(next_resolution, "ky"))
    assert html.index("res-notes") < html.index("res-execution") < html.index("res-hearing")


# --- DOCX and PDF ---------------------------------------------------------------------------------


def test_the_docx_holds_the_section_in_kyrgyz_and_russian(next_resolution):
    for lang in ("ky", "ru"):
        document = service.build_document(next_resolution, lang)
        docx = Docx(BytesIO(documents.render_docx(document)))
        texts = [p.text for p in docx.paragraphs]
        start = texts.index(document.execution_heading)
        assert texts[start + 1 : start + 1 + len(document.execution)] == document.execution
        assert start < texts.index(document.hearing)
    assert document.execution_heading == "Об исполнении предыдущего постановления учёного совета"


def test_the_pdf_holds_the_section(next_resolution):
    document = service.build_document(next_resolution, "ru")
    html = documents.pdf_html(document)
    assert document.execution_heading in html
    pdf = documents.render_pdf(document)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert one_line(document.execution_heading) in one_line(text)
        assert one_line(PROGRESS_REPORT) in one_line(text)
        assert one_line(CANCEL_REASON) in one_line(text)


# --- The pages ------------------------------------------------------------------------------------


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def form_data(resolution, **fields):
    """The edit form as the page posts it, the items unchanged."""
    data = {
        "session": resolution.session_id,
        "council_date": resolution.council_date.isoformat(),
        "protocol_number": resolution.protocol_number,
        "reporter_position": resolution.reporter_position,
        "reporter_name": resolution.reporter_name,
        "controller": resolution.controller,
        "verdict": resolution.verdict,
        "execution_text": resolution.execution_text,
        "execution_text_ru": resolution.execution_text_ru,
        "items-TOTAL_FORMS": str(resolution.items.count()),
        "items-INITIAL_FORMS": str(resolution.items.count()),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
    }
    for index, item in enumerate(resolution.items.all()):
        data[f"items-{index}-text"] = item.text
        data[f"items-{index}-ORDER"] = str(item.order)
    return {**data, **fields}


def test_the_form_fills_the_generated_text_without_saving(next_resolution, people):
    client = client_for(people["vice_rector"])
    edit_url = reverse("resolutions:edit", args=[next_resolution.pk])
    page = client.get(edit_url).content.decode()
    assert 'name="execution_text"' in page and 'name="execution_text_ru"' in page
    assert 'name="fill_execution"' in page and "<script>" not in page
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        assert f'id="{described}"' in page  # every help text the fields point to is there

    response = client.post(edit_url, form_data(next_resolution, fill_execution="1"))
    assert response.status_code == 200
    page = response.content.decode()
    today = timezone.localdate()
    for lang, name in (("ky", "execution_text"), ("ru", "execution_text_ru")):
        textarea = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
        expected = "\n".join(previous.generated_text(next_resolution, lang, today))
        assert textarea.group(1).strip() == escape(expected)
    assert Resolution.objects.get(pk=next_resolution.pk).execution_text == ""  # nothing saved

    typed = "Мурунку токтомдун аткарылышы: баары аткарылды."
    response = client.post(edit_url, form_data(next_resolution, execution_text=typed))
    assert response.status_code == 302
    assert Resolution.objects.get(pk=next_resolution.pk).execution_text == typed
    detail = client.get(reverse("resolutions:detail", args=[next_resolution.pk]))
    assert typed in detail.content.decode()


def test_the_page_shows_the_generated_section_in_english(next_resolution, people):
    client = client_for(people["vice_rector"])
    page = client.get(reverse("resolutions:detail", args=[next_resolution.pk]) + "?lang=en")
    text = page.content.decode()
    assert "On the execution of the previous resolution of the academic council" in text
    assert escape(DONE_REPORT) in text


def test_filling_without_a_previous_resolution_says_so(world, people):
    resolution = new_resolution(world["session"])
    client = client_for(people["vice_rector"])
    edit_url = reverse("resolutions:edit", args=[resolution.pk])
    response = client.post(edit_url, form_data(resolution, fill_execution="1"))
    assert response.status_code == 200
    assert "there is nothing to fill in" in response.content.decode()
    response = client.post(edit_url, form_data(resolution, fill_execution="1", council_date=""))
    assert "Give the council" in response.content.decode()
    assert Resolution.objects.get(pk=resolution.pk).council_date == COUNCIL_DATE


def test_a_new_resolution_fills_from_the_council_date_it_is_given(
    previous_resolution, next_resolution, people
):
    client = client_for(people["vice_rector"])
    count = Resolution.objects.count()
    data = form_data(next_resolution, fill_execution="1", council_date=NEXT_DATE.isoformat())
    page = client.post(reverse("resolutions:create"), data).content.decode()
    assert Resolution.objects.count() == count  # nothing saved
    assert escape(PROGRESS_REPORT) in page and "The previous resolution:" in page
    before = form_data(next_resolution, fill_execution="1", council_date="2024-08-01")
    page = client.post(reverse("resolutions:create"), before).content.decode()
    assert escape(PROGRESS_REPORT) not in page and "there is nothing to fill in" in page


def test_the_adopt_page_shows_the_section_it_will_fix(next_resolution, people):
    client = client_for(people["vice_rector"])
    confirm = client.get(reverse("resolutions:adopt", args=[next_resolution.pk]))
    page = confirm.content.decode()
    assert "fixed as it reads now" in page and escape(DONE_REPORT) in page
    client.post(reverse("resolutions:adopt", args=[next_resolution.pk]), adopt_data(confirm))
    adopted = Resolution.objects.get(pk=next_resolution.pk)
    assert adopted.is_adopted and DONE_REPORT in adopted.execution_text
