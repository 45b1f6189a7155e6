"""Which exam sessions' figures a write may have changed.

Each exam session carries a `figures_version`; every write that can change its figures raises
it: the grade service and the results import explicitly (they write in bulk, without signals),
and the signals below for what the admin and the academic structure change one object at a time.
The reports keep their stored figures of a session by that version (reports.dashboard.snapshots),
so a stored figure is never read after a write that could have changed it.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from academics.models import Faculty, Program, Student, StudyGroup

from .models import Assessment, ExamSession


def changed(sessions=None):
    """Raise the figures version of `sessions` (ExamSessions or ids; None: every session)."""
    queryset = ExamSession.objects.all()
    if sessions is not None:
        ids = {getattr(session, "pk", session) for session in sessions}
        if not ids:
            return
        queryset = queryset.filter(pk__in=ids)
    queryset.update(figures_version=F("figures_version") + 1)


def _assessment_changed(sender, instance, **kwargs):
    # Deleting an assessment also deletes its grades; adding one changes what students owe.
    changed([instance.session_id])


def _structure_changed(sender, **kwargs):
    # A student's group, a group's program, a program's faculty or form: the figures of every
    # session are grouped by them. (A session's funding is its admissions', which the admissions
    # writer changes and marks; a student's funding now is kept here for the safe side.)
    changed()


def connect():
    for signal in (post_save, post_delete):
        signal.connect(_assessment_changed, sender=Assessment, dispatch_uid=f"figures-{signal}")
        for model in (Faculty, Program, StudyGroup, Student):
            signal.connect(
                _structure_changed, sender=model, dispatch_uid=f"figures-{model.__name__}-{signal}"
            )
