"""The stored figures of exam sessions: reports.achievement's rows per faculty, form and stage,
kept by the session's figures version so that the dashboard's history of many sessions costs two
queries, not one report query per session.

A stored row is used only when its version equals the session's (sessions_app.figures raises it
on every write that may change the figures); otherwise the session is computed again by
reports.achievement, the one definition, and stored.
"""

from datetime import timedelta

from django.utils import timezone

from ..achievement import COUNTS, By, Row, achievement_tables
from .models import SessionFigures


def _dump(tables):
    return {
        f"{stage}|{form}": [[row.key, row.scope, [row.counts[n] for n in COUNTS]] for row in rows]
        for (stage, form), rows in tables.items()
    }


def _load(data):
    tables = {}
    for key, rows in data.items():
        stage, form = key.split("|", 1)
        tables[(stage, form)] = [
            Row(label, faculty_id, dict(zip(COUNTS, counts, strict=True)))
            for faculty_id, label, counts in rows
        ]
    return tables


def session_figures(sessions, max_age=0, computed=None):
    """{session id: {(stage, form): [Row per faculty]}} for `sessions` (ExamSessions as loaded,
    with their figures_version). One query for the stored figures, plus one report query and one
    write for each session whose figures changed since they were stored.

    The version is the one read with the session, before its figures are computed: a write that
    lands meanwhile raises it, so what is stored then is computed again on the next request.

    `max_age` (seconds) lets figures computed that recently stand although the session changed
    since: while grades are being entered every second, the dashboard shows figures at most that
    old, and says as of when, instead of computing the session again on every request. `computed`,
    a dict when given, receives {session id: when its figures were computed}.
    """
    sessions = list(sessions)
    computed = {} if computed is None else computed
    stored = {
        figures.session_id: figures
        for figures in SessionFigures.objects.filter(session__in=[s.pk for s in sessions])
    }
    result, fresh = {}, []
    now = timezone.now()
    recent = now - timedelta(seconds=max_age)
    for session in sessions:
        figures = stored.get(session.pk)
        if figures is not None and (
            figures.version == session.figures_version or (max_age and figures.computed_at > recent)
        ):
            result[session.pk] = _load(figures.rows)
            computed[session.pk] = figures.computed_at
            continue
        computed[session.pk] = now
        tables = achievement_tables(session, by=By.FACULTY)
        result[session.pk] = tables
        fresh.append(
            SessionFigures(
                session=session,
                version=session.figures_version,
                rows=_dump(tables),
                computed_at=now,
            )
        )
    if fresh:
        SessionFigures.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["session"],
            update_fields=["version", "rows", "computed_at"],
        )
    return result
