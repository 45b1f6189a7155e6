"""The one definition of the students at risk (DOMAIN.md, "Students at risk"), per session and
stage ("after АКЖ" unless asked). A student of the session's contingent is at risk for each reason
that applies, in this order:

| code                   | when                                                           | level  |
| owes_3_plus            | admitted and owes 3 or more assessments at the stage           | high   |
| not_admitted_invalid   | not admitted at the stage, with an invalid reason              | high   |
| repeat_debt            | owes at least one at the stage, and owed at least one after    | high   |
|                        | АКЖ in their previous session                                  |        |
| owes                   | admitted and owes 1 or 2 assessments at the stage              | medium |
| falling_average        | the mean of graded exams at the stage is at least 1.0 below    | low    |
|                        | the mean after АКЖ in the previous session, 2+ exams in each   |        |

The student's level is the highest of their reasons; a student with no reason is not listed.

What "owes" and "admitted" mean is reports.achievement's (owing_in: the rules of every page; and
achievement(…, By.STUDENT) for the previous session); which grades count for the mean is
sessions_app.rules' (GRADED_KINDS, MEAN_POINTS). The previous session is the latest earlier one
(by academic year and term) in which the student has a main admission. Everything is read in a
fixed number of queries: one per previous session besides a handful, none per student.
"""

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db import connections, router

from academics.models import Student, StudyGroup
from portal.collation import kyrgyz_key, name_key
from sessions_app.models import Admission, ExamSession
from sessions_app.rules import GRADED_KINDS, INVALID, MAIN, MEAN_POINTS, RETAKE, sql_list

from ..achievement import By, Stage, achievement, owing_in

OWES_3_PLUS = "owes_3_plus"
NOT_ADMITTED_INVALID = "not_admitted_invalid"
REPEAT_DEBT = "repeat_debt"
OWES = "owes"
FALLING_AVERAGE = "falling_average"
# The reasons in the order of DOMAIN.md's table, each with its level.
HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVELS = (HIGH, MEDIUM, LOW)
REASON_LEVELS = {
    OWES_3_PLUS: HIGH,
    NOT_ADMITTED_INVALID: HIGH,
    REPEAT_DEBT: HIGH,
    OWES: MEDIUM,
    FALLING_AVERAGE: LOW,
}
REASONS = tuple(REASON_LEVELS)
# How far the mean must fall, and how many graded exams each mean needs.
FALL = Fraction(1)
MIN_EXAMS = 2


@dataclass
class Owed:
    """One owed assessment: its discipline, kind and grade ("" when none was entered)."""

    assessment: object
    grade: str

    @property
    def discipline(self):
        return self.assessment.discipline

    @property
    def kind(self):
        return self.assessment.kind


@dataclass
class Reason:
    """One reason a student is at risk, with what it rests on: the assessments owed (owes,
    owes_3_plus, repeat_debt), the note of the refused admission, the previous session, the means
    compared (falling_average)."""

    code: str
    owed: list = field(default_factory=list)  # [Owed]
    note: str = ""
    previous_session: object = None
    mean: Fraction = None
    previous_mean: Fraction = None

    @property
    def level(self):
        return REASON_LEVELS[self.code]


@dataclass
class AtRisk:
    student: object
    group: object
    faculty: object
    reasons: list  # [Reason], in the order of REASONS

    @property
    def level(self):
        """The highest level of the student's reasons."""
        return min((reason.level for reason in self.reasons), key=LEVELS.index)

    @property
    def codes(self):
        return [reason.code for reason in self.reasons]

    @property
    def owed(self):
        """The assessments owed at the stage (none for a student not admitted)."""
        return next((reason.owed for reason in self.reasons if reason.owed), [])


def students_at_risk(session, stage=Stage.AFTER, faculty=None, max_age=0):
    """The students at risk of `session` at `stage` (of `faculty`, a Faculty or its id, or of
    the university), each with every reason that applies: sorted by level (high first), faculty,
    group and name (Kyrgyz order; ties by record book).

    Kept in the process (the last KEPT lists, AT_RISK_CACHE_SECONDS at most) under the figures
    version of every session (sessions_app.figures): any write to grades, admissions,
    assessments or the structure of any session raises one, so a list is never older than the
    data it is computed from — unless `max_age` (seconds) allows the list computed last that
    long ago, whatever was written since (the dashboard's freshness window). The entries are
    shared: read them, never change them."""
    if stage not in Stage.VALUES:
        raise ValueError(f"stage must be one of {Stage.VALUES}")
    faculty_id = getattr(faculty, "pk", faculty)
    seconds = settings.AT_RISK_CACHE_SECONDS
    if not seconds:
        return _students_at_risk(session, stage, faculty_id)
    database = connections[router.db_for_read(Admission)].settings_dict["NAME"]
    scope = (database, session.pk, stage, faculty_id)
    now = time.monotonic()
    latest = _LATEST.get(scope)
    if max_age and latest is not None and now - latest[0] < min(max_age, seconds):
        return latest[1]
    # The previous sessions count too (debts and means), hence every session's version.
    versions = tuple(ExamSession.objects.order_by("pk").values_list("pk", "figures_version"))
    key = (*scope, versions)
    kept = _KEPT.get(key)
    if kept is not None and now - kept[0] < seconds:
        _KEPT.move_to_end(key)
        return kept[1]
    entries = _students_at_risk(session, stage, faculty_id)
    _KEPT[key] = _LATEST[scope] = (now, entries)
    while len(_KEPT) > KEPT:
        _KEPT.popitem(last=False)
    while len(_LATEST) > KEPT:
        _LATEST.pop(next(iter(_LATEST)))
    return entries


