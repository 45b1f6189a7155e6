"""A URL whose view fails, for the server error page's test (tests/portal/test_error_pages.py)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path


@login_not_required
def fail(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("fail/", fail)]
