"""The reports app's models, for Django to find: each is defined in the room of the feature that
uses it, under the app label "reports" (their tables and migrations are the app's, unchanged).

- reports.resolutions.models: the council's resolution and its items;
- reports.execution.models: the execution of an adopted resolution (its items' assignments,
  responsibles, reports, history and reminders);
- reports.dashboard.models: the stored figures of exam sessions (SessionFigures).
"""

from .dashboard.models import SessionFigures
from .execution.models import (
    Assignment,
    AssignmentEvent,
    ExecutionReport,
    ReminderSent,
    ReportAttachment,
    Responsible,
)
from .resolutions.models import Resolution, ResolutionItem

__all__ = [
    "Assignment",
    "AssignmentEvent",
    "ExecutionReport",
    "ReminderSent",
    "ReportAttachment",
    "Resolution",
    "ResolutionItem",
    "Responsible",
    "SessionFigures",
]