# The lists computed last, in this process: kept as objects, not in Django's cache, which would
# pickle them (unpickling a university's list costs as much as computing it).
KEPT = 16
_KEPT = OrderedDict()
# The list computed last for each scope (database, session, stage, faculty), whatever its versions.
_LATEST = {}


def forget():
    """Drop the lists kept in this process (a test database rolled back repeats their keys)."""
    _KEPT.clear()
    _LATEST.clear()


def _students_at_risk(session, stage, faculty_id):
    previous = _previous_sessions(session, faculty_id)
    means = _means(session, stage, previous, faculty_id)
    owing = owing_in(session, stage, faculty=faculty_id)
    # Only a student who owes now can be in debt again: the previous sessions of those alone.
    debts = _previous_debts(
        {e.student.pk: previous[e.student.pk] for e in owing if e.owed and e.student.pk in previous}
    )
    found = {}  # student id -> [student or None, group id, [Reason]]
    for entry in owing:
        reasons = found.setdefault(entry.student.pk, [entry.student, entry.group_id, []])[2]
        if not entry.admitted:
            if entry.reason == INVALID:
                reasons.append(Reason(NOT_ADMITTED_INVALID, note=entry.note))
            continue
        owed = [Owed(assessment, value) for assessment, value in entry.owed]
        reasons.append(Reason(OWES_3_PLUS if len(owed) >= 3 else OWES, owed=owed))
        if entry.student.pk in debts:
            before = previous[entry.student.pk].session
            reasons.append(Reason(REPEAT_DEBT, owed=owed, previous_session=before))
    for student_id, earlier in previous.items():
        reason = _falling(means.get((session.pk, student_id)), means.get(earlier.key), earlier)
        if reason is not None:
            found.setdefault(student_id, [None, earlier.group_now, []])[2].append(reason)
    return _entries(found)


def count_by_level(entries):
    """{level: the number of `entries` at it}, every level present."""
    counts = dict.fromkeys(LEVELS, 0)
    for entry in entries:
        counts[entry.level] += 1
    return counts


@dataclass
class Earlier:
    """A student's previous session: the latest earlier one with their main admission."""

    student_id: int
    session: object
    group_id: int  # their group in it
    group_now: int  # their group in the session at risk

    @property
    def key(self):
        return (self.session.pk, self.student_id)


def _falling(now, then, earlier):
    """falling_average, when the mean (sum, count) `now` fell by FALL or more from `then`."""
    if not now or not then or now[1] < MIN_EXAMS or then[1] < MIN_EXAMS:
        return None
    mean, previous_mean = Fraction(*now), Fraction(*then)
    if previous_mean - mean < FALL:
        return None
    return Reason(
        FALLING_AVERAGE,
        previous_session=earlier.session,
        mean=mean,
        previous_mean=previous_mean,
    )


def _entries(found):
    """The AtRisk entries, sorted; the students and groups not yet read, read once."""
    found = {pk: item for pk, item in found.items() if item[2]}
    students = Student.objects.in_bulk([pk for pk, item in found.items() if item[0] is None])
    groups = StudyGroup.objects.select_related("program__faculty").in_bulk(
        {group_id for _student, group_id, _reasons in found.values()}
    )
    order = {code: index for index, code in enumerate(REASONS)}
    entries = []
    for pk, (student, group_id, reasons) in found.items():
        reasons.sort(key=lambda reason: order[reason.code])
        group = groups[group_id]
        entries.append(AtRisk(student or students[pk], group, group.program.faculty, reasons))
    entries.sort(
        key=lambda e: (
            LEVELS.index(e.level),
            kyrgyz_key(e.faculty.name),
            kyrgyz_key(e.group.name),
            name_key(e.student.full_name, e.student.record_book),
        )
    )
    return entries


def _cursor():
    return connections[router.db_for_read(Admission)].cursor()


def _contingent(faculty_id):
    """The session's contingent (of a faculty) as SQL over the admission `c`, and its params."""
    sql = f"c.session_id = %(session)s AND c.stage = '{MAIN}'"
    if faculty_id is None:
        return sql, {}
    sql += (
        " AND c.group_id IN (SELECT g.id FROM academics_studygroup g"
        " JOIN academics_program p ON p.id = g.program_id WHERE p.faculty_id = %(faculty)s)"
    )
    return sql, {"faculty": faculty_id}


