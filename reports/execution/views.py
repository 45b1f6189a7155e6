"""Pages of the execution of the council's resolutions: the items by status, an item's page with
its reports and history, reporting, the review, and the Excel export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import services as execution


@login_required
@require_GET
def item_list(request):
    today = timezone.localdate()
    rows = execution.ordered(execution.visible(request.user), today)
    return render(request, "reports/execution/list.html", {"rows": rows, "today": today})


@login_required
@require_GET
def item_detail(request, pk):
    assignment = execution.visible(request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return render(request, "reports/execution/item.html", {"assignment": assignment})
