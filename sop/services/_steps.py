"""The steps of an SOP: checked against the rules of its kind, written, and read back."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.errors import SimpulError

from ..models import Sop, SopStep

logger = logging.getLogger("simpul.sop")
User = get_user_model()


STEP_FIELDS = (
    "order",
    "activity",
    "role",
    "symbol",
    "stage",
    "kelengkapan",
    "standard_minutes",
    "output",
    "notes",
)


def _as_group(value: Any, order: Any) -> Group | None:
    if value in (None, ""):
        return None
    if isinstance(value, Group):
        return value
    try:
        return Group.objects.get(pk=int(value))
    except (Group.DoesNotExist, TypeError, ValueError) as exc:
        raise SimpulError(
            f"Langkah {order}: grup pelaksana {value!r} tidak ditemukan.", field="steps"
        ) from exc


def _clean_steps(kind: str, steps: list[dict]) -> list[dict]:
    """Normalised step data, or SimpulError naming the first broken rule (Indonesian)."""
    if not steps:
        raise SimpulError("SOP harus memiliki minimal satu langkah.", field="steps")
    cleaned: list[dict] = []
    seen_orders: set[int] = set()
    for position, raw in enumerate(steps, start=1):
        order_raw = raw.get("order", position)
        try:
            order = int(order_raw)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Nomor urut langkah ke-{position} harus berupa angka (diterima: {order_raw!r}).",
                field="steps",
            ) from exc
        if order < 1:
            raise SimpulError(
                f"Nomor urut langkah ke-{position} harus 1 atau lebih.", field="steps"
            )
        if order in seen_orders:
            raise SimpulError(
                f"Nomor urut langkah {order} dipakai lebih dari sekali; setiap langkah harus "
                "memiliki nomor urut sendiri.",
                field="steps",
            )
        seen_orders.add(order)
        activity = (raw.get("activity") or "").strip()
        if not activity:
            raise SimpulError(f"Langkah {order}: aktivitas wajib diisi.", field="steps")
        role = _as_group(raw.get("role"), order)
        if role is None:
            raise SimpulError(
                f"Langkah {order}: pelaksana (grup peran) wajib dipilih.", field="steps"
            )
        minutes_raw = raw.get("standard_minutes")
        try:
            minutes = int(minutes_raw)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Langkah {order}: waktu harus berupa jumlah menit (diterima: {minutes_raw!r}).",
                field="steps",
            ) from exc
        if minutes <= 0:
            raise SimpulError(
                f"Langkah {order}: waktu harus lebih dari 0 menit (diterima: {minutes}).",
                field="steps",
            )
        symbol = raw.get("symbol") or SopStep.Symbol.PROSES
        if symbol not in SopStep.Symbol.values:
            raise SimpulError(
                f"Langkah {order}: simbol {symbol!r} tidak dikenal; pilih mulai, proses, "
                "keputusan atau selesai.",
                field="steps",
            )
        stage = raw.get("stage") or SopStep.Stage.LAINNYA
        if stage not in SopStep.Stage.values:
            raise SimpulError(f"Langkah {order}: tahap {stage!r} tidak dikenal.", field="steps")
        if kind != Sop.Kind.PUBLIKASI:
            stage = SopStep.Stage.LAINNYA
        cleaned.append(
            {
                "order": order,
                "activity": activity,
                "role": role,
                "symbol": symbol,
                "stage": stage,
                "kelengkapan": (raw.get("kelengkapan") or "").strip(),
                "standard_minutes": minutes,
                "output": (raw.get("output") or "").strip(),
                "notes": (raw.get("notes") or "").strip(),
            }
        )
    cleaned.sort(key=lambda s: s["order"])
    if not any(s["symbol"] == SopStep.Symbol.SELESAI for s in cleaned):
        raise SimpulError(
            "SOP harus memiliki langkah akhir dengan simbol Selesai (○).", field="steps"
        )
    if cleaned[-1]["symbol"] != SopStep.Symbol.SELESAI:
        raise SimpulError(
            f"Langkah terakhir (langkah {cleaned[-1]['order']}) harus bersimbol Selesai (○).",
            field="steps",
        )
    if kind == Sop.Kind.PUBLIKASI:
        stages = [s["stage"] for s in cleaned]
        for single in (SopStep.Stage.PENUGASAN, SopStep.Stage.PENYUSUNAN):
            if stages.count(single) > 1:
                raise SimpulError(
                    f"Tahap {SopStep.Stage(single).label.lower()} hanya boleh satu langkah.",
                    field="steps",
                )
        if not any(s in (SopStep.Stage.TINJAUAN, SopStep.Stage.PUBLIKASI) for s in stages):
            raise SimpulError(
                "SOP publikasi memerlukan minimal satu langkah koreksi atau unggah (tugas alur "
                "kerja), agar berita tidak dapat terbit tanpa melalui SOP.",
                field="steps",
            )
    return cleaned


def _clean_header(title: str, kind: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise SimpulError("Judul SOP wajib diisi.", field="title")
    if len(title) > 255:
        raise SimpulError("Judul SOP paling panjang 255 karakter.", field="title")
    if kind not in Sop.Kind.values:
        raise SimpulError(
            f"Jenis SOP {kind!r} tidak dikenal; pilih: {', '.join(Sop.Kind.values)}.",
            field="kind",
        )
    return title, kind


def _check_decree(decree) -> None:
    if decree is not None and not getattr(decree, "pk", None):
        raise SimpulError("SK penetapan tidak ditemukan.", field="decree")


def _write_steps(sop: Sop, cleaned: list[dict]) -> None:
    sop.steps.all().delete()
    for data in cleaned:
        step = SopStep(sop=sop, **data)
        step.full_clean()
        step.save()


def _steps_snapshot(sop: Sop) -> list[dict]:
    return [
        {
            "order": s.order,
            "activity": s.activity,
            "role": s.role.name if s.role else None,
            "symbol": s.symbol,
            "stage": s.stage,
            "standard_minutes": s.standard_minutes,
            "output": s.output,
        }
        for s in sop.steps.select_related("role").order_by("order")
    ]


def steps_as_input(sop: Sop) -> list[dict]:
    """A version's steps in the input shape of `sop_update`, for editing a copy."""
    return [
        {field: getattr(step, field) for field in STEP_FIELDS}
        for step in sop.steps.select_related("role").order_by("order")
    ]
