"""The one writer of admissions. The admission page (set_admissions), the results import, the
sheets (ensure_admissions: a student who joins a group joins its contingent), the admin and any
code write through write_admissions or set_admissions, which share one check (check_admissions,
the rules of sessions_app.rules against what is stored, under the sessions' row locks) and one
write (_write: the admissions, their audit rows, the admission lists' versions and the session
figures' version).

A main admission also keeps the student's funding for the session (budget / contract), which the
session's figures by funding read: given by the entry, else kept as stored, else, for a new row,
the student's funding at the time (Student.funding). Changing it is a change of the admission,
audited like the rest; it is never refused by the grade rules."""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.choices import StudentStatus
from academics.models import Student, StudyGroup
from academics.querysets import can_edit
from portal.chunks import chunked

from .. import figures, rules
from ..choices import ChangeSource
from ..ledger import AdmissionFacts, Ledger, lock_sessions
from ..models import Admission, AdmissionChange, AdmissionList
from .bulk import db_value, insert_rows
from .errors import InvalidGrades, Saved, StaleSheet, WriteCounts
from .merge import merge


def _stale():
    return _(
        "Someone else saved this page after you opened it: nothing was saved. The page now shows "
        "what is stored; enter your changes again."
    )


class AdmissionEntry(NamedTuple):
    """An admission to write. `note` None keeps the stored note; `group_id` is the student's
    group for the session and `funding` their funding in it (main stage; None keeps the stored
    one, or takes the student's current funding for a new row)."""

    session_id: object
    student_id: object
    stage: str
    admitted: bool
    reason: str = ""
    note: str | None = None
    group_id: object = None
    funding: str | None = None

    @property
    def key(self):
        return (self.session_id, self.student_id, self.stage)


class Change(NamedTuple):
    entry: AdmissionEntry
    stored: object  # ledger.AdmissionFacts, None for a new row
    new: AdmissionFacts


def _new_facts(ledger, entry, pending, fundings):
    """What the entry would store, with the group, note and funding it leaves as they are.
    `fundings`: student id -> current funding, for new main rows that name none."""
    stored = ledger.admission(*entry.key)
    reason = "" if entry.admitted else (entry.reason or "")
    note = entry.note if entry.note is not None else (stored.note if stored else "")
    funding = ""
    if entry.stage == rules.MAIN:
        group_id = entry.group_id
        if group_id is None and stored is not None:
            group_id = stored.group_id
        funding = entry.funding or (stored.funding if stored else fundings.get(entry.student_id))
    else:
        main = pending.get((entry.session_id, entry.student_id, rules.MAIN))
        main = main or ledger.admission(entry.session_id, entry.student_id, rules.MAIN)
        group_id = main.group_id if main is not None else None
    return AdmissionFacts(
        getattr(stored, "id", None), group_id, entry.admitted, reason, note, funding or ""
    )


def _current_fundings(ledger, entries):
    """Student id -> Student.funding of the students a main entry adds to a session without
    naming their funding: a new admission takes the student's funding of the day."""
    wanted = {
        entry.student_id
        for entry in entries
        if entry.stage == rules.MAIN
        and entry.funding is None
        and isinstance(entry.student_id, int)
        and ledger.admission(*entry.key) is None
    }
    fundings = {}
    for chunk in chunked(wanted):
        fundings.update(Student.objects.filter(pk__in=chunk).values_list("pk", "funding"))
    return fundings


