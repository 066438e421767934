"""Step timing: each assignment's step records measured from Wagtail's workflow and task states."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Page,
    TaskState,
    WorkflowState,
)

from ..models import Assignment, SopStep, StepRecord

logger = logging.getLogger("simpul.sop")
User = get_user_model()


def _page_workflow_task_states(page_id: int) -> tuple[list[WorkflowState], list[TaskState]]:
    page_ct = ContentType.objects.get_for_model(Page)
    states = list(
        WorkflowState.objects.filter(base_content_type=page_ct, object_id=str(page_id)).order_by(
            "created_at", "id"
        )
    )
    task_states = list(
        TaskState.objects.filter(workflow_state__in=states).order_by("started_at", "id")
    )
    return states, task_states


def _measure(assignment: Assignment, step: SopStep, states, task_states) -> dict:
    """State, start, end, attempts and executor of one step, from the assignment and Wagtail."""
    State = StepRecord.State
    stage = step.stage
    if stage == SopStep.Stage.PENUGASAN:
        done = assignment.draft_created_at
        return {
            "state": State.SELESAI if done else State.BERJALAN,
            "started_at": assignment.created_at,
            "finished_at": done,
            "attempt": 1,
            "executor_id": assignment.created_by_id,
        }
    if stage == SopStep.Stage.PENYUSUNAN:
        if assignment.draft_created_at is None:
            return {"state": State.MENUNGGU, "attempt": 0, "executor_id": assignment.assignee_id}
        submitted = states[0].created_at if states else None
        return {
            "state": State.SELESAI if submitted else State.BERJALAN,
            "started_at": assignment.draft_created_at,
            "finished_at": submitted,
            "attempt": 1,
            "executor_id": assignment.assignee_id,
        }
    if step.task_id:
        mine = [ts for ts in task_states if ts.task_id == step.task_id]
        attempts = [ts for ts in mine if ts.status != TaskState.STATUS_CANCELLED]
        if not mine:
            return {"state": State.MENUNGGU, "attempt": 0}
        latest = mine[-1]
        result = {"attempt": max(len(attempts), 1), "started_at": latest.started_at}
        if latest.status == TaskState.STATUS_IN_PROGRESS:
            return {**result, "state": State.BERJALAN, "finished_at": None}
        if latest.status == TaskState.STATUS_REJECTED:
            return {
                **result,
                "state": State.DIKEMBALIKAN,
                "finished_at": None,
                "executor_id": latest.finished_by_id,
            }
        if latest.status == TaskState.STATUS_APPROVED:
            if stage == SopStep.Stage.PUBLIKASI:
                done = assignment.shares_recorded_at
                return {
                    **result,
                    "state": State.SELESAI if done else State.BERJALAN,
                    "finished_at": done,
                    "executor_id": latest.finished_by_id,
                }
            return {
                **result,
                "state": State.SELESAI,
                "finished_at": latest.finished_at,
                "executor_id": latest.finished_by_id,
            }
        return {**result, "state": State.MENUNGGU, "finished_at": None}
    if stage == SopStep.Stage.PUBLIKASI and assignment.published_at:
        done = assignment.shares_recorded_at
        return {
            "state": State.SELESAI if done else State.BERJALAN,
            "started_at": assignment.published_at,
            "finished_at": done,
            "attempt": 1,
        }
    return {"state": State.MENUNGGU, "attempt": 0}


@transaction.atomic
def assignment_sync(*, assignment: Assignment) -> list[StepRecord]:
    """Bring the assignment's step records up to date with Wagtail's workflow and task states.

    Not an action: the records are measured from Wagtail's own rows (derived data, no audit),
    and Wagtail's workflow signals call this inside Wagtail's transaction."""
    return _sync_assignment(assignment)


def _sync_assignment(assignment: Assignment) -> list[StepRecord]:
    assignment = Assignment.objects.select_related("page").get(pk=assignment.pk)
    states: list = []
    task_states: list = []
    published_before = assignment.published_at
    if assignment.page_id:
        states, task_states = _page_workflow_task_states(assignment.page_id)
        first_published = assignment.page.first_published_at
        if first_published and assignment.published_at is None:
            assignment.published_at = first_published
    existing = {r.step_id: r for r in assignment.records.all()}
    records: list[StepRecord] = []
    for step in assignment.sop.steps.order_by("order"):
        measured = _measure(assignment, step, states, task_states)
        record = existing.get(step.pk) or StepRecord(assignment=assignment, step=step)
        values = {
            "state": measured["state"],
            "attempt": measured.get("attempt", 0),
            "started_at": measured.get("started_at"),
            "finished_at": measured.get("finished_at"),
            "executor_id": measured.get("executor_id"),
        }
        if record.pk is None or any(getattr(record, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.save()
        records.append(record)
    done = bool(records) and all(r.state == StepRecord.State.SELESAI for r in records)
    completed_at = max(r.finished_at for r in records) if done else None
    if assignment.completed_at != completed_at or assignment.published_at != published_before:
        assignment.completed_at = completed_at
        assignment.save(update_fields=["completed_at", "published_at"])
    return records


def assignment_sync_for_page(page_id: int | str | None) -> None:
    """Called from Wagtail's workflow signals: re-measure the assignment linked to a page."""
    if page_id in (None, ""):
        return
    assignment = Assignment.objects.filter(page_id=int(page_id)).first()
    if assignment is not None:
        assignment_sync(assignment=assignment)
