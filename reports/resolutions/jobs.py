"""The resolution's PDF as a background job (jobs.tasks.TASKS): WeasyPrint takes seconds on a
long document, so with a worker the page asks for it and downloads it when it is ready."""

from django.utils.translation import gettext as _

from jobs.services import JobFailed, file_path

from . import documents
from . import services as service
from .models import Resolution


def resolution_pdf(job, progress):
    """Render the resolution named in the job to MEDIA_ROOT/jobs/<id>.pdf."""
    progress("build", 0, 2)
    resolution = (
        Resolution.objects.select_related("session__academic_year", "adopted_by")
        .filter(pk=job.params["resolution"])
        .first()
    )
    if resolution is None:
        raise JobFailed(_("The resolution no longer exists."))
    document = service.build_document(resolution, job.params["language"])
    progress("render", 1, 2)
    try:
        content = documents.render_pdf(document)
    except documents.DocumentLibrariesMissing:
        raise JobFailed(
            _(
                "The PDF cannot be made on this server: the libraries WeasyPrint needs are not "
                "installed. Download the DOCX instead, or tell the administrator."
            )
        ) from None
    result = {
        "extension": "pdf",
        "filename": f"{document.filename_stem}.pdf",
        "content_type": "application/pdf",
        "bytes": len(content),
    }
    path = file_path(job.pk, result["extension"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return result