def _refusal(ledger, entry, stored, new, pending):
    if new.group_id is None:
        return rules.refuse_admission(entry.stage, new.admitted, new.reason, [], in_group=False)
    groups = {new.group_id, stored.group_id if stored is not None else new.group_id}
    if all(ledger.quiet(entry.session_id, group, entry.student_id) for group in groups):
        # No sheet of it is closed and the student holds no grade in it: only the reason counts.
        return rules.refuse_admission(entry.stage, new.admitted, new.reason, [])
    other = rules.RETAKE if entry.stage == rules.MAIN else rules.MAIN
    overrides = {}
    paired = pending.get((entry.session_id, entry.student_id, other))
    if paired is not None:
        overrides[(entry.session_id, entry.student_id, other)] = paired
    if entry.stage == rules.MAIN and stored is not None and stored.group_id != new.group_id:
        refusal = rules.refuse_move(
            ledger.group_sheets(entry.session_id, stored.group_id, entry.student_id, overrides),
            ledger.group_sheets(entry.session_id, new.group_id, entry.student_id, overrides),
            new.admitted,
            new.reason,
        )
        if refusal is not None:
            return refusal
        # Checked below as a new row of the group it moves to.
        overrides[entry.key] = None
    elif stored is not None and (stored.admitted, stored.reason) == (new.admitted, new.reason):
        return None  # the note alone, or nothing
    sheets = ledger.group_sheets(entry.session_id, new.group_id, entry.student_id, overrides)
    return rules.refuse_admission(entry.stage, new.admitted, new.reason, sheets)


def check_admissions(ledger, entries):
    """The entries that change a stored admission, and the refusals of the rules, keyed by
    AdmissionEntry.key. Each is checked with the other stage as the same batch leaves it."""
    wanted = {entry.key: entry for entry in entries}
    fundings = _current_fundings(ledger, wanted.values())
    # The main stage first: an АКЖ row's group is the one of its main row, in the batch or stored.
    pending = {}
    for stage in (rules.MAIN, rules.RETAKE):
        for key, entry in wanted.items():
            if entry.stage == stage:
                pending[key] = _new_facts(ledger, entry, pending, fundings)
    changes, refusals, unchanged = [], {}, 0
    for key, entry in wanted.items():
        stored = ledger.admission(*key)
        new = pending[key]
        if stored is not None and stored[1:] == new[1:]:
            unchanged += 1
            continue
        refusal = _refusal(ledger, entry, stored, new, pending)
        if refusal is not None:
            refusals[key] = refusal
        else:
            changes.append(Change(entry, stored, new))
    return changes, refusals, unchanged


def _groups_of(ledger, entries):
    """Every (session, group) an admission change touches: the group it names and, for a
    student moved, the one they leave."""
    pairs = set()
    for entry in entries:
        stored = ledger.admission(entry.session_id, entry.student_id, rules.MAIN)
        if stored is not None:
            pairs.add((entry.session_id, stored.group_id))
        if entry.group_id is not None:
            pairs.add((entry.session_id, entry.group_id))
    return pairs


def _check_faculties(user, group_ids):
    if user is None:
        return
    for chunk in chunked({pk for pk in group_ids if isinstance(pk, int)}):
        for faculty_id in (
            StudyGroup.objects.filter(pk__in=chunk)
            .values_list("program__faculty_id", flat=True)
            .distinct()
        ):
            if not can_edit(user, faculty_id, "sessions_app.change_admission"):
                raise PermissionDenied(_("You cannot change admission for this group."))


def _load(entries):
    """The ledger an admission write is checked against: the students' admissions, and the
    assessments, sheets and grades of every group the write touches."""
    students = {entry.student_id for entry in entries}
    ledger = Ledger.load(groups={(e.session_id, e.group_id) for e in entries}, student_ids=students)
    ledger.add_groups(_groups_of(ledger, entries), students)
    return ledger


def _check_versions(versions):
    """StaleSheet when an admission list changed since its caller read `versions`
    ({(session id, group id, stage): version})."""
    for (session_id, group_id, stage), version in versions.items():
        if version != version_of(session_id, group_id, stage):
            raise StaleSheet(_stale(), None)


