"""The resolution's PDF as a job: prepared in the request without REDIS_URL and on a worker
with it, stored under MEDIA_ROOT/jobs/, downloaded by whoever asked for it."""

import pytest
from django.urls import reverse

from academics import roles
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from reports.resolutions import documents
from tests import factories
from tests.jobs.conftest import client_for, work_off
from tests.reports.test_resolution import build_world, new_resolution


@pytest.fixture
def resolution():
    return new_resolution(build_world()["session"])


@pytest.fixture
def vice_rector():
    return factories.user(role=roles.VICE_RECTOR)


def prepare(client, resolution, language="ky"):
    return client.post(reverse("resolutions:pdf_job", args=[resolution.pk]), {"lang": language})


@pytest.mark.django_db
def test_without_redis_the_page_links_the_direct_pdf_and_the_job_runs_in_the_request(
    resolution, vice_rector, media
):
    client = client_for(vice_rector)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert reverse("resolutions:pdf", args=[resolution.pk]) in page
    assert reverse("resolutions:pdf_job", args=[resolution.pk]) not in page

    response = prepare(client, resolution)
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status) == (JobKind.RESOLUTION_PDF, JobStatus.DONE)
    assert (media / "jobs" / f"{job.pk}.pdf").exists()
    page = client.get(response.url).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert 'filename="dolboor-2023-2024-II-ky.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_without_weasyprint_s_libraries_the_job_fails_with_a_message(
    resolution, vice_rector, monkeypatch
):
    def missing():
        raise documents.DocumentLibrariesMissing("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(documents, "_weasyprint", missing)
    client = client_for(vice_rector)
    response = prepare(client, resolution)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "WeasyPrint" in job.error
    page = client.get(response.url)
    assert "WeasyPrint" in page.content.decode()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_readers_only_may_prepare_it(resolution):
    dean = client_for(factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty()))
    assert prepare(dean, resolution).status_code == 403
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_the_pdf_is_prepared_by_the_worker(redis, resolution, vice_rector):
    client = client_for(vice_rector)
    page = client.get(reverse("resolutions:detail", args=[resolution.pk])).content.decode()
    assert reverse("resolutions:pdf_job", args=[resolution.pk]) in page
    # The direct download keeps working beside it.
    direct = client.get(reverse("resolutions:pdf", args=[resolution.pk]))
    assert direct.status_code == 200 and direct.content.startswith(b"%PDF")

    response = prepare(client, resolution, language="ru")
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and job.rq_id
    waiting = client.get(response.url).content.decode()
    assert "<progress" in waiting and "js/jobs.js" in waiting
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404

    assert work_off(redis)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result["filename"] == "dolboor-2023-2024-II-ru.pdf"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
