"""Writes of evaluation: the report lifecycle, corrections, rubrics, scores, snapshots, jobs.

Lifecycle: draft → submitted (numbers frozen) → under evaluation → evaluated, or → returned for
revision (editable again) → submitted … Every transition leaves a ReportEvent (with the figures
of that moment) and an audit record, in the same transaction.

One module per part: periods, reports (the instansi's side), extensions (deadline requests and
returns), rubric, scoring (the evaluator's side), snapshots (the console's figures and jobs),
reminders; what they share is in `_common`. Callers import from `evaluation.services`.
"""

from ._common import (
    DEFAULT_BANDS,
    DEFAULT_CRITERIA,
    MIN_REASON,
    NARRATIVE_FIELDS,
    REQUIRED_NARRATIVE,
)
from .extensions import (
    MAX_EXTENSION_DAYS,
    extension_grant,
    extension_refuse,
    extension_request,
    report_return,
)
from .periods import period_set
from .reminders import report_reminder_create
from .reports import (
    report_correct_figure,
    report_extend_deadline,
    report_missing_items,
    report_refresh_figures,
    report_start,
    report_submit,
    report_update,
)
from .rubric import rubric_ensure, rubric_update
from .scoring import evaluation_release, evaluation_save, evaluation_start, evaluation_total
from .snapshots import job_create, snapshot_refresh

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_CRITERIA",
    "MAX_EXTENSION_DAYS",
    "MIN_REASON",
    "NARRATIVE_FIELDS",
    "REQUIRED_NARRATIVE",
    "evaluation_release",
    "evaluation_save",
    "evaluation_start",
    "evaluation_total",
    "extension_grant",
    "extension_refuse",
    "extension_request",
    "job_create",
    "period_set",
    "report_correct_figure",
    "report_extend_deadline",
    "report_missing_items",
    "report_refresh_figures",
    "report_reminder_create",
    "report_return",
    "report_start",
    "report_submit",
    "report_update",
    "rubric_ensure",
    "rubric_update",
    "snapshot_refresh",
]
