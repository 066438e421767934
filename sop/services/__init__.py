"""Writes of the SOP app, one module per seam: `versions` (create, change, activate, revoke),
`workflow` (binding to Wagtail's workflow), `assignments`, `timing` and `notifications`.

Every public write is a kernel action (`core.actions.action`): one durable transaction with its
audit record; a broken rule raises SimpulError before anything is written, so the SOP in force
stays exactly as it was.
"""

from ..selectors import active_publication_sop
from ._steps import STEP_FIELDS, steps_as_input
from .assignments import assignment_create, assignment_record_shares, assignment_start_draft
from .notifications import deadline_sweep, notification_mark_read
from .steps_flow import (
    assignment_start_from_editor,
    format_minutes,
    step_message,
    sync_and_notify_for_page,
)
from .timing import assignment_sync, assignment_sync_for_page
from .versions import (
    sop_activate,
    sop_create,
    sop_create_from_template,
    sop_deactivate,
    sop_update,
)

__all__ = [
    "STEP_FIELDS",
    "active_publication_sop",
    "assignment_create",
    "assignment_record_shares",
    "assignment_start_draft",
    "assignment_start_from_editor",
    "format_minutes",
    "step_message",
    "sync_and_notify_for_page",
    "assignment_sync",
    "assignment_sync_for_page",
    "deadline_sweep",
    "notification_mark_read",
    "sop_activate",
    "sop_create",
    "sop_create_from_template",
    "sop_deactivate",
    "sop_update",
    "steps_as_input",
]
