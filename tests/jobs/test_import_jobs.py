"""The results import as a job: above RESULTS_IMPORT_INLINE_ROWS the check and the import run as
jobs, in the request without REDIS_URL and on a worker with it, and end with the same preview,
result or errors as the import page shows for a small file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs import tasks
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from sessions_app import importer
from sessions_app.importer.page import STAGING
from sessions_app.models import Admission, Grade, GradeChange
from tests import factories
from tests.jobs.conftest import client_for, work_off
from tests.sessions_app.test_importer import good_rows, workbook

URL = reverse("sessions:import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def small_threshold(settings):
    # good_rows() has 9 rows: above this, so the jobs' path is taken.
    settings.RESULTS_IMPORT_INLINE_ROWS = 5


@pytest.fixture
def admin():
    return factories.user(is_superuser=True, is_staff=True)


def upload(data):
    return SimpleUploadedFile("results.xlsx", data, content_type=XLSX)


def pending_files():
    directory = STAGING.directory()
    return sorted(directory.glob("*.xlsx")) if directory.exists() else []


def job_page(client, response):
    assert response.status_code == 302, response.content[:500]
    job = Job.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert response.url == reverse("jobs:detail", args=[job.pk])
    return job, client.get(response.url)


def counts(document):
    return {label: tuple(values) for label, *values in document["counts"]}


def expected_counts(data, user):
    result = importer.import_results(data, user=user, dry_run=True)
    return {
        model._meta.label_lower: (c.created, c.updated, c.unchanged)
        for model, c in result.count_rows()
    }


# --- In the request (no REDIS_URL) ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_big_file_is_checked_and_imported_as_jobs_in_the_request(admin):
    client = client_for(admin)
    data = workbook(good_rows())
    expected = expected_counts(data, admin)

    job, page = job_page(client, client.post(URL, {"file": upload(data)}))
    assert (job.kind, job.status, job.owner) == (JobKind.RESULTS_IMPORT, JobStatus.DONE, admin)
    assert job.params["dry_run"] is True
    assert page.status_code == 200
    text = page.content.decode()
    assert "9 rows read" in text and "Confirm the import" in text
    assert not Grade.objects.exists()
    assert len(pending_files()) == 1  # the checked file waits for the confirmation
    token = page.context["token"]

    job, page = job_page(client, client.post(URL, {"token": token}))
    assert job.status == JobStatus.DONE and job.params["dry_run"] is False
    assert page.status_code == 200
    assert "imported: 9 rows" in page.content.decode()
    assert counts(job.result) == expected
    assert job.result["written"] is True and job.result["rows"] == 9
    assert Grade.objects.count() == 6 and GradeChange.objects.count() == 6
    assert pending_files() == []

    # The token is used up: a second confirmation imports nothing.
    response = client.post(URL, {"token": token})
    assert "expired" in response.content.decode()
    assert GradeChange.objects.count() == 6


@pytest.mark.django_db
def test_small_files_stay_in_the_request_without_a_job(admin, settings):
    settings.RESULTS_IMPORT_INLINE_ROWS = 3000
    client = client_for(admin)
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 200 and "Confirm the import" in response.content.decode()
    response = client.post(URL, {"token": response.context["token"]})
    assert "imported: 9 rows" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_broken_big_file_ends_failed_with_its_errors_and_writes_nothing(admin):
    client = client_for(admin)
    rows = good_rows()
    rows[0]["grade"] = "pass"
    rows[4]["admitted"] = "maybe"
    job, page = job_page(client, client.post(URL, {"file": upload(workbook(rows))}))
    assert job.status == JobStatus.FAILED
    assert [(row, column) for row, column, *_rest in job.result["errors"]] == [
        (2, "grade"),
        (6, "admitted"),
    ]
    text = page.content.decode()
    assert "2 errors in 2 of 9 rows" in text
    assert [(e.row, e.column) for e in page.context["errors"]] == [(2, "grade"), (6, "admitted")]
    assert "Confirm the import" not in text
    assert pending_files() == []
    assert not Grade.objects.exists() and not Admission.objects.exists()


@pytest.mark.django_db
def test_a_file_refused_as_a_whole_shows_the_import_page_s_message(admin):
    client = client_for(admin)
    # It passes the upload check in the request; the job's reader finds the headers in row 2.
    data = workbook(good_rows(), before=lambda book: book.active.insert_rows(1))
    job, page = job_page(client, client.post(URL, {"file": upload(data)}))
    assert job.status == JobStatus.FAILED
    assert page.status_code == 400
    assert "The headers must be in row 1" in page.content.decode()
    assert pending_files() == []


@pytest.mark.django_db
def test_a_file_over_the_row_cap_is_refused_in_the_request_without_a_job(admin, monkeypatch):
    client = client_for(admin)
    monkeypatch.setattr(importer.workbook, "MAX_ROWS", 3)
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 400
    assert "at most 3 can be imported" in response.content.decode()
    assert not Job.objects.exists() and pending_files() == []


@pytest.mark.django_db
def test_the_import_reports_its_progress(admin, monkeypatch):
    seen = []
    monkeypatch.setattr(importer.pipeline, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(tasks, "PROGRESS_INTERVAL", 0)
    original = tasks.Progress.write

    def write(self, stage, done, total):
        seen.append((stage, done, total))
        original(self, stage, done, total)

    monkeypatch.setattr(tasks.Progress, "write", write)
    client = client_for(admin)
    job, page = job_page(client, client.post(URL, {"file": upload(workbook(good_rows()))}))
    token = page.context["token"]
    assert ("read", 0, 9) in seen and ("read", 4, 9) in seen and ("read", 9, 9) in seen
    assert ("check", 9, 9) in seen
    seen.clear()
    job_page(client, client.post(URL, {"token": token}))
    assert [entry for entry in seen if entry[0] == "write"] == [("write", 0, 0)]


# --- On a worker (REDIS_URL) ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queued_import_runs_on_the_worker_and_reports_progress(redis, admin, monkeypatch):
    seen = []
    monkeypatch.setattr(importer.pipeline, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(tasks, "PROGRESS_INTERVAL", 0)
    original = tasks.Progress.write

    def write(self, stage, done, total):
        # What the progress page would read at that moment, from the database.
        original(self, stage, done, total)
        row = Job.objects.get(pk=self.job_id)
        seen.append((row.status, row.stage, row.done, row.total))

    monkeypatch.setattr(tasks.Progress, "write", write)
    client = client_for(admin)
    data = workbook(good_rows())
    expected = expected_counts(data, admin)

    response = client.post(URL, {"file": upload(data)})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED and job.rq_id
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["status"] == "queued" and status["finished"] is False
    page = client.get(response.url)
    assert page.status_code == 200 and b"<progress" in page.content

    assert work_off(redis)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert ("running", "read", 4, 9) in seen and ("running", "check", 9, 9) in seen
    page = client.get(response.url)
    assert "Confirm the import" in page.content.decode()

    seen.clear()
    response = client.post(URL, {"token": page.context["token"]})
    job = Job.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert job.status == JobStatus.QUEUED
    assert len(pending_files()) == 1  # kept until the worker has imported it
    assert work_off(redis)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert ("running", "write", 0, 0) in seen
    assert counts(job.result) == expected
    assert Grade.objects.count() == 6
    assert pending_files() == []
    assert "imported: 9 rows" in client.get(response.url).content.decode()
    status = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["finished"]
