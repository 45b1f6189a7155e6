"""Our password validator (settings.AUTH_PASSWORD_VALIDATORS): refuses what an attacker guesses
early, which Django's length, common-list and all-digits checks let through.

zxcvbn (Dropbox's estimator, the PyPI port) finds keyboard rows and walks (qwertyuiopas,
1q2w3e4r5t6y), repeats (passwordpassword), sequences (1234567890ab), dates, and common words and
names with l33t changes, and scores the guesses needed from 0 to 4. Its dictionaries and keyboard
are English; Kyrgyz and Russian are typed on the ЙЦУКЕН layout, so a Cyrillic password is scored
a second time as the same keys on QWERTY (йцукен is qwerty, пароль is gfhjkm, both well known).
"""

import threading

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# The Russian (and Kyrgyz) layout's letters, key for key on the QWERTY layout.
_CYRILLIC = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_SAME_KEYS = str.maketrans(_CYRILLIC + _CYRILLIC.upper(), _LATIN + _LATIN.upper())

# zxcvbn refuses longer input, and its matching grows fast with length; the first 72 characters
# of a password decide whether it is guessable (more characters only add to the guesses).
_SCORED_LENGTH = 72

# zxcvbn keeps the user's words in a module-level dictionary during each call: one call at a time
# (runserver and threaded workers validate in parallel).
_lock = threading.Lock()


class GuessablePasswordValidator:
    """Refuses a password whose zxcvbn score is below `min_score` (3: at least 10^8 guesses, out
    of reach online behind the lock-out, and slow offline against the portal's hasher)."""

    def __init__(self, min_score=3):
        self.min_score = min_score

    def validate(self, password, user=None):
        if self.score(password, _user_words(user)) < self.min_score:
            raise ValidationError(self.get_error_message(), code="password_too_guessable")

    def score(self, password, user_words=()):
        scored = password[:_SCORED_LENGTH]
        candidates = {scored, scored.translate(_SAME_KEYS)}
        with _lock:
            return min(zxcvbn(text, user_inputs=list(user_words))["score"] for text in candidates)

    def get_error_message(self):
        return _(
            "This password is too easy to guess, like a row of keys, a repeat, a sequence, a "
            "date or a common word. Three or four unrelated words make a strong password."
        )

    def get_help_text(self):
        return _(
            "Your password can’t be easy to guess, like a row of keys, a repeat, a sequence, a "
            "date or a common word."
        )


def _user_words(user):
    if user is None:
        return []
    fields = ("username", "first_name", "last_name", "email")
    return [str(value) for value in (getattr(user, f, "") for f in fields) if value]
