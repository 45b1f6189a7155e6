"""A job's progress page in headless Chromium: static/js/jobs.js follows the job from waiting to
done as its row changes, then shows the result, with no JavaScript error."""

import threading

import pytest
from django.db import connection
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from academics import roles
from jobs.choices import JobKind, JobStage, JobStatus
from jobs.models import Job
from jobs.tasks import run_job
from tests import factories
from tests.reports.test_resolution import build_world, new_resolution

# The roles are rows made by a migration: a transactional test flushes them, so restore them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_in_thread(job):
    try:
        run_job(job)
    finally:
        connection.close()  # the thread's own connection


def test_the_progress_page_follows_the_job_to_its_download(page, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    resolution = new_resolution(build_world()["session"])
    user = factories.user("prorektor", role=roles.VICE_RECTOR)
    job = Job.objects.create(
        kind=JobKind.RESOLUTION_PDF,
        owner=user,
        params={"resolution": resolution.pk, "language": "ky"},
        language="en",
    )
    driver = page.driver
    login("prorektor", "a-long-password-1")
    driver.get(page.url(f"/jobs/{job.pk}/"))
    bar = driver.find_element(By.ID, "job-bar")
    assert driver.find_element(By.ID, "job").get_attribute("data-status") == "queued"

    # The page reads what the row says, as a worker would write it.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, stage=JobStage.BUILD, done=1, total=4
    )
    WebDriverWait(driver, 10).until(lambda d: bar.get_attribute("value") == "25")
    assert driver.find_element(By.ID, "job-percent").text == "25%"
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, stage=JobStage.QUEUED)

    # Then the job runs (here, in a thread of the test) and the page reloads with the file.
    worker = threading.Thread(target=run_in_thread, args=(Job.objects.get(pk=job.pk),))
    worker.start()
    worker.join(60)
    WebDriverWait(driver, 15).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f"a[href='/jobs/{job.pk}/download']")
    )
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    assert driver.find_element(By.ID, "job").get_attribute("data-status") == "done"
    page.screenshot("job-done")
    assert page.js_errors() == []
