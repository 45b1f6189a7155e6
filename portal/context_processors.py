"""What every page shows: the university's name and the languages to switch to."""

from django.conf import settings
from django.utils.translation import gettext as _


def portal(request):
    return {
        "university_name": settings.UNIVERSITY_NAME
        or _("M. M. Adyshev Osh Technological University"),
    }
