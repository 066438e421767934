"""The yearly rubric: its criteria and bands."""

from django.utils import timezone

from core.actions import action
from core.audit import record_change
from core.errors import Conflict, SimpulError

from ..models import (
    CriterionScore,
    Rubric,
    RubricCriterion,
)
from ..roles import EVALUATE
from ._common import DEFAULT_BANDS, DEFAULT_CRITERIA, _check_year


def _validate_bands(bands: list[dict]) -> list[dict]:
    if not bands:
        raise SimpulError("Isi paling sedikit satu predikat.", field="bands")
    clean = []
    for band in bands:
        label = (band.get("label") or "").strip()
        try:
            low = float(band.get("min"))
        except (TypeError, ValueError) as exc:
            raise SimpulError("Batas bawah predikat harus angka.", field="bands") from exc
        if not label:
            raise SimpulError("Setiap predikat perlu nama.", field="bands")
        if not 0 <= low <= 100:
            raise SimpulError("Batas bawah predikat harus 0–100.", field="bands")
        clean.append({"min": low, "label": label[:60]})
    clean.sort(key=lambda b: b["min"], reverse=True)
    if len({b["min"] for b in clean}) != len(clean):
        raise SimpulError("Dua predikat tidak boleh memiliki batas bawah yang sama.", field="bands")
    if clean[-1]["min"] != 0:
        raise SimpulError("Predikat terendah harus dimulai dari 0.", field="bands")
    return clean


@action("evaluation.rubric_ensure", "Rubrik tahunan disiapkan")
def rubric_ensure(*, year: int) -> Rubric:
    """The year's rubric; the default one (regulation principles) the first time."""
    return _ensure_rubric(year=year)


def _ensure_rubric(*, year: int) -> Rubric:
    year = _check_year(year)
    rubric = Rubric.objects.filter(year=year).first()
    if rubric is not None:
        return rubric
    previous = Rubric.objects.filter(year__lt=year).order_by("-year").first()
    rubric = Rubric.objects.create(year=year, bands=previous.bands if previous else DEFAULT_BANDS)
    if previous is not None:
        criteria = [
            (c.code, c.name, c.description, c.weight, c.max_score) for c in previous.criteria.all()
        ]
    else:
        criteria = [(*c, 100) for c in DEFAULT_CRITERIA]
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            rubric=rubric,
            order=i,
            code=code,
            name=name,
            description=desc,
            weight=weight,
            max_score=max_score,
        )
        for i, (code, name, desc, weight, max_score) in enumerate(criteria)
    )
    return rubric


@action("evaluation.rubric_update", "Rubrik evaluasi diubah", permission=EVALUATE)
def rubric_update(*, actor, year: int, criteria: list[dict], bands: list[dict]) -> Rubric:
    """Replace the criteria and bands of `year`; weights must sum to 100.

    `criteria`: [{"id" (optional), "code", "name", "description", "weight", "max_score"}].
    Criteria already scored in an evaluation cannot be removed.
    """
    rubric = _ensure_rubric(year=year)
    bands = _validate_bands(bands)
    if not criteria:
        raise SimpulError("Rubrik memerlukan paling sedikit satu kriteria.", field="criteria")
    total = 0
    seen = set()
    clean = []
    for i, row in enumerate(criteria):
        name = (row.get("name") or "").strip()
        if not name:
            raise SimpulError(f"Kriteria ke-{i + 1} perlu nama.", field="criteria")
        try:
            weight = int(row.get("weight"))
            max_score = int(row.get("max_score") or 100)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Bobot dan skor maksimum kriteria '{name}' harus bilangan bulat.",
                field="criteria",
            ) from exc
        if weight < 0 or max_score <= 0:
            raise SimpulError(f"Bobot/skor maksimum kriteria '{name}' tidak sah.", field="criteria")
        code = (row.get("code") or "").strip() or f"k{i + 1}"
        if code in seen:
            raise SimpulError(f"Kode kriteria {code!r} dipakai dua kali.", field="criteria")
        seen.add(code)
        total += weight
        clean.append(
            (row.get("id"), code, name, (row.get("description") or "").strip(), weight, max_score)
        )
    if total != 100:
        raise SimpulError(f"Jumlah bobot harus 100 (sekarang {total}).", field="criteria")
    existing = {c.pk: c for c in rubric.criteria.all()}
    kept = set()
    for order, (cid, code, name, desc, weight, max_score) in enumerate(clean):
        criterion = existing.get(int(cid)) if cid and str(cid).isdigit() else None
        if criterion is None:
            by_code = next((c for c in existing.values() if c.code == code), None)
            criterion = by_code or RubricCriterion(rubric=rubric)
        criterion.order, criterion.code, criterion.name = order, code, name[:200]
        criterion.description, criterion.weight, criterion.max_score = desc, weight, max_score
        criterion.full_clean()
        criterion.save()
        kept.add(criterion.pk)
    removed = [c for pk, c in existing.items() if pk not in kept]
    for criterion in removed:
        if CriterionScore.objects.filter(criterion=criterion, score__isnull=False).exists():
            raise Conflict(
                f"Kriteria '{criterion.name}' sudah dipakai dalam penilaian dan tidak dapat dihapus."
            )
        CriterionScore.objects.filter(criterion=criterion).delete()
        criterion.delete()
    rubric.bands = bands
    rubric.updated_at = timezone.now()
    rubric.save()
    record_change(
        actor=actor,
        action="evaluation.rubric_update",
        obj=rubric,
        summary=f"Rubrik {year} diubah",
        after={"criteria": [c[1:5] for c in clean], "bands": bands},
    )
    return rubric
