"""The one definition of the session figures: contingent, admission, categories, owing, no-shows,
absolute and quality achievement, for any scope, session and stage (before or after АКЖ).

Every page, export, command, API and the council's resolution reads them from here. The counts
are computed by one SQL query per call (conditional aggregation over a per-student step), so the
cost does not grow with the number of students or groups in Python. The per-student step over the
grades is stored, one row per student and session (sessions_app.StudentOutcome, kept current by
the grade service through sessions_app.outcomes), so a report reads one row per student instead of
every grade, and its cost does not grow with the years of history.

The rules (DOMAIN.md; the README repeats them for the university's staff):
- The contingent of a session is its main-stage admission rows, admitted or not, each with the
  group the student was in for that session and their funding in it: budget and contract count
  the admission's funding, so a later change of the student's funding leaves them as they were.
- Before АКЖ a student is admitted when admitted to the main session; after АКЖ, when admitted to
  the main session or to АКЖ.
- A grade "before АКЖ" is the main attempt's; "after АКЖ" the retake's where there is one, else
  the main attempt's.
- An admitted student owes each assessment of the group whose grade is 2, fail or absent, or
  which has no grade at all: a missing grade counts as owed (not as a no-show).
- An admitted student who owes nothing has passed, and falls in one category by the graded
  assessments (credits count for passing only): excellent (all 5), excellent and good (only 5 and
  4), mixed (a 3 and a 4 or 5), satisfactory (all 3). One who passed only credits counts as
  satisfactory: it is the category that claims no grade above a pass.
- Not passed = contingent − passed: the not admitted, and the admitted who owe anything.
- owing_1, owing_2, owing_3_plus and no_show (at least one "absent") count admitted students only.
- Absolute achievement = passed / contingent; quality = (excellent + excellent and good) /
  contingent; in per cent, rounded half up to 2 decimals (portal.numbers.percent, the one
  rounding rule of every rate).
"""

from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from academics.models import Student
from portal.collation import by_name
from portal.numbers import percent
from sessions_app.models import Admission, Assessment, ExamSession, Grade
from sessions_app.rules import EXCELLENT, GOOD, MAIN, RETAKE, SATISFACTORY, VALID, passes


class Stage:
    BEFORE = "before"
    AFTER = "after"
    CHOICES = [(BEFORE, _("before АКЖ")), (AFTER, _("after АКЖ"))]
    VALUES = (BEFORE, AFTER)


class By:
    UNIVERSITY = "university"
    FORM = "form"
    FACULTY = "faculty"
    PROGRAM = "program"
    GROUP = "group"
    VALUES = (UNIVERSITY, FORM, FACULTY, PROGRAM, GROUP)
    # One row per student of the contingent: the counts are 0 or 1, so they say which category
    # the student falls in (the group summary sheet shows it beside their grades). Not among the
    # VALUES that the API and the command offer: it names students.
    STUDENT = "student"


# The counts of a row, in the order of the report and of the JSON.
COUNTS = (
    "contingent",
    "budget",
    "contract",
    "foreign",
    "admitted",
    "not_admitted_valid",
    "not_admitted_invalid",
    "excellent",
    "good",
    "mixed",
    "satisfactory",
    "passed",
    "not_passed",
    "owing_1",
    "owing_2",
    "owing_3_plus",
    "no_show",
)


class CountsByName:
    """Each count of `self.counts` read as an attribute too: row.passed for row.counts["passed"]."""

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)


@dataclass
class Row(CountsByName):
    """The figures of one scope. `key` identifies it (a faculty id, a program id, a form...)."""

    scope: str
    key: object = None
    counts: dict = field(default_factory=dict)

    @property
    def owing(self):
        """The admitted who have not passed: they owe at least one assessment."""
        return self.counts["admitted"] - self.counts["passed"]

    @property
    def not_admitted(self):
        return self.counts["contingent"] - self.counts["admitted"]

    @property
    def absolute_pct(self):
        return percent(self.counts["passed"], self.counts["contingent"])

    @property
    def quality_pct(self):
        return percent(self.counts["excellent"] + self.counts["good"], self.counts["contingent"])

    def pct(self, name):
        """Any count as a share of the contingent, as the seed's tables give them."""
        return percent(self.counts[name], self.counts["contingent"])

    def as_dict(self):
        return {
            "scope": self.scope,
            **{name: self.counts[name] for name in COUNTS},
            "absolute_pct": float(self.absolute_pct),
            "quality_pct": float(self.quality_pct),
        }


