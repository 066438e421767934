"""Evaluation of a submitted report: scores per criterion, total, release with recommendations."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from core.actions import action
from core.actors import actor_name
from core.audit import record_change
from core.errors import Conflict, SimpulError

from .. import figures as fig
from ..models import (
    AnnualReport,
    CriterionScore,
    Evaluation,
    InstansiSnapshot,
    Recommendation,
    RubricCriterion,
)
from ..roles import EVALUATE
from ..selectors import report_deadline
from ._common import _event, _locked
from .rubric import _ensure_rubric
from .snapshots import snapshot_refresh


def _snapshot_raw(report: AnnualReport) -> dict | None:
    """The instansi's snapshot for the year; made now (one instansi, once) when none exists yet."""
    snap = InstansiSnapshot.objects.filter(instansi=report.instansi, year=report.year).first()
    if snap is None:
        snap = snapshot_refresh(instansi=report.instansi, year=report.year)
    return snap.data


def _refresh_suggestions(evaluation: Evaluation, report: AnnualReport) -> None:
    raw = _snapshot_raw(report)
    deadline = report_deadline(report)
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for criterion in evaluation.rubric.criteria.all():
        suggestion = fig.suggested_score(criterion.code, raw, report, deadline)
        value = (
            None
            if suggestion is None
            else Decimal(str(round(suggestion * criterion.max_score / 100, 2)))
        )
        score = existing.get(criterion.pk) or CriterionScore(
            evaluation=evaluation, criterion=criterion
        )
        score.suggested = value
        score.save()


@action("report.evaluate_start", "Evaluasi dimulai", permission=EVALUATE)
def evaluation_start(*, report: AnnualReport, actor) -> Evaluation:
    """Take a submitted report into evaluation, with scores suggested from the figures."""
    report = _locked(report)
    if report.status == AnnualReport.Status.UNDER_EVALUATION:
        return report.evaluation
    if report.status != AnnualReport.Status.SUBMITTED:
        raise Conflict("Hanya laporan yang sudah disampaikan yang dapat dievaluasi.")
    rubric = _ensure_rubric(year=report.year)
    evaluation = Evaluation.objects.filter(report=report).first() or Evaluation.objects.create(
        report=report, instansi=report.instansi, rubric=rubric
    )
    evaluation.evaluator_name = actor_name(actor)
    evaluation.rubric = rubric
    evaluation.save()
    _refresh_suggestions(evaluation, report)
    from_status = report.status
    report.status = AnnualReport.Status.UNDER_EVALUATION
    report.save(update_fields=["status"])
    _event(report, from_status, actor, "Evaluasi dimulai")
    record_change(
        actor=actor,
        action="report.evaluate_start",
        obj=report,
        instansi=report.instansi,
        summary=f"Evaluasi laporan {report.year} dimulai",
    )
    return evaluation


def _decimal(value, criterion: RubricCriterion) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise SimpulError(f"Skor '{criterion.name}' harus angka.", field="scores") from exc
    if not number.is_finite() or number < 0 or number > criterion.max_score:
        raise SimpulError(
            f"Skor '{criterion.name}' harus antara 0 dan {criterion.max_score}.", field="scores"
        )
    return number.quantize(Decimal("0.01"))


def evaluation_total(evaluation: Evaluation) -> Decimal | None:
    scores = list(evaluation.scores.select_related("criterion"))
    if not scores or any(s.score is None for s in scores):
        return None
    total = sum(
        (s.score / s.criterion.max_score * s.criterion.weight for s in scores), Decimal("0")
    )
    return total.quantize(Decimal("0.01"))


@action("evaluation.save", "Nilai evaluasi disimpan", permission=EVALUATE)
def evaluation_save(
    *,
    report: AnnualReport,
    actor,
    scores: dict,
    notes: dict | None = None,
    summary: str = "",
    recommendations: list[str] | None = None,
) -> Evaluation:
    """Save scores ({criterion id: value}), notes, the summary and the recommendations."""
    report = _locked(report)
    if report.status != AnnualReport.Status.UNDER_EVALUATION:
        raise Conflict("Penilaian hanya dapat diubah selama laporan sedang dievaluasi.")
    evaluation = Evaluation.objects.select_for_update().get(report=report)
    criteria = {c.pk: c for c in evaluation.rubric.criteria.all()}
    parsed = {}
    for key, value in scores.items():
        criterion = criteria.get(int(key)) if str(key).isdigit() else None
        if criterion is None:
            raise SimpulError("Kriteria tidak dikenal dalam rubrik tahun ini.", field="scores")
        parsed[criterion.pk] = _decimal(value, criterion)
    recs = [r.strip() for r in (recommendations or []) if r and r.strip()]
    if any(len(r) > 4000 for r in recs):
        raise SimpulError(
            "Setiap rekomendasi paling panjang 4.000 karakter.", field="recommendations"
        )
    existing = {s.criterion_id: s for s in evaluation.scores.all()}
    for cid, value in parsed.items():
        score = existing.get(cid) or CriterionScore(evaluation=evaluation, criterion=criteria[cid])
        score.score = value
        if notes and str(cid) in notes:
            score.note = (notes[str(cid)] or "").strip()
        score.save()
    evaluation.summary = (summary or "").strip()
    evaluation.total = evaluation_total(evaluation)
    evaluation.predicate = evaluation.rubric.predicate_for(
        float(evaluation.total) if evaluation.total is not None else None
    )
    evaluation.evaluator_name = actor_name(actor)
    evaluation.updated_at = timezone.now()
    evaluation.save()
    if recommendations is not None:
        evaluation.recommendations.all().delete()
        Recommendation.objects.bulk_create(
            Recommendation(
                evaluation=evaluation,
                instansi=report.instansi,
                year=report.year,
                order=i,
                text=text,
            )
            for i, text in enumerate(recs)
        )
    record_change(
        actor=actor,
        action="evaluation.save",
        obj=evaluation,
        instansi=report.instansi,
        summary=f"Penilaian laporan {report.year} disimpan",
        after={"total": str(evaluation.total), "predicate": evaluation.predicate},
    )
    return evaluation


@action("report.evaluated", "Hasil evaluasi diumumkan", permission=EVALUATE)
def evaluation_release(*, report: AnnualReport, actor) -> Evaluation:
    """Finish the evaluation: the instansi now sees scores, predicate and recommendations."""
    report = _locked(report)
    if report.status != AnnualReport.Status.UNDER_EVALUATION:
        raise Conflict("Hanya laporan yang sedang dievaluasi yang dapat diselesaikan.")
    evaluation = Evaluation.objects.select_for_update().get(report=report)
    if evaluation.total is None:
        raise SimpulError("Isi skor semua kriteria sebelum menyelesaikan evaluasi.")
    if not evaluation.recommendations.exists():
        raise SimpulError("Tuliskan paling sedikit satu rekomendasi.")
    evaluation.released_at = timezone.now()
    evaluation.save(update_fields=["released_at"])
    from_status = report.status
    report.status = AnnualReport.Status.EVALUATED
    report.save(update_fields=["status"])
    _event(report, from_status, actor, f"Nilai {evaluation.total} ({evaluation.predicate})")
    record_change(
        actor=actor,
        action="report.evaluated",
        obj=report,
        instansi=report.instansi,
        summary=f"Hasil evaluasi {report.year} disampaikan",
        after={"total": str(evaluation.total), "predicate": evaluation.predicate},
    )
    return evaluation