@transaction.atomic
def write_admissions(entries, user, source=ChangeSource.IMPORT, reason="", versions=None):
    """Write many admissions at once (AdmissionEntry), or nothing: the bulk path of the one
    writer. Under the sessions' row locks: the versions of the admission lists the caller read
    (`versions`, as _check_versions; StaleSheet), the user's faculty, then the rules for every
    entry that changes a stored admission (InvalidGrades, keyed by AdmissionEntry.key). Returns
    WriteCounts."""
    entries = list(entries)
    if not entries:
        return WriteCounts()
    lock_sessions({entry.session_id for entry in entries})
    _check_versions(versions or {})
    ledger = _load(entries)
    _check_faculties(user, {group_id for _session, group_id in _groups_of(ledger, entries)})
    changes, refusals, unchanged = check_admissions(ledger, entries)
    if refusals:
        raise InvalidGrades({key: str(r) for key, r in refusals.items()}, dict(refusals.items()))
    _write(changes, user, source, reason)
    created = sum(1 for change in changes if change.stored is None)
    return WriteCounts(created, len(changes) - created, unchanged)


def ensure_admissions(session, group, user=None, source=ChangeSource.PAGE):
    """Give every student now studying in the group, and not yet in the session's contingent, a
    main-stage admission (admitted) in it; a student in another group's contingent of the
    session keeps that row. A student whom a submitted or locked sheet of the group would list
    anew is left out until it is reopened: returns their number."""
    missing = list(
        Student.objects.filter(group=group, status=StudentStatus.STUDYING)
        .exclude(
            pk__in=Admission.objects.filter(session=session, stage=rules.MAIN).values("student_id")
        )
        .values_list("pk", flat=True)
    )
    if not missing:
        return 0
    with transaction.atomic():
        lock_sessions([session.pk])
        entries = [
            AdmissionEntry(session.pk, pk, rules.MAIN, True, group_id=group.pk) for pk in missing
        ]
        ledger = _load(entries)
        changes, refusals, _unchanged = check_admissions(ledger, entries)
        _write([c for c in changes if c.stored is None], user, source, "")
    return len(refusals)


def _current(ledger, session_id, student_id, stage):
    """An admission row as the page shows it: (admitted, reason, note). Without an АКЖ row, the
    student stands at АКЖ as for the session, with no note."""
    stored = ledger.admission(session_id, student_id, stage)
    if stored is None and stage == rules.RETAKE:
        stored = ledger.admission(session_id, student_id, rules.MAIN)
        return (stored.admitted, stored.reason, "") if stored else (True, "", "")
    return (stored.admitted, stored.reason, stored.note) if stored else (True, "", "")


def _row(admitted, reason, note):
    return (bool(admitted), "" if admitted else (reason or ""), note or "")


def version_of(session, group, stage):
    found = AdmissionList.objects.filter(session=session, group=group, stage=stage).first()
    return found.version if found is not None else 0


@transaction.atomic
def set_admissions(
    session, group, stage, entries, user, version=None, originals=None, source=ChangeSource.PAGE
):
    """Save a group's admission page at one stage: `entries` maps student id -> (admitted,
    reason, note); a not-admitted student needs the reason's kind. `originals` maps student id
    -> the (admitted, reason, note) the page showed: with it a save after someone else's is
    merged (Conflicts where both changed a row); without it, a save against an older `version`
    (given) is refused as StaleSheet. Returns Saved (rows changed, rows kept)."""
    if user is not None and not can_edit(
        user, group.program.faculty_id, "sessions_app.change_admission"
    ):
        raise PermissionDenied(_("You cannot change admission for this group."))
    lock_sessions([session.pk])
    ensure_admissions(session, group, user, source)
    ledger = Ledger.load(groups=[(session.pk, group.pk)])
    contingent = set(ledger.contingent(session.pk, group.pk))
    current = {pk: _current(ledger, session.pk, pk, stage) for pk in contingent}
    wanted = {pk: _row(*row) for pk, row in entries.items()}
    errors = {
        pk: _("This student is not in the group for this session.")
        for pk in wanted
        if pk not in contingent
    }
    if errors:
        raise InvalidGrades(errors)
    others = 0
    if originals is not None:
        started = {pk: _row(*row) for pk, row in originals.items()}
        wanted, others = merge(wanted, started, current, None)
    elif version is not None and version != version_of(session, group, stage):
        raise StaleSheet(_stale(), current)
    else:
        wanted = {pk: row for pk, row in wanted.items() if row != current[pk]}
    batch = [
        AdmissionEntry(session.pk, pk, stage, admitted, reason, note, None)
        for pk, (admitted, reason, note) in wanted.items()
    ]
    changes, refusals, _unchanged = check_admissions(ledger, batch)
    if refusals:
        raise InvalidGrades(
            {key[1]: str(r) for key, r in refusals.items()},
            {key[1]: r for key, r in refusals.items()},
        )
    _write(changes, user, source, "")
    return Saved(len(changes), others)


