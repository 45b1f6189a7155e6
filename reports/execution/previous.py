"""The next council's resolution opens with the execution of the previous one (DOMAIN.md): the
section "on the execution of the previous resolution", generated from that resolution's
assignments, editable on a draft and frozen at adoption.

The previous resolution is the latest adopted one before this council (by date, then by pk).
A draft shows the text the vice-rector's office typed in the document's language, else the text
generated afresh; adopting stores the generated text in the fields left empty (`freeze`), and an
adopted resolution shows only what it stored, whatever happens to the assignments afterwards.
The statuses come from Assignment.shown_status and the counts from services.counts: nothing here
decides what is done or overdue.
"""

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from portal.dates import long_date

from ..resolutions import services as resolutions
from ..resolutions.models import Resolution, ResolutionStatus
from . import services as execution
from .models import OVERDUE, AssignmentStatus, ExecutionReport, ReportState, UnitKind

# The stored text of each document language; English shows the council's own (Kyrgyz) text, as
# it does with the items.
STORED_FIELDS = {"ky": "execution_text", "ru": "execution_text_ru"}
# An item's text is quoted only as far as a reader needs to recognise it.
ITEM_WORDS = 24


def previous_resolution(resolution):
    """The latest resolution adopted before `resolution`'s council: an earlier council date, or
    the same date and a lower pk (an unsaved resolution comes after every saved one)."""
    before = Q(council_date__lt=resolution.council_date)
    if resolution.pk is None:
        before |= Q(council_date=resolution.council_date)
    else:
        before |= Q(council_date=resolution.council_date, pk__lt=resolution.pk)
    rows = Resolution.objects.filter(before, status=ResolutionStatus.ADOPTED)
    if resolution.pk is not None:
        rows = rows.exclude(pk=resolution.pk)
    return rows.order_by("-council_date", "-pk").first()


def _assignments(previous):
    accepted = ExecutionReport.objects.filter(state=ReportState.ACCEPTED)
    parts = execution.Responsible.objects.select_related("faculty", "department", "user")
    parts = parts.prefetch_related(Prefetch("reports", queryset=accepted, to_attr="accepted"))
    rows = previous.assignments.select_related("item").order_by("item__order")
    return list(rows.prefetch_related(Prefetch("responsibles", queryset=parts)))


def _sentence(text):
    """`text` as one line ending with a full stop (a report may span lines or end with one)."""
    text = " ".join(text.split())
    return text if text[-1:] in ".!?…" else f"{text}."


def _unit(part):
    if part.kind == UnitKind.FACULTY:
        return resolutions.in_language(part.faculty, "name")
    if part.kind == UnitKind.DEPARTMENT:
        return part.department.name
    return part.user.get_full_name() or part.user.get_username()


def _status(assignment, today):
    status = assignment.shown_status(today)
    deadline = long_date(assignment.deadline)
    if status == AssignmentStatus.DONE:
        return pgettext("execution of an item", "done")
    if status == AssignmentStatus.CANCELLED:
        return _("cancelled: %(reason)s") % {"reason": assignment.cancel_reason.strip()}
    if status == AssignmentStatus.NOT_STARTED:
        return _("not started (deadline %(date)s)") % {"date": deadline}
    percent = execution.progress(assignment)
    if status == OVERDUE and percent:
        return _("overdue (deadline %(date)s), %(progress)s%% done") % {
            "date": deadline,
            "progress": percent,
        }
    if status == OVERDUE:
        return _("overdue (deadline %(date)s)") % {"date": deadline}
    if percent:
        return _("in progress (%(progress)s%%)") % {"progress": percent}
    return pgettext("execution of an item", "in progress")


