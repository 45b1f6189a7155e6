"""Each student's session outcome (StudentOutcome): what their grades add up to before and after
АКЖ, kept current on every grade write so that the reports read one row per student.

The rules are those of reports.achievement: before АКЖ a grade is the main attempt's; after АКЖ
the retake's where there is one, else the main attempt's. Per student and group: how many
assessments count as passed (5, 4, 3, pass), how many "absent", and the lowest and highest of the
5/4/3 grades. What is owed depends on the group's assessments and on admission, which the reports
join as they are: adding an assessment or changing an admission needs no refresh here.

Written by sessions_app.services (record_grades: the sheet's students; import_grades: the
sessions imported), the only writers of grades; an assessment with grades cannot be deleted.
Two saves in one session refresh one after the other: the grade service locks the sheet with
SELECT … FOR UPDATE over its assessment, group and session rows, held to the commit, so the second
recomputes from the grades the first committed (READ COMMITTED) and none is lost
(tests/sessions_app/test_outcomes.py interleaves two). On SQLite the writes are serial anyway.
"""

from django.db import connections, router, transaction

from portal.chunks import chunked

from .models import StudentOutcome
from .rules import ABSENT, CATEGORY_GRADES, MAIN, PASSING, RETAKE, sql_list

# The literals come from sessions_app.rules: what passes, what is absent, which grades place a
# student in a category. Doubled braces are the {students} and {s} filled in below.
_AGGREGATES = f"""
    SELECT x.session_id, gr.student_id, x.group_id,
           MAX(CASE WHEN gr.attempt = '{MAIN}' THEN gr.value END) AS v_before,
           COALESCE(MAX(CASE WHEN gr.attempt = '{RETAKE}' THEN gr.value END),
                    MAX(CASE WHEN gr.attempt = '{MAIN}' THEN gr.value END)) AS v_after
    FROM sessions_app_grade gr
    JOIN sessions_app_assessment x ON x.id = gr.assessment_id
    WHERE x.session_id = %s{{students}}
    GROUP BY x.session_id, gr.student_id, gr.assessment_id, x.group_id
"""
_STAGE = f"""
           COUNT(CASE WHEN t.v_{{s}} IN ({sql_list(PASSING)}) THEN 1 END),
           COUNT(CASE WHEN t.v_{{s}} = '{ABSENT}' THEN 1 END),
           MIN(CASE WHEN t.v_{{s}} IN ({sql_list(CATEGORY_GRADES)}) THEN t.v_{{s}} END),
           MAX(CASE WHEN t.v_{{s}} IN ({sql_list(CATEGORY_GRADES)}) THEN t.v_{{s}} END)"""
_SELECT = (
    "SELECT t.session_id, t.student_id, t.group_id,"
    + _STAGE.format(s="before")
    + ","
    + _STAGE.format(s="after")
    + "\n    FROM ({attempts}) t GROUP BY t.session_id, t.student_id, t.group_id"
)
_COLUMNS = (
    "session_id, student_id, group_id, ok_before, absent_before, low_before, high_before, "
    "ok_after, absent_after, low_after, high_after"
)


def _connection():
    return connections[router.db_for_write(StudentOutcome)]


def _students_clause(student_ids):
    if student_ids is None:
        return "", []
    return f" AND gr.student_id IN ({', '.join(['%s'] * len(student_ids))})", list(student_ids)


def computed(session_id, student_ids=None):
    """The outcome rows of the session (of those students), computed from the grades now: what
    the table must hold. A list of tuples in the order of the table's columns."""
    clause, params = _students_clause(student_ids)
    sql = _SELECT.format(attempts=_AGGREGATES.format(students=clause))
    with _connection().cursor() as cursor:
        cursor.execute(sql + " ORDER BY t.student_id, t.group_id", [session_id, *params])
        return [tuple(row) for row in cursor.fetchall()]


@transaction.atomic(savepoint=False)
def refresh(session_ids, student_ids=None):
    """Recompute the outcomes of `session_ids` — of every student, or of `student_ids` only: a
    delete and an insert per session, inside the caller's transaction (no savepoint of its own)."""
    student_ids = None if student_ids is None else sorted(set(student_ids))
    chunks = [None] if student_ids is None else list(chunked(student_ids))
    with _connection().cursor() as cursor:
        for session_id in {getattr(s, "pk", s) for s in session_ids}:
            for chunk in chunks:
                delete = "DELETE FROM sessions_app_studentoutcome WHERE session_id = %s"
                clause, params = _students_clause(chunk)
                if chunk is not None:
                    delete += clause.replace("gr.student_id", "student_id")
                cursor.execute(delete, [session_id, *params])
                attempts = _AGGREGATES.format(students=clause)
                cursor.execute(
                    f"INSERT INTO sessions_app_studentoutcome ({_COLUMNS}) "
                    + _SELECT.format(attempts=attempts),
                    [session_id, *params],
                )


def rebuild_all():
    """Every session's outcomes from the grades (the migration that made the table)."""
    with _connection().cursor() as cursor:
        cursor.execute("SELECT id FROM sessions_app_examsession")
        sessions = [row[0] for row in cursor.fetchall()]
    refresh(sessions)