def total(rows, scope="total"):
    """The sum of rows: every count is additive, the percentages are recomputed from the sums."""
    return Row(scope, None, {name: sum(row.counts[name] for row in rows) for name in COUNTS})


# The scope columns: (SQL expression of the key, SQL expression of the label, ORDER BY).
_SCOPES = {
    By.UNIVERSITY: ("0", "''", None),
    By.FORM: ("p.form", "p.form", "p.form"),
    By.FACULTY: ("f.id", "f.name", "f.kind DESC, f.name"),
    By.PROGRAM: ("p.id", "p.code", "p.code, p.name, p.level, p.form"),
    By.GROUP: ("g.id", "g.name", "f.kind DESC, f.name, g.name"),
    By.STUDENT: ("s.id", "s.full_name", None),
}

# The grades per student come from sessions_app.StudentOutcome, which the grade service keeps
# current (sessions_app.outcomes holds the per-student step of the rules above): one row per
# student of the session, not one per grade.
_GRADES = """
    SELECT t.student_id, t.group_id, t.ok_before, t.absent_before, t.low_before, t.high_before,
           t.ok_after, t.absent_after, t.low_after, t.high_after
    FROM sessions_app_studentoutcome t
    WHERE t.session_id = %(session)s
"""

_ADMITTED = {
    Stage.BEFORE: "a.admitted",
    Stage.AFTER: "(a.admitted OR COALESCE(r.admitted, FALSE))",
}

# Per stage s: the student's outcome (in "outcome") and the scope's counts (in the final SELECT),
# in the order of _SQL_COUNTS.
_OUTCOME = """
           CASE WHEN {admitted} THEN 1 ELSE 0 END AS admitted_{s},
           COALESCE(n.n, 0) - COALESCE(gs.ok_{s}, 0) AS owed_{s},
           COALESCE(gs.absent_{s}, 0) AS absent_{s}, gs.low_{s}, gs.high_{s}"""
_COUNTS = """
       COUNT(*),
       SUM(CASE WHEN o.funding = 'budget' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.funding = 'contract' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.is_foreign THEN 1 ELSE 0 END),
       SUM(o.admitted_{s}),
       SUM(CASE WHEN o.admitted_{s} = 0 AND o.reason = '{valid}' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.admitted_{s} = 0 AND o.reason <> '{valid}' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.passed_{s} = 1 AND o.low_{s} = '{excellent}' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.passed_{s} = 1 AND o.low_{s} = '{good}' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.passed_{s} = 1 AND o.low_{s} = '{satisfactory}'
                AND o.high_{s} > '{satisfactory}' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.passed_{s} = 1
                AND (o.high_{s} = '{satisfactory}' OR o.high_{s} IS NULL)
                THEN 1 ELSE 0 END),
       SUM(o.passed_{s}),
       SUM(CASE WHEN o.admitted_{s} = 1 AND o.owed_{s} = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.admitted_{s} = 1 AND o.owed_{s} = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.admitted_{s} = 1 AND o.owed_{s} >= 3 THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.admitted_{s} = 1 AND o.absent_{s} > 0 THEN 1 ELSE 0 END)"""

# The grades per student (StudentOutcome), then one row per student of the contingent with what
# the categories need, then the scope's counts.
_QUERY = """
WITH grades AS ({grades}),
assessments AS (
    SELECT x.group_id, COUNT(*) AS n FROM sessions_app_assessment x
    WHERE x.session_id = %(session)s GROUP BY x.group_id
),
outcome AS (
    SELECT {form_key} AS form_key, {key} AS scope_key, {label} AS scope_label, {order_columns}
           a.reason, a.funding, s."foreign" AS is_foreign,{outcome}
    FROM sessions_app_admission a
    JOIN academics_student s ON s.id = a.student_id
    JOIN academics_studygroup g ON g.id = a.group_id
    JOIN academics_program p ON p.id = g.program_id
    JOIN academics_faculty f ON f.id = p.faculty_id
    LEFT JOIN sessions_app_admission r
           ON r.session_id = a.session_id AND r.student_id = a.student_id AND r.stage = '{retake}'
    LEFT JOIN assessments n ON n.group_id = a.group_id
    LEFT JOIN grades gs ON gs.student_id = a.student_id AND gs.group_id = a.group_id
    WHERE a.session_id = %(session)s AND a.stage = '{main}' AND {where}
),
counted AS (
    SELECT o.*{passed}
    FROM outcome o
)
SELECT o.form_key, o.scope_key, o.scope_label,{counts}
FROM counted o
{grouping}
"""