def _item_paragraph(assignment, today):
    """The item's number and shortened text, its status, and each part's latest accepted
    report."""
    text = resolutions.item_text(resolutions.in_language(assignment.item, "text"))
    words = {
        "number": assignment.number,
        "text": Truncator(text).words(ITEM_WORDS, truncate="…"),
        "status": _status(assignment, today).rstrip("."),
    }
    sentences = [_("Item %(number)s, “%(text)s”: %(status)s.") % words]
    for part in assignment.responsibles.all():
        if part.accepted:  # newest first (ExecutionReport.Meta.ordering)
            sentences.append(_sentence(f"{_unit(part)}: {part.accepted[0].text.strip()}"))
    return " ".join(sentences)


def _opening(previous, today):
    words = {
        "date": long_date(previous.council_date),
        "number": previous.protocol_number,
        "today": long_date(today),
    }
    if previous.protocol_number:
        text = _(
            "The academic council's resolution of %(date)s (minutes No. %(number)s): its "
            "execution as of %(today)s."
        )
    else:
        text = _("The academic council's resolution of %(date)s: its execution as of %(today)s.")
    text = text % words
    # A date may end the sentence with its own dot (Russian “… 2024 г.”).
    return text[:-1] if text.endswith("..") else text


# The counting line's parts: what was done first, as the council reads it (the lists put the
# overdue first, models.STATUS_ORDER).
COUNTED = [
    (AssignmentStatus.DONE, lambda n: _("%(count)s done") % {"count": n}),
    (AssignmentStatus.IN_PROGRESS, lambda n: _("%(count)s in progress") % {"count": n}),
    (OVERDUE, lambda n: _("%(count)s overdue") % {"count": n}),
    (AssignmentStatus.NOT_STARTED, lambda n: _("%(count)s not started") % {"count": n}),
    (AssignmentStatus.CANCELLED, lambda n: _("%(count)s cancelled") % {"count": n}),
]


def _counting(assignments, today):
    """“Of the 5 items: 2 done, 1 overdue, …”, the statuses with none left out."""
    counts = execution.counts(assignments, today)
    statuses = ", ".join(words(counts[status]) for status, words in COUNTED if counts[status])
    total = len(assignments)
    return ngettext(
        "Of the %(count)s item of the resolution: %(statuses)s.",
        "Of the %(count)s items of the resolution: %(statuses)s.",
        total,
    ) % {"count": total, "statuses": statuses}


def generated_text(resolution, language, today):
    """The section's paragraphs in `language`, from the previous resolution's assignments as they
    stand on `today`; [] when no resolution was adopted before this one (or it had no items)."""
    previous = previous_resolution(resolution)
    if previous is None:
        return []
    assignments = _assignments(previous)
    if not assignments:
        return []
    with translation.override(language):
        return [
            _opening(previous, today),
            _counting(assignments, today),
            *(_item_paragraph(assignment, today) for assignment in assignments),
        ]


def stored_text(resolution, language):
    """The text typed (on a draft) or frozen (once adopted) for `language`."""
    return getattr(resolution, STORED_FIELDS.get(language, STORED_FIELDS[settings.LANGUAGE_CODE]))


def paragraphs(text):
    """A stored text's paragraphs: one a line, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def section(resolution, language, today):
    """The paragraphs the document prints: an adopted resolution's stored text only (the Kyrgyz
    one where the language has none); a draft's typed text, else the generated one."""
    typed = stored_text(resolution, language)
    if resolution.is_adopted:
        return paragraphs(typed or resolution.execution_text)
    if typed.strip():
        return paragraphs(typed)
    return generated_text(resolution, language, today)


def generated_fields(resolution, today):
    """{stored field: the generated text in its language, one paragraph a line}."""
    return {
        name: "\n".join(generated_text(resolution, language, today))
        for language, name in STORED_FIELDS.items()
    }


def freeze(resolution, today):
    """At adoption: each stored text left empty gets the generated one, so the adopted text never
    changes afterwards (the caller saves)."""
    for name, text in generated_fields(resolution, today).items():
        if not getattr(resolution, name).strip():
            setattr(resolution, name, text)
