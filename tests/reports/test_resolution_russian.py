"""The council's resolution in Russian is Russian: the stored texts' Russian forms (falling back to
Kyrgyz, and listed on the page while missing), counts of students agreeing with their noun in
Russian and Kyrgyz, and the signature block in the page, the DOCX and the PDF's HTML."""

import datetime
import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document as Docx

from academics import roles
from accreditation.choices import AccreditationKind
from accreditation.models import Accreditation, Agency
from reports.resolutions import documents
from reports.resolutions import services as service
from reports.resolutions.models import Resolution
from tests import factories
from tests.reports.test_resolution import build_world, new_resolution, text_of

pytestmark = pytest.mark.django_db

AGENCY_KY = "Аккредитация, рейтинг жана тастыктоочу көз карандысыз институту"
AGENCY_RU = "Независимый институт аккредитации, рейтинга и сертификации"
RUSSIAN = {
    "reporter_position": "Окуу иштери боюнча проректор",
    "reporter_position_ru": "проректор по учебной работе",
    "controller": "ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов",
    "controller_ru": "проректор ОшТУ по учебной работе У.Ж. Мамытов",
    "chair_name": "К.А. Ректоров",
    "chair_position": "Окумуштуулар кеңешинин төрагасы, ректор",
    "chair_position_ru": "Председатель учёного совета, ректор",
    "secretary_name": "Н.Б. Катчыева",
    "secretary_position": "Окумуштуулар кеңешинин окумуштуу катчысы",
    "secretary_position_ru": "Учёный секретарь учёного совета",
}
# Words of the Kyrgyz stored texts that have no place in the Russian document once their Russian
# forms are filled.
KYRGYZ_ONLY = [
    "иштери",  # "Окуу иштери боюнча проректор"
    "боюнча",
    "башчылары",
    "жогорулатылсын",
    "антиплагиат программасынан",
    "окуу жылынын аягына чейин",
    "рейтинг жана тастыктоочу",
    "кеңешинин",
]


@pytest.fixture(autouse=True)
def no_active_language_afterwards():
    """The pages' requests activate the cookie's language in this thread: drop it, for the tests
    that follow."""
    yield
    translation.deactivate()


@pytest.fixture
def world():
    world = build_world()
    agency = Agency.objects.create(
        name=AGENCY_KY, short_name="НИРАС", name_ru=AGENCY_RU, short_name_ru="НИРАС"
    )
    for code in ("710400", "580200"):
        Accreditation.objects.create(
            kind=AccreditationKind.PROGRAM,
            program=factories.program(code=code),
            agency=agency,
            decision_date=datetime.date(2024, 6, 14),
            term_years=5,
        )
    world["agency"] = agency
    return world


def russian_items():
    return [
        (text, responsible, deadline, text_ru, responsible_ru, deadline_ru)
        for text, responsible, deadline, text_ru, responsible_ru, deadline_ru in (
            service.DEFAULT_ITEMS
        )
    ]


def resolution_with_russian(session):
    resolution = new_resolution(session, **RUSSIAN)
    service.update_resolution(resolution, {}, russian_items())
    return Resolution.objects.get(pk=resolution.pk)


def docx_text(content):
    docx = Docx(BytesIO(content))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in docx.paragraphs] + cells)


# --- The numerals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "nominative", "genitive"),
    [
        (1, "1 студент", "1 студента"),
        (2, "2 студента", "2 студентов"),
        (4, "4 студента", "4 студентов"),
        (5, "5 студентов", "5 студентов"),
        (11, "11 студентов", "11 студентов"),
        (12, "12 студентов", "12 студентов"),
        (20, "20 студентов", "20 студентов"),
        (21, "21 студент", "21 студента"),
        (22, "22 студента", "22 студентов"),
        (111, "111 студентов", "111 студентов"),
        (4083, "4 083 студента", "4 083 студентов"),
    ],
)
def test_russian_counts_agree_with_their_noun(value, nominative, genitive):
    with translation.override("ru"):
        # The thousands separator is the locale's (another branch may change it): compare digits.
        assert normal(service.students(value)) == nominative
        assert normal(service.of_students(value)) == genitive


@pytest.mark.parametrize("value", [1, 2, 5, 11, 21, 4083])
def test_kyrgyz_counts_keep_the_noun_singular(value):
    with translation.override("ky"):
        assert re.fullmatch(r"[\d\s\u00a0\u202f]+ студент", service.students(value))
        assert service.of_students(value).endswith(" студенттин")


def normal(text):
    """Thousands separators of any kind read as one plain space."""
    return re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d)", " ", text)