def _write(changes, user, source, reason):
    """Write checked changes: the admissions, an audit row each, the versions of the admission
    lists they lie on, and the figures' version of their sessions."""
    if not changes:
        return
    now = timezone.now()
    at = db_value(Admission, "updated_at", now)
    user_id = user.pk if user is not None else None
    insert_rows(
        Admission,
        ["session", "student", "stage", "group", "admitted", "reason", "note", "funding"]
        + ["updated_by", "updated_at"],
        (
            (*c.entry.key[:3], c.new.group_id, c.new.admitted, c.new.reason, c.new.note)
            + (c.new.funding, user_id, at)
            for c in changes
            if c.stored is None
        ),
    )
    updated = [
        Admission(
            pk=c.stored.id,
            group_id=c.new.group_id,
            admitted=c.new.admitted,
            reason=c.new.reason,
            note=c.new.note,
            funding=c.new.funding,
            updated_by_id=user_id,
            updated_at=now,
        )
        for c in changes
        if c.stored is not None
    ]
    Admission.objects.bulk_update(
        updated,
        ["group", "admitted", "reason", "note", "funding", "updated_by", "updated_at"],
        batch_size=500,
    )
    insert_rows(
        AdmissionChange,
        ["session", "student", "group", "old_group", "stage", "old_admitted", "new_admitted"]
        + ["old_reason", "new_reason", "old_note", "new_note", "old_funding", "new_funding"]
        + ["changed_by", "changed_at", "source", "reason"],
        (_audit_row(c, user_id, at, source, reason) for c in changes),
    )
    _bump_lists(changes, now)
    figures.changed({c.entry.session_id for c in changes})


def _audit_row(change, user_id, at, source, reason):
    stored, new = change.stored, change.new
    moved = stored is not None and stored.group_id != new.group_id
    return (
        change.entry.session_id,
        change.entry.student_id,
        new.group_id,
        stored.group_id if moved else None,
        change.entry.stage,
        stored.admitted if stored else None,
        new.admitted,
        stored.reason if stored else "",
        new.reason,
        stored.note if stored else "",
        new.note,
        stored.funding if stored else "",
        new.funding,
        user_id,
        at,
        source,
        reason,
    )


def _bump_lists(changes, now):
    touched = set()
    for c in changes:
        touched.add((c.entry.session_id, c.new.group_id, c.entry.stage))
        if c.stored is not None and c.stored.group_id != c.new.group_id:
            touched.add((c.entry.session_id, c.stored.group_id, c.entry.stage))
    by_session = {}
    for session_id, group_id, _stage in touched:
        by_session.setdefault(session_id, set()).add(group_id)
    existing = {}
    for session_id, group_ids in by_session.items():
        for chunk in chunked(group_ids):
            for pk, group_id, stage in AdmissionList.objects.filter(
                session_id=session_id, group_id__in=chunk
            ).values_list("pk", "group_id", "stage"):
                existing[(session_id, group_id, stage)] = pk
    AdmissionList.objects.bulk_create(
        [
            AdmissionList(session_id=s, group_id=g, stage=st, version=1)
            for s, g, st in sorted(touched - set(existing))
        ],
        batch_size=2000,
    )
    bumped = [existing[key] for key in touched if key in existing]
    for chunk in chunked(bumped):
        AdmissionList.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
