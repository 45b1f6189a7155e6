"""A job's page, status and file: its owner and superusers see them; anyone else gets 404."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from jobs.choices import JobKind, JobStage, JobStatus
from jobs.models import Job
from jobs.services import file_path
from tests import factories
from tests.jobs.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return factories.user()


@pytest.fixture
def running(owner):
    return Job.objects.create(
        kind=JobKind.RESOLUTION_PDF,
        owner=owner,
        status=JobStatus.RUNNING,
        stage=JobStage.RENDER,
        done=1,
        total=4,
    )


@pytest.fixture
def finished(owner, media):
    job = Job.objects.create(
        kind=JobKind.RESOLUTION_PDF,
        owner=owner,
        status=JobStatus.DONE,
        stage=JobStage.FINISHED,
        result={"extension": "pdf", "filename": "x.pdf", "content_type": "application/pdf"},
    )
    path = file_path(job.pk, "pdf")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF-1.7 test")
    return job


def urls(job):
    return [reverse(f"jobs:{name}", args=[job.pk]) for name in ("detail", "status", "download")]


def test_the_status_document(owner, running):
    response = client_for(owner).get(reverse("jobs:status", args=[running.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert json.loads(response.content) == {
        "id": running.pk,
        "kind": "resolution_pdf",
        "status": "running",
        "status_label": "running",
        "stage": "render",
        "stage_label": "Rendering the PDF…",
        "done": 1,
        "total": 4,
        "percent": 25,
        "finished": False,
    }


def test_the_progress_page_has_no_inline_script_or_style(owner, running):
    page = client_for(owner).get(reverse("jobs:detail", args=[running.pk])).content.decode()
    assert '<progress id="job-bar" max="100" value="25">' in page
    assert "Rendering the PDF…" in page and "25%" in page
    assert f'data-status-url="/jobs/{running.pk}/status.json"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "style=" not in page
    scripts = page.split("<script")[1:]
    assert scripts and all(chunk.lstrip().startswith("src=") for chunk in scripts)


def test_an_unknown_size_shows_an_indeterminate_bar(owner, running):
    running.total = 0
    running.save()
    page = client_for(owner).get(reverse("jobs:detail", args=[running.pk])).content.decode()
    assert '<progress id="job-bar" max="100">' in page


def test_the_owner_downloads_the_file(owner, finished):
    response = client_for(owner).get(reverse("jobs:download", args=[finished.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert 'attachment; filename="x.pdf"' == response["Content-Disposition"]


def test_another_user_gets_404_everywhere(finished, running):
    stranger = client_for(factories.user())
    for job in (finished, running):
        for url in urls(job):
            assert stranger.get(url).status_code == 404, url


def test_a_superuser_sees_every_job(finished):
    admin = client_for(factories.user(is_superuser=True, is_staff=True))
    for url in urls(finished):
        assert admin.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_log_in(finished):
    for url in urls(finished):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_no_download_before_the_job_is_done(owner, running):
    assert client_for(owner).get(reverse("jobs:download", args=[running.pk])).status_code == 404