# The vocabulary the SQL compares with, from sessions_app.rules.
_LITERALS = {
    "main": MAIN,
    "retake": RETAKE,
    "valid": VALID,
    "excellent": EXCELLENT,
    "good": GOOD,
    "satisfactory": SATISFACTORY,
}

# The counts the query returns: all but not_passed, which is contingent − passed.
_SQL_COUNTS = tuple(name for name in COUNTS if name != "not_passed")


def achievement(session, stage, by=By.FACULTY, form=None, faculty=None, group_ids=None):
    """The rows of figures of `session` at `stage`, one per scope of kind `by`.

    `form` ("day" / "extramural") and `faculty` (a Faculty or its id) narrow the students counted;
    `group_ids` narrows to those groups (a dean's office's scope). One query.
    """
    rows = _query(session, (stage,), by, form, faculty, group_ids, split_form=False)
    return rows.get((stage, None), [])


def achievement_by_form(session, stage, by=By.FACULTY, faculty=None, group_ids=None):
    """{form: rows} for every study form at once, in one query (the report's tables per form):
    the session's grades are read once whatever the number of forms."""
    rows = _query(session, (stage,), by, None, faculty, group_ids, split_form=True)
    return {form: found for (_stage, form), found in rows.items()}


def achievement_tables(session, stages=Stage.VALUES, by=By.FACULTY, faculty=None, group_ids=None):
    """{(stage, form): rows} for the stages and every study form, in one query: the session
    report's tables (both forms, before and after АКЖ) read the session's grades once."""
    return _query(session, tuple(stages), by, None, faculty, group_ids, split_form=True)


