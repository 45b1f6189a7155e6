"""The execution at a glance, for the dashboard's panel: the latest adopted resolutions, each with
its items counted by the status shown today (services.counts), overdue first.

Read on every request, never cached with the dashboard's figures: a report accepted or an item
cancelled shows at once. Two queries, however many items.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from ..resolutions.models import Resolution, ResolutionStatus
from . import services
from .models import STATUS_LABELS

LATEST = 2


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class ResolutionCounts:
    resolution: Resolution
    statuses: list
    total: int

    @property
    def url(self):
        return f"{reverse('execution:list')}?resolution={self.resolution.pk}"


def latest_counts(user, today, latest=LATEST):
    """The `latest` adopted resolutions, the newest first, with their items counted by shown
    status; None for a user who does not see every item (the panel is the vice-rector's
    office's)."""
    if not services.sees_all(user):
        return None
    resolutions = list(
        Resolution.objects.filter(status=ResolutionStatus.ADOPTED).select_related(
            "session__academic_year"
        )[:latest]
    )
    if not resolutions:
        return []
    items = defaultdict(list)
    for assignment in services.visible(user).filter(resolution__in=resolutions):
        items[assignment.resolution_id].append(assignment)
    panel = []
    for resolution in resolutions:
        counts = services.counts(items[resolution.pk], today)
        statuses = [StatusCount(s, STATUS_LABELS[s], n) for s, n in counts.items()]
        panel.append(ResolutionCounts(resolution, statuses, sum(counts.values())))
    return panel
