"""The shell around every page: login required, the language switch, Kyrgyz number formats."""

import pytest
from django.urls import reverse
from django.utils import formats, translation

from academics import roles
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/"])
def test_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_home_redirects_to_the_portal_login_with_next(client):
    response = client.get("/")
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.django_db
def test_login_page_is_open_and_kyrgyz_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ky"
    html = response.content.decode()
    assert '<html lang="ky">' in html
    assert "Кирүү" in html  # "Log in"


@pytest.mark.django_db
def test_login_then_home_shows_the_structure(client):
    faculty = factories.faculty(name="Энергетика факультети")
    program = factories.program(faculty=faculty)
    group = factories.group(program=program)
    factories.student(group=group)
    factories.student(group=group)
    factories.user("dean", role=roles.DEAN_OFFICE, faculty=faculty)
    response = client.post(
        reverse("login"), {"username": "dean", "password": "a-long-password-1", "next": "/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert "Энергетика факультети" in html


@pytest.mark.django_db
def test_login_with_no_role_shows_no_figures_but_says_why(client, django_user_model):
    factories.student(
        group=factories.group(
            program=factories.program(faculty=factories.faculty(name="Энергетика факультети"))
        )
    )
    django_user_model.objects.create_user("newcomer", password="a-long-password-1")
    client.post(reverse("login"), {"username": "newcomer", "password": "a-long-password-1"})
    client.cookies["portal_language"] = "en"
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Энергетика факультети" not in html and 'class="tile' not in html
    assert "Your account has no role yet" in html


@pytest.mark.django_db
def test_wrong_password_stays_on_login_with_an_error(client, django_user_model):
    django_user_model.objects.create_user("dean", password="a-long-password-1")
    response = client.post(reverse("login"), {"username": "dean", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Войти"), ("en", "Log in"), ("ky", "Кирүү")],
)
def test_language_switch_works_before_login(client, language, expected):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("login")}
    )
    assert response.status_code == 302
    assert response.cookies["portal_language"].value == language
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == language
    assert expected in page.content.decode()


@pytest.mark.django_db
def test_language_switch_is_on_every_page(admin_client):
    html = admin_client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    for code in ("ky", "ru", "en"):
        assert f'value="{code}"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ky", "547\xa0203,5"), ("ru", "547\xa0203,5"), ("en", "547,203.5")],
)
def test_numbers_follow_the_active_locale(language, expected):
    with translation.override(language):
        assert formats.number_format(547203.5, decimal_pos=1, force_grouping=True) == expected


@pytest.mark.django_db
def test_kyrgyz_even_when_the_browser_asks_for_russian(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.8")
    assert response.headers["Content-Language"] == "ky"


@pytest.mark.django_db
def test_login_without_next_lands_on_home(client, django_user_model):
    django_user_model.objects.create_user("dean", password="a-long-password-1")
    response = client.post(reverse("login"), {"username": "dean", "password": "a-long-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:home")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "role"), [("ky", "Ролдор"), ("ru", "Роли")])
def test_admin_tells_roles_from_study_groups(admin_client, language, role):
    admin_client.cookies["portal_language"] = language
    html = admin_client.get("/admin/").content.decode()
    assert role in html