# Each contingent student's main admissions in earlier sessions, and the latest of them.
_PREVIOUS = """
WITH earlier AS (
    SELECT c.student_id, c.group_id AS group_now, e.session_id, e.group_id,
           y.start_year * 10 + s.term AS rank
    FROM sessions_app_admission c
    JOIN sessions_app_admission e ON e.student_id = c.student_id AND e.stage = '{main}'
    JOIN sessions_app_examsession s ON s.id = e.session_id
    JOIN academics_academicyear y ON y.id = s.academic_year_id
    WHERE {contingent} AND y.start_year * 10 + s.term < (
        SELECT cy.start_year * 10 + cs.term FROM sessions_app_examsession cs
        JOIN academics_academicyear cy ON cy.id = cs.academic_year_id WHERE cs.id = %(session)s
    )
),
latest AS (SELECT student_id, MAX(rank) AS rank FROM earlier GROUP BY student_id)
SELECT e.student_id, e.session_id, e.group_id, e.group_now
FROM earlier e JOIN latest l ON l.student_id = e.student_id AND l.rank = e.rank
"""


def _previous_sessions(session, faculty_id):
    """{student id: Earlier} for the contingent's students who have a previous session."""
    contingent, params = _contingent(faculty_id)
    with _cursor() as cursor:
        cursor.execute(
            _PREVIOUS.format(main=MAIN, contingent=contingent), {"session": session.pk, **params}
        )
        rows = cursor.fetchall()
    sessions = ExamSession.objects.select_related("academic_year").in_bulk({r[1] for r in rows})
    return {
        student_id: Earlier(student_id, sessions[session_id], group_id, group_now)
        for student_id, session_id, group_id, group_now in rows
    }


def _previous_debts(previous):
    """The students who owed at least one assessment after АКЖ in their previous session, by
    reports.achievement's own counting: one query per previous session."""
    by_session = {}
    for earlier in previous.values():
        by_session.setdefault(earlier.session, set()).add(earlier.group_id)
    debts = set()
    for earlier_session, group_ids in by_session.items():
        for row in achievement(earlier_session, Stage.AFTER, By.STUDENT, group_ids=group_ids):
            # A student counts only in the session that is their previous one.
            earlier = previous.get(row.key)
            if earlier is None or earlier.session != earlier_session:
                continue
            if row.counts["admitted"] and not row.counts["passed"]:
                debts.add(row.key)
    return debts


# Per session and contingent student: the sum and the number of their graded exams' points at a
# stage, over the assessments of the group they were in for that session.
_MEANS = """
SELECT t.session_id, t.student_id, SUM(t.points), COUNT(t.points)
FROM (
    SELECT x.session_id, gr.student_id, CASE {value} {points} END AS points
    FROM sessions_app_grade gr
    JOIN sessions_app_assessment x ON x.id = gr.assessment_id
    JOIN sessions_app_admission a ON a.session_id = x.session_id
         AND a.student_id = gr.student_id AND a.stage = '{main}' AND a.group_id = x.group_id
    {students}
    WHERE x.session_id IN ({sessions}) AND x.kind IN ({kinds})
    GROUP BY x.session_id, gr.student_id, gr.assessment_id
) t
GROUP BY t.session_id, t.student_id
"""
_VALUE = {
    Stage.BEFORE: f"MAX(CASE WHEN gr.attempt = '{MAIN}' THEN gr.value END)",
    Stage.AFTER: f"COALESCE(MAX(CASE WHEN gr.attempt = '{RETAKE}' THEN gr.value END), "
    f"MAX(CASE WHEN gr.attempt = '{MAIN}' THEN gr.value END))",
}


def _means(session, stage, previous, faculty_id):
    """{(session id, student id): (sum, count)} of the graded exams: in `session` at `stage`,
    and after АКЖ in the previous sessions, of the contingent's students."""
    earlier = {e.session.pk for e in previous.values()}
    wanted = {stage: {session.pk}}
    if earlier:
        wanted.setdefault(Stage.AFTER, set()).update(earlier)
    contingent, params = _contingent(faculty_id)
    # The university's contingent is every student graded in the session: no filter needed (the
    # students of earlier sessions who are not in it are read, and not asked for).
    students = ""
    if faculty_id is not None:
        # A join on the contingent, not gr.student_id IN (subquery): SQLite ran that subquery
        # again and again (a faculty's means took 0.85 s, more than the university's).
        students = (
            f"JOIN (SELECT DISTINCT c.student_id FROM sessions_app_admission c"
            f" WHERE {contingent}) k ON k.student_id = gr.student_id"
        )
    points = " ".join(f"WHEN '{value}' THEN {p}" for value, p in MEAN_POINTS.items())
    means = {}
    with _cursor() as cursor:
        for at, session_ids in wanted.items():
            sql = _MEANS.format(
                value=_VALUE[at],
                points=points,
                main=MAIN,
                sessions=", ".join(str(int(pk)) for pk in sorted(session_ids)),
                kinds=sql_list(GRADED_KINDS),
                students=students,
            )
            cursor.execute(sql, {"session": session.pk, **params})
            for session_id, student_id, total, count in cursor.fetchall():
                means[(session_id, student_id)] = (int(total or 0), int(count))
    return means
