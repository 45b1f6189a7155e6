"""A job's progress page, its status as JSON (what static/js/jobs.js polls) and its file.

Only the job's owner and superusers see a job; to anyone else it does not exist (404).
"""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import services
from .choices import JobKind, JobStatus
from .models import Job

# A finished job of these kinds is shown by its app's own page (the import's result page).
FINISHED_PAGES = {
    JobKind.RESULTS_IMPORT: "sessions_app.jobs.finished_page",
}


def _job(request, pk):
    return get_object_or_404(Job.objects.for_user(request.user).select_related("owner"), pk=pk)


def status_document(job):
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "stage": job.stage,
        "stage_label": str(job.get_stage_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
    }


@never_cache
@require_GET
def job_detail(request, pk):
    job = _job(request, pk)
    if job.finished and job.kind in FINISHED_PAGES:
        return import_string(FINISHED_PAGES[job.kind])(request, job)
    has_file = job.status == JobStatus.DONE and bool(job.result) and "extension" in job.result
    return render(request, "jobs/job.html", {"job": job, "has_file": has_file})


@never_cache
@require_GET
def job_status(request, pk):
    return JsonResponse(status_document(_job(request, pk)))


@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if job.status != JobStatus.DONE or not job.result or "extension" not in job.result:
        raise Http404
    path = services.file_path(job.pk, job.result["extension"])
    if not path.exists():
        raise Http404
    return FileResponse(
        open(path, "rb"),  # closed by FileResponse
        as_attachment=True,
        filename=job.result.get("filename") or path.name,
        content_type=job.result.get("content_type") or "application/octet-stream",
    )
