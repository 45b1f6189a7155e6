"""Password rules: easily guessed passwords (keyboard rows, sequences, repeats) refused beside
Django's length, common-list and all-digits checks, and every refusal in the interface's language.
"""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from portal.passwords import GuessablePasswordValidator
from tests import factories


def _refusals(password, user=None, language="ky"):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, user)
    return refused.value


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_too_short_is_said_in_the_interfaces_language(language):
    refusal = _refusals("Kx9!short", language=language)
    [message] = [e.messages[0] for e in refusal.error_list if e.code == "password_too_short"]
    assert "12" in message
    assert "too short" not in message and not message.isascii()


@pytest.mark.parametrize(
    "password",
    [
        "qwertyuiopas",  # a row of keys
        "1234567890ab",  # a sequence
        "passwordpassword",  # a repeat of a common word
        "1q2w3e4r5t6y",  # a walk down the keyboard
        "йцукенгшщзхъ",  # the first row again, on the Kyrgyz and Russian layout
        "пароль123456",  # "gfhjkm123456" on QWERTY, a well-known one
    ],
)
def test_an_easily_guessed_password_of_twelve_characters_or_more_is_refused(password):
    refusal = _refusals(password, language="en")
    assert "password_too_guessable" in [e.code for e in refusal.error_list]
    assert "too easy to guess" in " ".join(refusal.messages)


@pytest.mark.django_db
def test_the_admin_refuses_a_keyboard_row_with_our_message(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(root)
    client.cookies["portal_language"] = "en"
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newdean",
            "password1": "qwertyuiopas",
            "password2": "qwertyuiopas",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "This password is too easy to guess" in response.content.decode()
    assert not django_user_model.objects.filter(username="newdean").exists()


@pytest.mark.parametrize(
    "password",
    [
        "тоо-бою кызыл алма бышат",  # a Kyrgyz passphrase
        "correct horse battery staple",
        "x7Lq-m2Pz9aW",  # 12 random characters
        "жаз келди, Ош гүлдөдү 2025",
    ],
)
def test_a_strong_passphrase_or_random_password_is_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_a_password_made_of_the_users_own_names_is_refused():
    user = factories.user("bakytbek.asanov")
    user.first_name, user.last_name = "Бакытбек", "Асанов"
    validator = GuessablePasswordValidator()
    for password in ("bakytbek.asanov2024", "АсановБакытбек"):
        validator.validate(password)  # strong for anyone else
        with pytest.raises(ValidationError):
            validator.validate(password, user)


def test_a_password_longer_than_zxcvbn_takes_is_scored_by_its_beginning():
    validator = GuessablePasswordValidator()
    validator.validate("тоо-бою кызыл алма бышат " * 5)  # 125 characters: accepted
    with pytest.raises(ValidationError):
        validator.validate("qwertyuiop" * 10)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_guessable_message_and_help_text_go_through_translation(language, monkeypatch):
    # The lead translates the new msgids at the end: a stand-in gettext shows that the message
    # and the help text are asked for in the person's language, not fixed in English.
    from portal import passwords

    monkeypatch.setattr(passwords, "_", lambda text: f"[{translation.get_language()}] {text}")
    refusal = _refusals("qwertyuiopas", language=language)
    assert f"[{language}] This password is too easy to guess" in " ".join(refusal.messages)
    with translation.override(language):
        assert GuessablePasswordValidator().get_help_text().startswith(f"[{language}] ")


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_guessable_message_is_not_english_in_kyrgyz_and_russian(language):
    refusal = _refusals("qwertyuiopas", language=language)
    [message] = [e.messages[0] for e in refusal.error_list if e.code == "password_too_guessable"]
    assert not message.isascii()
    with translation.override(language):
        assert not GuessablePasswordValidator().get_help_text().isascii()


@pytest.mark.django_db
def test_every_other_refusal_is_already_in_kyrgyz_and_russian():
    user = factories.user("bakytbek.asanov")
    for language in ("ky", "ru"):
        for password in ("Kx9!short", "password1234", "123456789012", "bakytbek.asanov1"):
            messages = [
                e.messages[0]
                for e in _refusals(password, user, language).error_list
                if e.code != "password_too_guessable"
            ]
            assert messages and not any(m.isascii() for m in messages), (language, messages)
