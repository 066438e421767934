"""Reads of the SOP app: versions, the SOP matrix, assignments with timings, compliance figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.freshness import newest_in_schema

from .models import Assignment, Notification, Share, Sop, SopStep, StepRecord


def active_publication_sop() -> Sop | None:
    """The publication SOP in force (at most one: a partial unique index)."""
    return Sop.objects.filter(kind=Sop.Kind.PUBLIKASI, status=Sop.Status.AKTIF).first()


def sop_list() -> QuerySet[Sop]:
    """Every version of every SOP of the current instansi, newest version first per SOP."""
    return Sop.objects.select_related("decree").order_by("title", "lineage", "-version")


def sop_get(pk: int) -> Sop | None:
    return (
        Sop.objects.select_related("decree")
        .prefetch_related(
            Prefetch("steps", queryset=SopStep.objects.select_related("role").order_by("order"))
        )
        .filter(pk=pk)
        .first()
    )


def sop_active_publication() -> Sop | None:
    return Sop.objects.filter(kind=Sop.Kind.PUBLIKASI, status=Sop.Status.AKTIF).first()


def sop_versions(sop: Sop) -> QuerySet[Sop]:
    return Sop.objects.filter(lineage=sop.lineage).order_by("-version")


# --- the SOP matrix -----------------------------------------------------------------------------

SYMBOL_GLYPHS = {
    SopStep.Symbol.MULAI: "○",
    SopStep.Symbol.PROSES: "□",
    SopStep.Symbol.KEPUTUSAN: "◇",
    SopStep.Symbol.SELESAI: "○",
}


@dataclass
class MatrixCell:
    """One executor cell of a row: the symbol (if this executor acts) and connector pieces."""

    symbol: str = ""  # SopStep.Symbol value, empty when another executor acts in this row
    glyph: str = ""
    arrow_in: bool = False  # vertical line from the top edge into the symbol
    down: bool = False  # vertical line from the symbol straight to the bottom edge
    turn_right: bool = False  # line from this column's centre to the right edge (lower band)
    turn_left: bool = False  # line from this column's centre to the left edge (lower band)
    through: bool = False  # horizontal line across the whole cell (lower band)
    drop: bool = False  # vertical line from the lower band down to the bottom edge


@dataclass
class MatrixRow:
    step: SopStep
    column: int
    cells: list[MatrixCell] = field(default_factory=list)


@dataclass
class Matrix:
    sop: Sop
    roles: list[str]
    rows: list[MatrixRow]


def sop_matrix(sop: Sop) -> Matrix:
    """The standard Indonesian SOP matrix: one column per executor, symbols joined by arrows."""
    steps = list(sop.steps.select_related("role").order_by("order"))
    roles: list[str] = []
    for step in steps:
        if step.role.name not in roles:
            roles.append(step.role.name)
    rows = []
    for step in steps:
        column = roles.index(step.role.name)
        cells = [MatrixCell() for _ in roles]
        cells[column].symbol = step.symbol
        cells[column].glyph = SYMBOL_GLYPHS[step.symbol]
        rows.append(MatrixRow(step=step, column=column, cells=cells))
    for index, row in enumerate(rows):
        if index > 0:
            row.cells[row.column].arrow_in = True
        if index + 1 == len(rows):
            continue
        target = rows[index + 1].column
        if target == row.column:
            row.cells[row.column].down = True
            continue
        low, high = sorted((row.column, target))
        for col in range(low + 1, high):
            row.cells[col].through = True
        if target > row.column:
            row.cells[row.column].turn_right = True
            row.cells[target].turn_left = True
        else:
            row.cells[row.column].turn_left = True
            row.cells[target].turn_right = True
        row.cells[target].drop = True
    return Matrix(sop=sop, roles=roles, rows=rows)


# --- assignments --------------------------------------------------------------------------------


def assignment_list(*, limit: int = 100) -> QuerySet[Assignment]:
    return (
        Assignment.objects.select_related("sop", "assignee", "created_by", "page")
        .prefetch_related(
            Prefetch(
                "records",
                queryset=StepRecord.objects.select_related("step").order_by("step__order"),
            )
        )
        .order_by("-created_at", "-id")[:limit]
    )


def assignment_get(pk: int) -> Assignment | None:
    return (
        Assignment.objects.select_related("sop", "assignee", "created_by", "page")
        .prefetch_related(
            Prefetch(
                "records",
                queryset=StepRecord.objects.select_related("step__role", "executor").order_by(
                    "step__order"
                ),
            ),
            Prefetch("shares", queryset=Share.objects.order_by("recorded_at", "id")),
        )
        .filter(pk=pk)
        .first()
    )


def assignment_for_page(page_id: int) -> Assignment | None:
    return Assignment.objects.filter(page_id=page_id).first()


def assignment_timeline(assignment: Assignment, *, now: datetime | None = None) -> list[dict]:
    """Per step: who, start, end, minutes taken (or so far), the standard, and whether it ran over."""
    now = now or timezone.now()
    rows = []
    for record in assignment.records.all():
        elapsed = record.elapsed_minutes(now)
        standard = record.step.standard_minutes
        rows.append(
            {
                "record": record,
                "order": record.step.order,
                "activity": record.step.activity,
                "role": record.step.role.name if record.step.role_id else "",
                "state": record.get_state_display(),
                "state_code": record.state,
                "attempt": record.attempt,
                "started_at": record.started_at,
                "finished_at": record.finished_at,
                "executor": record.executor,
                "minutes": None if elapsed is None else round(elapsed, 1),
                "standard_minutes": standard,
                "over": elapsed is not None and elapsed > standard,
                "within_standard": record.within_standard,
            }
        )
    return rows


def notification_list_for(user, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit]


# --- compliance and the evaluation's figures ----------------------------------------------------


def _finished_records(start: datetime, end: datetime) -> QuerySet[StepRecord]:
    return StepRecord.objects.filter(
        state=StepRecord.State.SELESAI,
        started_at__isnull=False,
        finished_at__gte=start,
        finished_at__lt=end,
    )


def compliance_report(*, start: datetime, end: datetime) -> dict:
    """Steps finished in [start, end): share within standard, median and worst, per step and person."""
    records = list(
        _finished_records(start, end)
        .select_related("step__role", "executor")
        .order_by("step__order", "pk")
    )
    by_step: dict[int, list[StepRecord]] = defaultdict(list)
    by_person: dict[str, list[StepRecord]] = defaultdict(list)
    for record in records:
        by_step[record.step.order].append(record)
        person = record.executor
        name = (person.get_full_name() or person.get_username()) if person else "(tidak tercatat)"
        by_person[name].append(record)

    def summary(items: list[StepRecord]) -> dict:
        minutes = [r.duration_minutes for r in items]
        within = sum(1 for r in items if r.within_standard)
        return {
            "count": len(items),
            "within": within,
            "share_within": within / len(items) if items else None,
            "median_minutes": round(median(minutes), 1) if minutes else None,
            "worst_minutes": round(max(minutes), 1) if minutes else None,
        }

    steps = []
    for order, items in sorted(by_step.items()):
        step = items[-1].step
        steps.append(
            {
                "order": order,
                "activity": step.activity,
                "role": step.role.name if step.role_id else "",
                "standard_minutes": step.standard_minutes,
                **summary(items),
            }
        )
    people = [{"name": name, **summary(items)} for name, items in sorted(by_person.items())]
    return {"start": start, "end": end, "total": summary(records), "steps": steps, "people": people}


def sop_stats(*, start: datetime, end: datetime) -> dict:
    """The evaluation's figures for the current instansi and the period [start, end)."""
    records = list(
        _finished_records(start, end)
        .select_related("step")
        .only("started_at", "finished_at", "step__order", "step__standard_minutes")
    )
    minutes_by_order: dict[int, list[float]] = defaultdict(list)
    within = 0
    for record in records:
        minutes_by_order[record.step.order].append(record.duration_minutes)
        within += bool(record.within_standard)
    return {
        "sop_active": Sop.objects.filter(kind=Sop.Kind.PUBLIKASI, status=Sop.Status.AKTIF).exists(),
        "items_published": Assignment.objects.filter(
            published_at__gte=start, published_at__lt=end
        ).count(),
        "shares_recorded": Share.objects.filter(
            recorded_at__gte=start, recorded_at__lt=end
        ).count(),
        "steps_total": len(records),
        "steps_within_standard": within,
        "share_within_standard": within / len(records) if records else None,
        "median_minutes_per_step": {
            order: float(median(values)) for order, values in sorted(minutes_by_order.items())
        },
    }


def sop_last_change() -> datetime | None:
    """The newest change among the SOP rows of the schema in use (versions, assignments,
    step records, shares): when the instansi's SOP figures last moved."""
    return newest_in_schema(
        [
            (Sop, ("created_at", "activated_at", "retired_at")),
            (Assignment, ("created_at", "published_at", "shares_recorded_at", "completed_at")),
            (StepRecord, ("finished_at",)),
            (Share, ("recorded_at",)),
        ]
    )