def _query(session, stages, by, form, faculty, group_ids, split_form):
    if not stages or any(stage not in Stage.VALUES for stage in stages):
        raise ValueError(f"stage must be one of {Stage.VALUES}")
    if by not in _SCOPES:
        raise ValueError(f"by must be one of {By.VALUES}")
    key, label, order = _SCOPES[by]
    params = {"session": getattr(session, "pk", session)}
    where = ["1 = 1"]
    if form:
        where.append("p.form = %(form)s")
        params["form"] = form
    if faculty is not None:
        where.append("p.faculty_id = %(faculty)s")
        params["faculty"] = getattr(faculty, "pk", faculty)
    if group_ids is not None:
        ids = [int(pk) for pk in group_ids] or [0]
        where.append(f"g.id IN ({', '.join(str(pk) for pk in ids)})")
    order_columns, grouping = "", "GROUP BY o.form_key, o.scope_key, o.scope_label"
    if order:
        # The ordering columns travel through the per-student rows as sort_1, sort_2...
        terms = [term.split() for term in order.split(", ")]
        order_columns = "".join(f"{t[0]} AS sort_{i}, " for i, t in enumerate(terms))
        sort = ", ".join(f"sort_{i}{' DESC' if len(t) > 1 else ''}" for i, t in enumerate(terms))
        sorts = ", ".join(f"sort_{i}" for i in range(len(terms)))
        grouping = (
            f"GROUP BY o.form_key, o.scope_key, o.scope_label, {sorts} ORDER BY o.form_key, {sort}"
        )
    stages = tuple(dict.fromkeys(stages))
    sql = _QUERY.format(
        grades=_GRADES,
        form_key="p.form" if split_form else "NULL",
        key=key,
        label=label,
        order_columns=order_columns,
        outcome=",".join(_OUTCOME.format(s=s, admitted=_ADMITTED[s]) for s in stages),
        where=" AND ".join(where),
        passed="".join(
            f",\n           CASE WHEN o.admitted_{s} = 1 AND o.owed_{s} <= 0 "
            f"THEN 1 ELSE 0 END AS passed_{s}"
            for s in stages
        ),
        counts=",".join(_COUNTS.format(s=s, **_LITERALS) for s in stages),
        grouping=grouping,
        **_LITERALS,
    )
    connection = connections[router.db_for_read(Admission)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchall()
    rows = {}
    width = len(_SQL_COUNTS)
    for form_key, scope_key, scope_label, *values in result:
        for index, stage in enumerate(stages):
            part = values[index * width : (index + 1) * width]
            counts = dict(zip(_SQL_COUNTS, (int(v or 0) for v in part), strict=True))
            counts["not_passed"] = counts["contingent"] - counts["passed"]
            row = Row(str(scope_label or ""), scope_key, {name: counts[name] for name in COUNTS})
            rows.setdefault((stage, form_key), []).append(row)
    return rows


def report_sessions():
    """The exam sessions, newest first, each knowing whether it has a contingent yet
    (`has_data`: main-stage admission rows, the rule above)."""
    return ExamSession.objects.select_related("academic_year").annotate(
        has_data=Exists(Admission.objects.filter(session=OuterRef("pk"), stage=MAIN))
    )


def university(session, stage, form=None):
    """The university's one row (of `form`, or of both)."""
    rows = achievement(session, stage, By.UNIVERSITY, form=form)
    return total(rows, scope="total")


def best(rows):
    """The row with the highest absolute achievement (the first of equals); None for no rows."""
    rows = [row for row in rows if row.counts["contingent"]]
    return max(rows, key=lambda row: row.absolute_pct, default=None)


@dataclass
class Owing:
    """A student who has not passed, and what for: each owed assessment with its grade ("" for
    none), or not admitted with the reason (and the dean's office's note)."""

    student: object
    admitted: bool
    reason: str
    owed: list  # [(assessment, value)]
    group_id: int = None
    note: str = ""


def owing_students(session, stage, group):
    """The students of `group` in `session` who have not passed at `stage`, by the rules above.

    A fixed number of queries; `owing_1` … `owing_3_plus` of the group's row count the admitted
    among them by len(owed).
    """
    return owing_in(session, stage, groups=[group])


def owing_in(session, stage, groups=None, faculty=None):
    """owing_students() of every group of `session` (or of `groups`, or of `faculty`'s groups) at
    once, in Kyrgyz name order: a fixed number of queries whatever the number of groups or
    students (the students at risk read the whole university through it)."""
    main = Admission.objects.filter(session=session, stage=MAIN)
    if groups is not None:
        main = main.filter(group__in=groups)
    if faculty is not None:
        main = main.filter(group__program__faculty=faculty)
    admissions = list(
        main.order_by(by_name("student__full_name"), "student__record_book").values_list(
            "student_id", "group_id", "admitted", "reason", "note"
        )
    )
    retake_admitted = set(
        Admission.objects.filter(
            session=session,
            stage=RETAKE,
            admitted=True,
            student_id__in=main.values("student_id"),
        ).values_list("student_id", flat=True)
    )
    assessments = {}
    for assessment in (
        Assessment.objects.filter(session=session, group_id__in=main.values("group_id"))
        .select_related("discipline")
        .order_by("discipline__name", "kind")
    ):
        assessments.setdefault(assessment.group_id, []).append(assessment)
    # The grades of the groups' assessments, filtered by joins, not by IN (subquery): SQLite runs
    # those subqueries again and again (4.7 s for a session's 50 000 grades, against 0.06 s). A
    # grade of a student not admitted in the group is read and never looked up.
    rows = Grade.objects.filter(assessment__session=session)
    if groups is not None:
        rows = rows.filter(assessment__group__in=groups)
    if faculty is not None:
        rows = rows.filter(assessment__group__program__faculty=faculty)
    grades = {
        (student_id, assessment_id, attempt): value
        for student_id, assessment_id, attempt, value in rows.values_list(
            "student_id", "assessment_id", "attempt", "value"
        )
    }
    result = []
    for student_id, group_id, main_admitted, reason, note in admissions:
        admitted = main_admitted or (stage == Stage.AFTER and student_id in retake_admitted)
        if not admitted:
            result.append(Owing(student_id, False, reason, [], group_id, note))
            continue
        owed = []
        for assessment in assessments.get(group_id, ()):
            value = grades.get((student_id, assessment.pk, MAIN), "")
            if stage == Stage.AFTER:
                value = grades.get((student_id, assessment.pk, RETAKE), value)
            if not passes(value):
                owed.append((assessment, value))
        if owed:
            result.append(Owing(student_id, True, "", owed, group_id, note))
    # Each entry held its student's id until here: the students are read once, only those listed.
    students = Student.objects.in_bulk([entry.student for entry in result])
    for entry in result:
        entry.student = students[entry.student]
    return result
