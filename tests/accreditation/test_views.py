"""The academic department's pages: who may read and who may change, the registries' filters,
expiry badges and Excel export, and the report sections page."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academics import roles
from academics.choices import Level, StudyForm
from accreditation.choices import LicenceStatus
from accreditation.expiry import add_months
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def department():
    return client_for(factories.user(role=roles.ACADEMIC_DEPARTMENT))


@pytest.fixture
def vice_rector():
    return client_for(factories.user(role=roles.VICE_RECTOR))


@pytest.fixture
def agency():
    return Agency.objects.create(name="Independent institute", short_name="НИРАС")


@pytest.fixture
def accreditation(agency):
    return Accreditation.objects.create(
        program=factories.program(code="570400", name="Дизайн"),
        agency=agency,
        decision_date=D(2024, 6, 14),
    )


@pytest.fixture
def licence():
    return LicenceApplication.objects.create(
        program=factories.program(code="710400", name="Программалык инженерия"),
        date_sent=D(2023, 10, 16),
    )


@pytest.fixture
def seminar(agency):
    return Seminar.objects.create(topic="Ички баалоо", date=D(2024, 3, 15), agency=agency)


REGISTRIES = ["accreditation:licences", "accreditation:accreditations", "accreditation:seminars"]


# --- Who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*REGISTRIES, "accreditation:sections"])
def test_anonymous_is_sent_to_the_login_page(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", [*REGISTRIES, "accreditation:sections"])
def test_a_user_without_a_role_is_refused(name):
    assert client_for(factories.user()).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", [roles.VICE_RECTOR, roles.DEAN_OFFICE, roles.ACADEMIC_DEPARTMENT])
@pytest.mark.parametrize("name", [*REGISTRIES, "accreditation:sections"])
def test_every_role_reads(role, name, accreditation, licence, seminar):
    assert client_for(factories.user(role=role)).get(reverse(name)).status_code == 200


def test_the_vice_rector_only_reads(vice_rector, accreditation, licence, seminar):
    for name, obj in (
        ("licence", licence),
        ("accreditation", accreditation),
        ("seminar", seminar),
    ):
        assert vice_rector.get(reverse(f"accreditation:{name}_add")).status_code == 403
        assert (
            vice_rector.get(reverse(f"accreditation:{name}_edit", args=[obj.pk])).status_code == 403
        )
        assert vice_rector.post(reverse(f"accreditation:{name}_add"), {}).status_code == 403
    response = vice_rector.post(
        reverse("accreditation:licence_edit", args=[licence.pk]),
        {"program": licence.program_id, "date_sent": "2023-10-16", "status": "refused"},
    )
    assert response.status_code == 403
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SENT
    page = vice_rector.get(reverse("accreditation:licences")).content.decode()
    assert reverse("accreditation:licence_add") not in page
    assert reverse("accreditation:licence_edit", args=[licence.pk]) not in page


def test_the_academic_department_adds_and_edits(department, agency):
    program = factories.program(code="580200", name="Менеджмент", level=Level.MASTER)
    response = department.post(
        reverse("accreditation:accreditation_add"),
        {
            "kind": "program",
            "program": program.pk,
            "agency": agency.pk,
            "decision_date": "2024-02-29",
            "term_years": "3",
        },
    )
    assert response.status_code == 302
    accreditation = Accreditation.objects.get()
    assert accreditation.expiry_date == D(2027, 2, 28)

    response = department.post(
        reverse("accreditation:licence_add"),
        {"name": "Frontend", "level": "short_course", "form": "day", "date_sent": "2023-10-16",
         "status": "granted"},
    )  # fmt: skip
    assert response.status_code == 200, "a granted licence without its number is refused"
    assert "A granted licence has a number." in response.content.decode()
    response = department.post(
        reverse("accreditation:licence_add"),
        {"name": "Frontend", "level": "short_course", "form": "day", "date_sent": "2023-10-16",
         "status": "granted", "licence_number": "LS1", "licence_date": "2024-03-22"},
    )  # fmt: skip
    assert response.status_code == 302
    licence = LicenceApplication.objects.get()
    response = department.post(
        reverse("accreditation:licence_edit", args=[licence.pk]),
        {"program": program.pk, "date_sent": "2023-10-16", "status": "refused"},
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert (licence.program, licence.name, licence.level) == (program, "", Level.MASTER)
    assert licence.status == LicenceStatus.REFUSED


# --- The registries -----------------------------------------------------------------------------


def test_expiry_badges_per_row_and_the_summary_box(department, agency):
    today = timezone.localdate()
    soon = Accreditation.objects.create(
        program=factories.program(name="Soon"),
        agency=agency,
        decision_date=add_months(today, 2 - 60),  # expires in 2 months
    )
    Accreditation.objects.create(
        program=factories.program(name="Lapsed"),
        agency=agency,
        decision_date=add_months(today, -61),
    )
    Accreditation.objects.create(
        program=factories.program(name="Far"), agency=agency, decision_date=today
    )

    response = department.get(reverse("accreditation:accreditations"))

    page = response.content.decode()
    # The row's badge, the summary's count and the summary's list.
    assert page.count('class="badge warn-3"') == 3
    assert page.count('class="badge warn-expired"') == 3
    assert page.count('class="badge warn-12"') == 1, "the count alone: nothing within 12 months"
    assert 'warn-6"><strong>0</strong>' in page
    assert 'warn-3"><strong>1</strong>' in page
    assert 'warn-expired"><strong>1</strong>' in page
    summary = response.context["summary"]
    assert [item.object for item in summary["items"]][1] == soon


def test_filters_by_year_level_form_and_status(department):
    bachelor = factories.program(code="710400", name="Программалык инженерия")
    master = factories.program(code="580200", name="Менеджмент", level=Level.MASTER)
    extramural = factories.program(code="710400", form=StudyForm.EXTRAMURAL)
    factories.academic_year(2023)
    factories.academic_year(2024)
    LicenceApplication.objects.create(program=bachelor, date_sent=D(2023, 10, 16))
    LicenceApplication.objects.create(program=master, date_sent=D(2023, 10, 16))
    LicenceApplication.objects.create(program=extramural, date_sent=D(2024, 10, 1))
    url = reverse("accreditation:licences")

    def shown(**query):
        table = department.get(url, query).context["table"]
        return sorted((row.record.program for row in table.paginated_rows), key=lambda p: p.pk)

    assert shown(year=2023) == [bachelor, master]
    assert shown(year=2023, level="master") == [master]
    assert shown(form="extramural") == [extramural]
    assert shown(status="granted") == []


def test_excel_export_has_the_filtered_rows_and_neutralised_text(department, agency):
    factories.academic_year(2023)
    dangerous = factories.program(code="710400", name='=HYPERLINK("http://x")')
    Accreditation.objects.create(program=dangerous, agency=agency, decision_date=D(2024, 6, 14))
    other = factories.program(code="580200", name="Менеджмент")
    Accreditation.objects.create(program=other, agency=agency, decision_date=D(2022, 6, 14))

    response = department.get(
        reverse("accreditation:accreditations"), {"year": 2023, "export": "xlsx"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Program",
        "Level",
        "Study form",
        "Agency",
        "Decision date",
        "Term, years",
        "Expiry date",
        "Status",
    ]
    assert len(rows) == 2, "only the filtered year"
    program, level, form, agency_name, decided, years, expires, status = rows[1]
    assert program == '710400 =HYPERLINK("http://x")', "not at the start: no formula, kept"
    assert (level, form, agency_name) == ("bachelor", "day", "НИРАС")
    assert (decided.date(), years, expires.date()) == (D(2024, 6, 14), 5, D(2029, 6, 14))
    assert status == "valid"


def test_excel_export_neutralises_a_formula_at_the_start_of_a_cell(department):
    LicenceApplication.objects.create(
        name="=1+2", level="short_course", form="day", date_sent=D(2023, 10, 16)
    )
    response = department.get(reverse("accreditation:licences"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][0] == "'=1+2"
    assert rows[1][3] == datetime.datetime(2023, 10, 16)
    assert "Edit" not in rows[0]


def test_the_registry_paginates_and_sorts(department):
    for n in range(30):
        LicenceApplication.objects.create(
            name=f"Course {n:02d}", level="short_course", form="day", date_sent=D(2023, 10, 1)
        )
    url = reverse("accreditation:licences")
    first = department.get(url, {"sort": "program"}).context["table"]
    assert len(first.paginated_rows) == 25
    assert first.paginated_rows[0].record.name == "Course 00"
    last = department.get(url, {"sort": "-program", "page": 2}).context["table"]
    assert [row.record.name for row in last.paginated_rows] == [
        "Course 04", "Course 03", "Course 02", "Course 01", "Course 00"
    ]  # fmt: skip


# --- Report sections ------------------------------------------------------------------------------


def test_the_sections_page_shows_the_counts_and_the_lists(vice_rector, agency):
    year = factories.academic_year(2023)
    for form in (StudyForm.DAY, StudyForm.EXTRAMURAL):
        LicenceApplication.objects.create(
            program=factories.program(code="710400", name="Программалык инженерия", form=form),
            date_sent=D(2023, 10, 16),
            status=LicenceStatus.GRANTED,
            licence_number=f"LS-{form}",
            licence_date=D(2024, 3, 22),
        )
    LicenceApplication.objects.create(
        name="Python", level="short_course", form="day", date_sent=D(2023, 10, 16)
    )
    Accreditation.objects.create(
        program=factories.program(code="570400", name="Дизайн"),
        agency=agency,
        decision_date=D(2024, 6, 14),
    )
    Seminar.objects.create(
        topic="«Аккредитация и СМК в образовании»", date=D(2024, 1, 9), agency=agency,
        participants=27,
    )  # fmt: skip

    response = vice_rector.get(reverse("accreditation:sections"), {"year": year.start_year})

    page = " ".join(response.content.decode().split())
    assert (
        "documents were sent to obtain licences for 2 educational programs, and licences were "
        "obtained for 1 of them" in page
    )
    assert "710400 Программалык инженерия (bachelor, day, extramural)" in page
    assert (
        "1 programs were accredited by Independent institute (НИРАС) for a term of 5 years" in page
    )
    assert "570400 Дизайн (bachelor, day)" in page
    assert "«Аккредитация и СМК в образовании»" in page and ">27<" in page
    assert vice_rector.get(reverse("accreditation:sections"), {"year": "1999"}).status_code == 404


def test_a_filter_value_outside_its_choices_shows_nothing(department, licence):
    url = reverse("accreditation:licences")
    assert len(department.get(url).context["table"].paginated_rows) == 1
    assert len(department.get(url, {"level": "nonsense"}).context["table"].paginated_rows) == 0
