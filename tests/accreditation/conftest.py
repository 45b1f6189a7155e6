"""The accreditation tests read the English messages: the portal's default language is Kyrgyz, so
they ask for English, for direct calls and for pages requested without a language cookie."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
