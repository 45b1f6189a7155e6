"""Admin imports of licences, accreditations and seminars: a real .xlsx uploaded through the admin,
previewed and confirmed; one bad row imports nothing and names the row and the column."""

import datetime
import html
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academics.choices import Level, StudyForm
from accreditation.choices import AccreditationKind, LicenceStatus
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def xlsx_file(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


def preview(client, model, content):
    url = reverse(f"admin:accreditation_{model}_import")
    page = client.get(url)
    assert page.status_code == 200
    xlsx = next(v for v, label in page.context["form"].fields["format"].choices if label == "xlsx")
    response = client.post(
        url,
        {"resource": "0", "format": xlsx, "import_file": SimpleUploadedFile("f.xlsx", content)},
    )
    assert response.status_code == 200
    return response


class HiddenInputs(HTMLParser):
    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def import_file(client, model, content):
    response = preview(client, model, content)
    result = response.context["result"]
    assert not result.has_errors(), [e.error for e in result.base_errors]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    action = reverse(f"admin:accreditation_{model}_process_import")
    parser = HiddenInputs(action)
    parser.feed(response.content.decode())
    done = client.post(action, parser.fields)
    assert done.status_code == 302, done.content.decode()[:2000]
    return response


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def structure():
    programs = {
        "bachelor": factories.program(code="710400", name="Программалык инженерия"),
        "extramural": factories.program(
            code="710400", name="Программалык инженерия", form=StudyForm.EXTRAMURAL
        ),
        "master": factories.program(code="580200", name="Менеджмент", level=Level.MASTER),
        "course": factories.program(code="", name="Бухгалтердик эсеп", level=Level.SHORT_COURSE),
    }
    niras = Agency.objects.create(
        name="Аккредитация, рейтинг жана тастыктоочу көз карандысыз институту",
        short_name="НИРАС",
    )
    return {"programs": programs, "niras": niras}


LICENCE_HEADERS = [
    "Программанын коду",
    "Программанын аталышы",
    "Деңгээл",
    "Окуу түрү",
    "Жөнөтүлгөн күнү",
    "Абалы",
    "Лицензиянын номери",
    "Лицензиянын датасы",
]


def test_licences_with_kyrgyz_headers_import(client, structure):
    content = xlsx_file(
        [
            LICENCE_HEADERS,
            ["710400", "Программалык инженерия", "бакалавр", "күндүзгү", "16.10.2023",
             "алынды", "LS240001", datetime.datetime(2024, 3, 22)],
            [710400, "Программалык инженерия", "бакалавр", "сырттан", "16.10.2023",
             "алынды", "LS240002", "22.03.2024"],
            ["", "Бухгалтердик эсеп", "кыска мөөнөттөгү курс", "күндүзгү", "2023-10-16",
             "жөнөтүлдү", "", ""],
            ["580100", "Экономика", "PhD", "күндүзгү", "16.10.2023", "алынды", "LS240003",
             "22.03.2024"],
        ]
    )  # fmt: skip

    import_file(client, "licenceapplication", content)

    rows = {
        (row.program_id, row.code, row.form): row
        for row in LicenceApplication.objects.select_related("program")
    }
    programs = structure["programs"]
    bachelor = rows[(programs["bachelor"].pk, "", StudyForm.DAY)]
    assert (bachelor.status, bachelor.licence_number) == (LicenceStatus.GRANTED, "LS240001")
    assert bachelor.licence_date == D(2024, 3, 22) and bachelor.date_sent == D(2023, 10, 16)
    assert rows[(programs["extramural"].pk, "", StudyForm.EXTRAMURAL)].licence_number == "LS240002"
    course = rows[(programs["course"].pk, "", StudyForm.DAY)]
    assert course.status == LicenceStatus.SENT
    # A program the registry does not hold keeps its own code and name.
    phd = rows[(None, "580100", StudyForm.DAY)]
    assert (phd.name, phd.level) == ("Экономика", Level.PHD)

    # The same file again changes nothing and adds nothing.
    response = import_file(client, "licenceapplication", content)
    assert LicenceApplication.objects.count() == 4
    assert {row.import_type for row in response.context["result"].rows} == {"skip"}


def test_a_bad_licence_row_imports_nothing_and_names_row_and_column(client, structure):
    content = xlsx_file(
        [
            LICENCE_HEADERS,
            ["710400", "Программалык инженерия", "бакалавр", "күндүзгү", "16.10.2023",
             "алынды", "LS240001", "22.03.2024"],
            ["580200", "Менеджмент", "магистр", "күндүзгү", "16.10.2023", "алынды", "", ""],
            ["580300", "Соода иши", "бакалавр", "күндүзгү", "31.02.2024", "", "", ""],
        ]
    )  # fmt: skip

    response = preview(client, "licenceapplication", content)

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [3, 4]
    page = text(response)
    assert "Row 3, column “Лицензиянын номери”: A granted licence has a number." in page
    assert "Row 3, column “Лицензиянын датасы”: A granted licence has a date." in page
    assert "Row 4, column “Жөнөтүлгөн күнү”: “31.02.2024” is not a date" in page
    assert "process_import" not in response.content.decode(), "no confirm button"
    assert LicenceApplication.objects.count() == 0


def test_accreditations_import_with_agency_by_short_name(client, structure):
    content = xlsx_file(
        [
            ["Түрү", "Программанын коду", "Деңгээл", "Окуу түрү", "Агенттик", "Чечимдин күнү",
             "Мөөнөтү, жыл"],
            ["программалык", "580200", "магистратура", "очная", "НИРАС", "14.06.2024", 5],
            ["институционалдык", "", "", "", "нирас", "20.12.2021", ""],
            ["", "710400", "бакалавр", "сырттан", "Аккредитация, рейтинг жана тастыктоочу көз "
             "карандысыз институту", "29.02.2024", 3],
        ]
    )  # fmt: skip

    import_file(client, "accreditation", content)

    rows = list(Accreditation.objects.order_by("decision_date"))
    assert [(r.kind, r.program, r.agency, r.expiry_date) for r in rows] == [
        (AccreditationKind.INSTITUTIONAL, None, structure["niras"], D(2026, 12, 20)),
        (AccreditationKind.PROGRAM, structure["programs"]["extramural"], structure["niras"],
         D(2027, 2, 28)),
        (AccreditationKind.PROGRAM, structure["programs"]["master"], structure["niras"],
         D(2029, 6, 14)),
    ]  # fmt: skip


def test_a_bad_accreditation_row_names_the_agency_and_the_program(client, structure):
    content = xlsx_file(
        [
            ["Түрү", "Программанын коду", "Деңгээл", "Окуу түрү", "Агенттик", "Чечимдин күнү"],
            ["", "580200", "магистр", "күндүзгү", "НИРАС", "14.06.2024"],
            ["", "999999", "магистр", "күндүзгү", "АРКАС", "14.06.2024"],
        ]
    )

    response = preview(client, "accreditation", content)

    page = text(response)
    assert "Row 3, column “Агенттик”: no agency “АРКАС”" in page
    assert "Row 3, column “Программанын коду”: no program “999999”" in page
    assert Accreditation.objects.count() == 0


def test_seminars_import_as_the_seed_heads_them(client, structure):
    content = xlsx_file(
        [
            ["№", "Семинардын темалары", "күнү", "Агенттиктин аталышы", "Катышуучулардын саны"],
            [1, "«Аккредитация и СМК в образовании»", "9.01.2024-жыл", "НИРАС", 27],
            [2, "Ички баалоо жана баяндама жазуу", "15.03.2024-жыл", "", 31],
        ]
    )

    import_file(client, "seminar", content)

    assert [(s.topic, s.date, s.agency, s.participants) for s in Seminar.objects.all()] == [
        ("«Аккредитация и СМК в образовании»", D(2024, 1, 9), structure["niras"], 27),
        ("Ички баалоо жана баяндама жазуу", D(2024, 3, 15), None, 31),
    ]
