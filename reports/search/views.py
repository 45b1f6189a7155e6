"""The search's results page, /search/?q=: what the header's box asks."""

from django.shortcuts import render

from .finder import LIMIT, MIN_LENGTH, find


def search(request):
    results = find(request.user, request.GET.get("q", ""))
    return render(
        request,
        "reports/search.html",
        {"results": results, "limit": LIMIT, "min_length": MIN_LENGTH},
    )