def test_every_count_of_students_in_the_notes_agrees(world):
    figures = service.compute_figures(world["session"])
    day = figures["exam_session"]["forms"]["day"]["before"]
    day.update(contingent=4083, budget=21, contract=4062, admitted=4062, not_admitted=21)
    extramural = figures["exam_session"]["forms"]["extramural"]["before"]
    extramural.update(contingent=21, admitted=20, not_admitted=1, passed=11, owing=2)
    with translation.override("ru"):
        text = normal(" ".join(service.notes(figures)))
    assert "контингент очного отделения университета составлял 4 083 студента" in text
    assert "из 4 083 студентов очного отделения" in text
    assert "Допущены к сессии: 4 062 студента" in text
    assert "не допущены: 21 студент (" in text
    assert "Контингент заочного отделения составлял 21 студент," in text
    assert "Из 21 студента заочного отделения" in text
    assert "Сдали сессию полностью: 11 студентов" in text
    assert "не явились: 2 студента" in text
    with translation.override("ky"):
        text = normal(" ".join(service.notes(figures)))
    assert "күндүзгү окуу бөлүмүндө 4 083 студент, анын ичинен" in text
    assert "4 083 студенттин ичинен" in text
    assert "4 062 студент" in text
    assert "студента" not in text and "студентов" not in text


# --- The stored texts in Russian --------------------------------------------------------------


def test_the_russian_document_uses_the_russian_forms(world):
    resolution = resolution_with_russian(world["session"])

    document = service.build_document(resolution, "ru")
    text = text_of(document)

    assert "(докладчик — проректор по учебной работе У.Ж. Мамытов)" in text
    assert "возложить на: проректор ОшТУ по учебной работе У.Ж. Мамытов" in text
    assert "Укрепить материально-техническую базу университета" in text
    assert "(ответственные: заведующие кафедрами, АХЧ; срок: до конца учебного года)" in text
    assert f"аккредитацию {AGENCY_RU} (НИРАС)" in text
    for word in KYRGYZ_ONLY:
        assert word not in text, word
    assert document.missing_russian == []


def test_the_kyrgyz_document_keeps_the_kyrgyz_texts(world):
    resolution = resolution_with_russian(world["session"])

    text = text_of(service.build_document(resolution, "ky"))

    assert "Окуу иштери боюнча проректор У.Ж. Мамытов" in text
    assert "Университеттин материалдык-техникалык базасы жогорулатылсын" in text
    assert AGENCY_KY in text
    assert "Укрепить" not in text and AGENCY_RU not in text


def test_without_russian_forms_the_kyrgyz_text_stands_in_and_is_listed(world):
    world["agency"].name_ru = ""
    world["agency"].save()
    resolution = new_resolution(world["session"])  # the seed's items, no Russian forms

    service.update_resolution(
        resolution, {}, [(text, resp, deadline) for text, resp, deadline, *_ru in russian_items()]
    )
    with translation.override("en"):
        document = service.build_document(Resolution.objects.get(pk=resolution.pk), "ru")

    text = text_of(document)
    assert "Окуу иштери боюнча проректор У.Ж. Мамытов" in text  # no error, the Kyrgyz text
    assert "Университеттин материалдык-техникалык базасы жогорулатылсын" in text
    assert AGENCY_KY in text
    assert document.missing_russian == [
        "the reporter's position",
        "who controls the execution",
        "item 2",
        "item 3",
        "item 4",
        "item 5",
        "item 6",
        f"the agency “{AGENCY_KY} (НИРАС)”",
    ]
    assert service.build_document(resolution, "ky").missing_russian == []


def test_an_adopted_resolution_keeps_its_agencys_russian_name(world):
    resolution = resolution_with_russian(world["session"])
    service.adopt(resolution, None)
    world["agency"].name_ru = "Переименованное агентство"
    world["agency"].save()

    text = text_of(service.build_document(Resolution.objects.get(pk=resolution.pk), "ru"))

    assert AGENCY_RU in text and "Переименованное" not in text


# --- The signature block ---------------------------------------------------------------------


def test_the_signature_block_in_both_languages(world):
    resolution = resolution_with_russian(world["session"])

    russian = service.build_document(resolution, "ru").signatures
    kyrgyz = service.build_document(resolution, "ky").signatures

    assert [(s.title, s.name) for s in russian] == [
        ("Председатель учёного совета, ректор", "К.А. Ректоров"),
        ("Учёный секретарь учёного совета", "Н.Б. Катчыева"),
    ]
    assert [(s.title, s.name) for s in kyrgyz] == [
        ("Окумуштуулар кеңешинин төрагасы, ректор", "К.А. Ректоров"),
        ("Окумуштуулар кеңешинин окумуштуу катчысы", "Н.Б. Катчыева"),
    ]


