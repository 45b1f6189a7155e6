"""The header's search and its page /search/?q=: students by name or record-book number, study
groups and disciplines, each in the user's scope, whatever the letter case and with ң ө ү ё typed
as н о у е; each found row links to the page it is about; the page reads in Kyrgyz and Russian."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from academics import roles
from reports.search.finder import LIMIT, find
from tests import factories as f
from tests.sessions_app.test_importer import row, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def university():
    """Two faculties, a group in each taking part in a session, and their students."""
    session = f.exam_session()
    it, eco = f.faculty(name="ИТФ"), f.faculty(name="ЭБФ")
    it_group = f.group(name="ПИ-1-23", program=f.program(faculty=it))
    eco_group = f.group(name="ЭК-1-23", program=f.program(faculty=eco))
    math = f.discipline(name="Жогорку математика")
    f.assessment(session=session, group=it_group, discipline=math)
    f.assessment(session=session, group=eco_group, discipline=f.discipline(name="Экономика"))
    return {
        "session": session,
        "it": it,
        "eco": eco,
        "it_group": it_group,
        "eco_group": eco_group,
        "math": math,
        "ergeshova": f.student(
            full_name="Эргешова Айгүл", record_book="ОТ-2023-0042", group=it_group
        ),
        "omurbekov": f.student(full_name="Өмүрбеков Нурлан", group=it_group),
        "other": f.student(full_name="Эргешов Бакыт", group=eco_group),
    }


def _client(user, language="ky"):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _names(results):
    return [student.full_name for student in results.students]


def test_a_name_is_found_in_any_case_and_with_the_kyrgyz_letters_typed_as_russian(university):
    rector = f.user(role=roles.VICE_RECTOR)
    assert _names(find(rector, "эргешова")) == ["Эргешова Айгүл"]
    assert _names(find(rector, "ЭРГЕШОВА")) == ["Эргешова Айгүл"]
    assert _names(find(rector, "омурбеков")) == ["Өмүрбеков Нурлан"]
    assert _names(find(rector, "Өмүрбеков нурлан")) == ["Өмүрбеков Нурлан"]
    assert _names(find(rector, "айгул эргешова")) == ["Эргешова Айгүл"]


def test_a_record_book_number_a_group_and_a_discipline_are_found(university):
    rector = f.user(role=roles.VICE_RECTOR)
    assert _names(find(rector, "от-2023-0042")) == ["Эргешова Айгүл"]
    assert [g.name for g in find(rector, "пи-1").groups] == ["ПИ-1-23"]
    found = find(rector, "МАТЕМАТИКА").disciplines
    assert [d.name for d in found] == ["Жогорку математика"]
    assert [link.group_name for link in found[0].search_groups] == ["ПИ-1-23"]


def test_a_deans_office_finds_only_its_faculty(university):
    dean = f.user(role=roles.DEAN_OFFICE, faculty=university["it"])
    results = find(dean, "эргешов")
    assert _names(results) == ["Эргешова Айгүл"]
    assert find(dean, "эк-1").groups == []
    # Economics is taught only to the other faculty's group, and belongs to no department here.
    assert find(dean, "экономика").disciplines == []
    assert [d.name for d in find(dean, "математика").disciplines] == ["Жогорку математика"]


def test_a_user_with_no_role_finds_nothing(university):
    nobody = f.user()
    results = find(nobody, "эргешов")
    assert (results.students, results.groups, results.disciplines) == ([], [], [])
    assert find(nobody, "математика").disciplines == []
    page = _client(nobody).get(reverse("reports:search"), {"q": "эргешов"})
    assert page.status_code == 200
    assert "Эргешова" not in page.content.decode()


def test_one_letter_finds_nothing_and_a_long_list_is_cut(university):
    rector = f.user(role=roles.VICE_RECTOR)
    assert find(rector, "э").too_short
    for n in range(LIMIT + 3):
        f.student(full_name=f"Асанов {n}", group=university["it_group"])
    results = find(rector, "асанов")
    assert len(results.students) == LIMIT
    assert "students" in results.more


def test_the_page_groups_the_results_by_kind_with_links_in_kyrgyz(university):
    rector = f.user(role=roles.VICE_RECTOR)
    page = _client(rector, "ky").get(reverse("reports:search"), {"q": "пи-1"})
    html = page.content.decode()
    group_page = reverse(
        "sessions:group_detail", args=[university["session"].pk, university["it_group"].pk]
    )
    assert page.status_code == 200
    assert 'lang="ky"' in html
    assert "Тайпалар" in html  # the groups' heading
    assert f'href="{group_page}"' in html
    assert 'role="search"' in html  # the header's box, on every page

    page = _client(rector, "ky").get(reverse("reports:search"), {"q": "эргешова"})
    html = page.content.decode()
    assert "Студенттер" in html
    assert "Эргешова Айгүл" in html and f'href="{group_page}"' in html


def test_the_page_reads_in_russian(university):
    rector = f.user(role=roles.VICE_RECTOR)
    html = _client(rector, "ru").get(reverse("reports:search"), {"q": "эргешова"}).content.decode()
    assert 'lang="ru"' in html
    assert "Студенты" in html
    assert "Эргешова Айгүл" in html


def test_the_header_box_keeps_what_was_typed_on_the_results_page(university):
    rector = f.user(role=roles.VICE_RECTOR)
    html = _client(rector).get(reverse("reports:search"), {"q": "Өмүр"}).content.decode()
    assert 'name="q" value="Өмүр"' in html
    home = _client(rector).get(reverse("sessions:session_list")).content.decode()
    assert f'action="{reverse("reports:search")}"' in home


def test_the_search_asks_few_queries(university, django_assert_max_num_queries):
    rector = f.user(role=roles.VICE_RECTOR)
    client = _client(rector)
    # The session and user (3), the three kinds (3), the groups' newest sessions (2), the user's
    # permissions for the menu and the admin links (2), the session's save (3): none grows with
    # the rows found.
    with django_assert_max_num_queries(13):
        client.get(reverse("reports:search"), {"q": "пи"})


def test_what_the_results_import_writes_in_bulk_is_found_and_so_is_a_rename():
    rector = f.user(role=roles.VICE_RECTOR)
    new = {"group": "ӨТ-1-23", "discipline": "Жогорку математика", "student_id": "2300077"}
    result = run([row(student_name="Өмүрбеков Нурлан", **new)])
    assert result.ok and result.written
    assert _names(find(rector, "омурбеков нурлан")) == ["Өмүрбеков Нурлан"]
    assert [g.name for g in find(rector, "от-1").groups] == ["ӨТ-1-23"]
    assert [d.name for d in find(rector, "жогорку").disciplines] == ["Жогорку математика"]
    # The same record book under a corrected name: the importer's bulk_update.
    assert run([row(student_name="Үсөнов Нурлан", **new)]).ok
    assert _names(find(rector, "усонов")) == ["Үсөнов Нурлан"]
    assert _names(find(rector, "2300077")) == ["Үсөнов Нурлан"]
    assert find(rector, "омурбеков").students == []
