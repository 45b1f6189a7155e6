"""An uploaded file waiting for its confirmation: the imports that preview a file before writing
it (the results import, the survey import) keep it under MEDIA_ROOT/<kind>/, named by a random
token that only the uploader's session knows, and import it again from scratch once confirmed.

A token is usable only by the session that uploaded it and only while its file is there; a
preview not confirmed within KEEP_SECONDS is forgotten, and its file deleted by a later upload.
"""

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# What secrets.token_urlsafe makes; anything else in a form is refused before it names a path.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Staging:
    """Where one import keeps its uploads: MEDIA_ROOT/<kind>/<token><suffix>, and its tokens in
    the user's session under `session_key`, each with what the page remembers of its file."""

    kind: str
    suffix: str
    session_key: str

    def directory(self):
        # Read at each call: the settings (and the tests' MEDIA_ROOT) may change.
        return Path(settings.MEDIA_ROOT) / self.kind

    def path(self, token):
        return self.directory() / f"{token}{self.suffix}"

    def save(self, upload):
        """Write `upload` under a new token and return the token; old uploads are deleted."""
        self.directory().mkdir(parents=True, exist_ok=True)
        self.delete_old()
        token = secrets.token_urlsafe(24)
        with open(self.path(token), "xb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return token

    def delete_old(self):
        cutoff = time.time() - KEEP_SECONDS
        for path in self.directory().glob(f"*{self.suffix}"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass  # deleted meanwhile by another request

    def remember(self, request, token, value):
        """Keep `token` in the user's session, with `value` (what the confirmation needs)."""
        pending = request.session.get(self.session_key, {})
        pending[token] = value
        request.session[self.session_key] = pending

    def pending(self, request, token):
        """What was remembered with `token`, when this session uploaded it and its file is still
        there; else None."""
        pending = request.session.get(self.session_key, {})
        if not TOKEN.match(token or "") or token not in pending or not self.path(token).exists():
            return None
        return pending[token]

    def is_pending(self, request, token):
        return self.pending(request, token) is not None

    def forget(self, request, token):
        """The token is used up; its file stays (a job may still be reading it)."""
        pending = request.session.get(self.session_key, {})
        if pending.pop(token, None) is not None:
            request.session[self.session_key] = pending

    def delete(self, token):
        self.path(token).unlink(missing_ok=True)

    def discard(self, request, token):
        """Forget the token and delete its file."""
        self.delete(token)
        self.forget(request, token)