def test_a_title_left_empty_is_the_councils_own(world):
    resolution = new_resolution(world["session"], chair_name="К.А. Ректоров")

    russian = service.build_document(resolution, "ru").signatures
    kyrgyz = service.build_document(resolution, "ky").signatures

    assert [(s.title, s.name) for s in russian] == [
        ("Председатель учёного совета", "К.А. Ректоров")
    ]
    assert [(s.title, s.name) for s in kyrgyz] == [
        ("Окумуштуулар кеңешинин төрагасы", "К.А. Ректоров")
    ]


def test_the_docx_and_the_pdf_carry_the_russian_text_and_the_signatures(world):
    resolution = resolution_with_russian(world["session"])
    document = service.build_document(resolution, "ru")

    docx = docx_text(documents.render_docx(document))
    pdf_html = documents.pdf_html(document)

    for text in (docx, pdf_html):
        assert "Укрепить материально-техническую базу университета" in text
        assert "Председатель учёного совета, ректор" in text
        assert "К.А. Ректоров" in text
        assert "Учёный секретарь учёного совета" in text
        assert "Н.Б. Катчыева" in text
        for word in KYRGYZ_ONLY:
            assert word not in text, word
    assert "Допущены к сессии: 6 студентов (85,7%); не допущены: 1 студент (14,3%)" in docx
    assert "Из 3 студентов заочного отделения" in docx


# --- The pages ---------------------------------------------------------------------------------


def client_for(user, language):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def test_the_page_in_russian_and_kyrgyz(world):
    resolution = resolution_with_russian(world["session"])
    vice_rector = client_for(factories.user(role=roles.VICE_RECTOR), "ky")
    detail = reverse("resolutions:detail", args=[resolution.pk])

    russian = vice_rector.get(detail + "?lang=ru").content.decode()
    kyrgyz = vice_rector.get(detail + "?lang=ky").content.decode()
    docx = docx_text(
        vice_rector.get(reverse("resolutions:docx", args=[resolution.pk]) + "?lang=ru").content
    )

    assert "Председатель учёного совета, ректор" in russian
    assert "Окумуштуулар кеңешинин төрагасы, ректор" in kyrgyz
    assert "7 студентов" in normal(russian) and "7 студент," in normal(kyrgyz)
    assert "Укрепить материально-техническую базу" in docx
    assert "res-missing" not in russian


def test_the_page_lists_what_lacks_its_russian_form(world):
    resolution = new_resolution(world["session"])
    service.update_resolution(resolution, {}, [("Кыргызча гана", "", "")])
    vice_rector = client_for(factories.user(role=roles.VICE_RECTOR), "ky")

    page = vice_rector.get(
        reverse("resolutions:detail", args=[resolution.pk]) + "?lang=ru"
    ).content.decode()

    assert "res-missing" in page
    assert "баяндамачынын кызматы" in page  # said in the interface's language, Kyrgyz
    assert "2-пункт" in page


def test_a_new_resolution_starts_from_the_last_ones_signatures_and_russian_forms(world):
    resolution_with_russian(world["session"])
    vice_rector = client_for(factories.user(role=roles.VICE_RECTOR), "ky")

    page = vice_rector.get(reverse("resolutions:create")).content.decode()

    for value in (
        "К.А. Ректоров",
        "Учёный секретарь учёного совета",
        "проректор по учебной работе",
        "Укрепить материально-техническую базу университета",
    ):
        assert value in page, value


def test_the_form_saves_the_russian_forms_and_the_signatures(world):
    vice_rector = client_for(factories.user(role=roles.VICE_RECTOR), "en")
    data = {
        "session": world["session"].pk,
        "council_date": "2024-08-28",
        "protocol_number": "1",
        "verdict": "good",
        "reporter_name": "У.Ж. Мамытов",
        **{name: value for name, value in RUSSIAN.items() if name != "controller_ru"},
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-ORDER": "1",
        "items-0-text": "Текст кыргызча",
        "items-0-text_ru": "Текст по-русски",
        "items-0-responsible": "декандар",
        "items-0-responsible_ru": "деканы",
    }

    response = vice_rector.post(reverse("resolutions:create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    resolution = Resolution.objects.get()
    assert resolution.chair_position_ru == "Председатель учёного совета, ректор"
    assert resolution.secretary_name == "Н.Б. Катчыева"
    # Left empty, the Russian controller is the reporter, in Russian.
    assert resolution.controller_ru == "проректор по учебной работе У.Ж. Мамытов"
    item = resolution.items.get()
    assert (item.text_ru, item.responsible_ru, item.deadline_ru) == (
        "Текст по-русски",
        "деканы",
        "",
    )
