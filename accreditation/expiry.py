"""When accreditations and licences run out, and how loudly to warn about it.

The arithmetic is pure (dates in, dates out); `due()` reads the database in two queries
whatever the number of rows, for the registry's summary and the vice-rector's dashboard.

Conventions, tested in tests/accreditation/test_expiry.py:
- an accreditation or a licence is valid through its expiry date and expired the day after;
- the warning levels are 12, 6 and 3 calendar months before that date, boundaries included:
  with the expiry exactly 3 months away the level is already "3".
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AccreditationKind, LicenceStatus

EXPIRED = "expired"
# The thresholds, nearest first: the first one the expiry falls within is the level.
THRESHOLDS = (3, 6, 12)
LEVELS = (EXPIRED, "3", "6", "12")
LEVEL_LABELS = {
    EXPIRED: _("expired"),
    "3": _("expires within 3 months"),
    "6": _("expires within 6 months"),
    "12": _("expires within 12 months"),
}


def add_months(day, months):
    """`day` moved by whole calendar months; a day the target month lacks becomes its last
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def expiry_date(decision_date, years):
    """The date an accreditation decided on `decision_date` for `years` years expires: the same
    day `years` later; 29 February in a year that has none gives 28 February."""
    return add_months(decision_date, 12 * int(years))


def warning_level(expiry, today):
    """ "expired" after the expiry date; "3", "6" or "12" when it is at most that many calendar
    months away; None when it is further, or unknown."""
    if expiry is None:
        return None
    if expiry < today:
        return EXPIRED
    for months in THRESHOLDS:
        if expiry <= add_months(today, months):
            return str(months)
    return None


@dataclass(frozen=True)
class DueItem:
    kind: str  # "accreditation" or "licence"
    object: object
    label: str
    agency: object  # the Agency; None for a licence
    expiry: datetime.date
    days_left: int  # negative once expired
    level: str

    @property
    def level_label(self):
        return LEVEL_LABELS[self.level]

    @property
    def expired(self):
        return self.level == EXPIRED

    @property
    def days_overdue(self):
        return max(0, -self.days_left)


def due(today=None, within_months=12):
    """Accreditations and granted licences (with a valid-until date) that expire within
    `within_months` calendar months of `today`, or have expired and were not renewed, soonest
    first. Two queries.

    Renewed: a later accreditation of the same program (or of the university) by any agency,
    or a later granted licence of the same program, supersedes the one that runs out.
    """
    # accreditation.models imports expiry_date from this module: the models are found when called.
    from .models import Accreditation, LicenceApplication

    today = today or timezone.localdate()
    horizon = add_months(today, within_months)

    later_accreditation = Accreditation.objects.filter(
        kind=OuterRef("kind"), expiry_date__gt=OuterRef("expiry_date"), suspended=False
    ).filter(Q(program=OuterRef("program")) | Q(kind=AccreditationKind.INSTITUTIONAL))
    accreditations = (
        Accreditation.objects.alias(renewed=Exists(later_accreditation))
        .filter(expiry_date__lte=horizon)
        .exclude(Q(expiry_date__lt=today) & Q(renewed=True))
        .select_related("program", "agency")
    )

    later_licence = LicenceApplication.objects.filter(
        status=LicenceStatus.GRANTED,
        valid_until__gt=OuterRef("valid_until"),
        level=OuterRef("level"),
        form=OuterRef("form"),
    ).filter(
        Q(program__isnull=False, program=OuterRef("program"))
        | Q(program__isnull=True, code=OuterRef("code"), name=OuterRef("name"))
    )
    licences = (
        LicenceApplication.objects.filter(
            status=LicenceStatus.GRANTED, valid_until__isnull=False, valid_until__lte=horizon
        )
        .alias(renewed=Exists(later_licence))
        .exclude(Q(valid_until__lt=today) & Q(renewed=True))
        .select_related("program")
    )

    items = [
        DueItem(
            "accreditation",
            item,
            item.label,
            item.agency,
            item.expiry_date,
            (item.expiry_date - today).days,
            warning_level(item.expiry_date, today),
        )
        for item in accreditations
    ]
    items += [
        DueItem(
            "licence",
            item,
            item.label,
            None,
            item.valid_until,
            (item.valid_until - today).days,
            warning_level(item.valid_until, today),
        )
        for item in licences
    ]
    items.sort(key=lambda item: (item.expiry, item.kind, item.label))
    return items
