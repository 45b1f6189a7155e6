"""Kyrgyz first: the language is the one the person chose, else Kyrgyz, never the browser's guess.

Most browsers here are set to Russian or English; following Accept-Language would hide the
Kyrgyz interface from the people it is made for. The choice is kept in the language cookie.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KyrgyzFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
