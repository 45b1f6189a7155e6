"""An upload waiting for its confirmation (portal.staging): saved under MEDIA_ROOT/<kind>/ by a
random token that only the uploading session may use, found while its file is there, forgotten,
deleted; uploads older than a day go when the next one comes."""

import os
import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.staging import KEEP_SECONDS, TOKEN, Staging

RESULTS = Staging("imports", ".xlsx", session_key="results_imports")
SURVEYS = Staging("survey_imports", ".upload", session_key="survey_imports")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def a_request():
    return SimpleNamespace(session={})


def test_an_upload_is_saved_under_its_kind_by_a_random_token(media):
    token = RESULTS.save(SimpleUploadedFile("results.xlsx", b"PK-bytes"))
    assert TOKEN.match(token)
    assert RESULTS.path(token) == media / "imports" / f"{token}.xlsx"
    assert RESULTS.path(token).read_bytes() == b"PK-bytes"
    assert RESULTS.save(SimpleUploadedFile("results.xlsx", b"again")) != token


def test_only_the_session_that_uploaded_it_finds_it():
    mine, theirs = a_request(), a_request()
    token = RESULTS.save(SimpleUploadedFile("results.xlsx", b"x"))
    RESULTS.remember(mine, token, "results.xlsx")
    assert RESULTS.pending(mine, token) == "results.xlsx" and RESULTS.is_pending(mine, token)
    assert RESULTS.pending(theirs, token) is None
    # Another import's staging keeps its own tokens, in its own directory.
    assert SURVEYS.pending(mine, token) is None


@pytest.mark.parametrize("token", ["", None, "short", "../../etc/passwd-xxxxxxxxxxxxxxxxxxxx"])
def test_a_token_it_did_not_make_names_no_file(token):
    request = a_request()
    request.session["results_imports"] = {token: "results.xlsx"}
    assert RESULTS.pending(request, token) is None


def test_a_token_whose_file_is_gone_is_not_pending():
    request = a_request()
    token = RESULTS.save(SimpleUploadedFile("results.xlsx", b"x"))
    RESULTS.remember(request, token, "results.xlsx")
    RESULTS.delete(token)
    assert not RESULTS.path(token).exists()
    assert RESULTS.pending(request, token) is None


def test_forget_keeps_the_file_and_discard_deletes_it():
    request = a_request()
    token = SURVEYS.save(SimpleUploadedFile("answers.csv", b"a,b"))
    SURVEYS.remember(request, token, {"filename": "answers.csv"})
    SURVEYS.forget(request, token)
    assert SURVEYS.pending(request, token) is None and SURVEYS.path(token).exists()
    SURVEYS.remember(request, token, {"filename": "answers.csv"})
    SURVEYS.discard(request, token)
    assert request.session["survey_imports"] == {} and not SURVEYS.path(token).exists()


def test_uploads_older_than_a_day_are_deleted_by_the_next_one(media):
    old = RESULTS.save(SimpleUploadedFile("old.xlsx", b"old"))
    recent = RESULTS.save(SimpleUploadedFile("recent.xlsx", b"recent"))
    other_kind = SURVEYS.save(SimpleUploadedFile("old.csv", b"old"))
    long_ago = time.time() - KEEP_SECONDS - 60
    for path in (RESULTS.path(old), SURVEYS.path(other_kind)):
        os.utime(path, (long_ago, long_ago))
    RESULTS.save(SimpleUploadedFile("new.xlsx", b"new"))
    assert not RESULTS.path(old).exists()
    assert RESULTS.path(recent).exists()
    assert SURVEYS.path(other_kind).exists()  # until the next survey upload
