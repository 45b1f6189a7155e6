"""What the at-risk page shows for its query: the filters read and checked (a value that names
nothing, or a faculty or group the user may not see, is a 404), the students at risk of the
chosen scope as the table's rows, the count per level, and the group's notice links."""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from academics.models import Faculty, StudyGroup
from academics.querysets import NO_FACULTY, user_faculty_id
from portal.collation import kyrgyz_key

from ..achievement import Stage
from .forms import AtRiskFilters
from .risk import LEVELS, count_by_level, students_at_risk
from .tables import NOTICE_KINDS, NOTICE_LANGUAGES
from .words import LEVEL_LABELS, describe


@dataclass
class Chosen:
    form: object
    session: object = None
    stage: str = Stage.AFTER
    faculty: object = None  # the faculty shown: a dean's office's own, or the one filtered
    locked_faculty: bool = False
    group: object = None
    level: str = ""
    reason: str = ""
    entries: list = field(default_factory=list)  # of the scope, before level, reason and group


def parse(request, sessions):
    """The page's choice for the request (Chosen), with the scope's students at risk."""
    user = request.user
    scope = user_faculty_id(user)
    faculties = list(Faculty.objects.for_user(user))
    data = request.GET.copy()
    if scope is not None:
        wanted = data.get("faculty", "")
        if wanted and wanted != str(scope):
            raise Http404("another faculty")
        data["faculty"] = str(scope)
    form = AtRiskFilters(data, sessions, faculties)
    if not form.is_valid():
        raise Http404(f"bad filter: {', '.join(form.errors)}")
    values = form.cleaned_data
    chosen = Chosen(form=form, locked_faculty=scope is not None)
    chosen.session = _session(values["session"], sessions)
    chosen.stage = values["stage"] or Stage.AFTER
    chosen.level, chosen.reason = values["level"], values["reason"]
    if values["faculty"] is not None:
        chosen.faculty = next((f for f in faculties if f.pk == values["faculty"]), None)
        if chosen.faculty is None:
            raise Http404("unknown faculty")
    if values["group"] is not None:
        chosen.group = StudyGroup.objects.for_user(user).filter(pk=values["group"]).first()
        if chosen.group is None:
            raise Http404("unknown group")
    if chosen.session is not None and scope != NO_FACULTY:
        chosen.entries = students_at_risk(chosen.session, chosen.stage, faculty=chosen.faculty)
    return chosen


def group_choices(chosen):
    """The groups with students at risk (and the chosen one), in Kyrgyz order."""
    groups = {entry.group.pk: entry.group for entry in chosen.entries}
    if chosen.group is not None:
        groups.setdefault(chosen.group.pk, chosen.group)
    return sorted(groups.values(), key=lambda group: kyrgyz_key(group.name))


def _session(wanted, sessions):
    if wanted is None:
        return next((s for s in sessions if s.has_data), sessions[0] if sessions else None)
    session = next((s for s in sessions if s.pk == wanted), None)
    if session is None:
        raise Http404("unknown exam session")
    return session


def _kept(chosen, level=True):
    """The entries the filters keep (all but the level when `level` is False)."""
    return [
        entry
        for entry in chosen.entries
        if (not level or not chosen.level or entry.level == chosen.level)
        and (not chosen.reason or chosen.reason in entry.codes)
        and (chosen.group is None or entry.group.pk == chosen.group.pk)
    ]


class Reasons:
    """A student's reasons, put in words (reports.at_risk.words) when read."""

    def __init__(self, reasons, stage):
        self.reasons, self.stage = reasons, stage

    def __iter__(self):
        return (describe(reason, self.stage) for reason in self.reasons)


def level_counts(chosen):
    """[(level, label, count)] of the students the other filters keep."""
    counts = count_by_level(_kept(chosen, level=False))
    return [(level, LEVEL_LABELS[level], counts[level]) for level in LEVELS]


def rows(chosen):
    """The table's rows, in the definition's order."""
    return [
        {
            "level": entry.level,
            "level_rank": LEVELS.index(entry.level),
            "level_label": LEVEL_LABELS[entry.level],
            "student": entry.student.full_name,
            "record_book": entry.student.record_book,
            "group": entry.group.name,
            "faculty": entry.faculty.name,
            # In words when shown: a page renders 25 rows, not the whole university's.
            "reasons": Reasons(entry.reasons, chosen.stage),
            "session_id": chosen.session.pk,
            "student_id": entry.student.pk,
            "stage": chosen.stage,
        }
        for entry in _kept(chosen)
    ]


def notice_links(chosen):
    """The chosen group's notices, one file each: [(url, format, language code, its name)]."""
    if chosen.group is None or chosen.session is None:
        return []
    names = dict(settings.LANGUAGES)
    return [
        (
            reverse(
                "reports:at_risk_group_notices", args=[chosen.session.pk, chosen.group.pk, kind]
            )
            + f"?stage={chosen.stage}&lang={language}",
            kind.upper(),
            language,
            names[language],
        )
        for language in NOTICE_LANGUAGES
        for kind in NOTICE_KINDS
    ]
