"""Password rules: every refusal in the interface's language."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


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
