"""Public-schema models: annual reports (Pasal 16), snapshots, rubrics and evaluations (Pasal 17).

Every row names its Instansi (public FK); tenant requests reach these tables through the
search path, so every read filters by the request's instansi.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tenants.models import Instansi

MIN_YEAR = 2015
MAX_YEAR = 2100


def default_deadline(year: int) -> datetime.date:
    """The regency's default: a year's report is due at the end of the following January."""
    return datetime.date(year + 1, 1, 31)


class ReportingPeriod(models.Model):
    """Settings of one reporting year: the deadline, when to remind, who signs the results."""

    year = models.PositiveIntegerField(
        "tahun", unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    deadline = models.DateField("batas waktu penyampaian")
    reminder_days = models.CharField(
        "pengingat (hari sebelum batas waktu)",
        max_length=60,
        default="14,7,1",
        help_text="Angka dipisah koma, mis. 14,7,1.",
    )
    signer_name = models.CharField("nama penanda tangan", max_length=200, blank=True)
    signer_title = models.CharField(
        "jabatan penanda tangan",
        max_length=200,
        default="Kepala Dinas Komunikasi dan Informatika",
    )
    signer_nip = models.CharField("NIP penanda tangan", max_length=40, blank=True)

    class Meta:
        verbose_name = "periode pelaporan"
        verbose_name_plural = "periode pelaporan"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Periode {self.year}"

    def reminder_day_list(self) -> list[int]:
        return sorted(
            {int(p) for p in self.reminder_days.replace(" ", "").split(",") if p.isdigit()},
            reverse=True,
        )


class AnnualReport(models.Model):
    """One instansi's yearly report on its social-media information service (Pasal 16(3))."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draf"
        SUBMITTED = "submitted", "Disampaikan"
        UNDER_EVALUATION = "under_evaluation", "Sedang dievaluasi"
        EVALUATED = "evaluated", "Selesai dievaluasi"
        RETURNED = "returned", "Dikembalikan untuk perbaikan"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveIntegerField(
        "tahun", validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # (a)–(h): the narrative the instansi writes.
    policy_overview = models.TextField("a. gambaran umum kebijakan layanan informasi", blank=True)
    audience_note = models.TextField("b. catatan jumlah khalayak", blank=True)
    content_discussion = models.TextField("c. pembahasan materi pesan", blank=True)
    comments_discussion = models.TextField("d. tanggapan atas materi pesan", blank=True)
    dissemination_note = models.TextField("e. catatan informasi dan pesan", blank=True)
    forwarded_note = models.TextField("f. catatan pesan yang diteruskan", blank=True)
    obstacles_internal = models.TextField("g. kendala di dalam instansi", blank=True)
    obstacles_external = models.TextField("g. kendala di luar instansi", blank=True)
    recommendations_plan = models.TextField("h. rekomendasi dan rencana tindak lanjut", blank=True)
    # Figures computed by the platform ({key: {"value", "how", "available"}}), refreshed while
    # editable and frozen at submission; corrections ({key: {"value", "reason", ...}}) override.
    figures = models.JSONField(default=dict, blank=True)
    figures_computed_at = models.DateTimeField(null=True, blank=True)
    corrections = models.JSONField(default=dict, blank=True)
    # Answers to last year's recommendations (Pasal 17(2)): {recommendation id: text}.
    followups = models.JSONField(default=dict, blank=True)
    extended_until = models.DateField("perpanjangan batas waktu sampai", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "laporan tahunan"
        verbose_name_plural = "laporan tahunan"
        ordering = ["-year", "instansi__name"]
        # The actions of evaluation/services.py check these through the one policy (roles.py).
        permissions = [
            ("edit_annualreport", "Dapat menyusun laporan tahunan"),
            ("submit_annualreport", "Dapat menyampaikan laporan tahunan"),
            ("evaluate_annualreport", "Dapat mengevaluasi laporan tahunan (Diskominfo)"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year"], name="evaluation_report_unique")
        ]

    def __str__(self) -> str:
        return f"Laporan {self.year} {self.instansi}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def figure_value(self, key: str):
        """The number the report states: the correction when there is one, else the computed."""
        if key in self.corrections:
            return self.corrections[key]["value"]
        return (self.figures.get(key) or {}).get("value")


class ReportEvent(models.Model):
    """History of a report: each status change, who made it, why, and the figures at that time."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)
    corrections = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.from_status}→{self.to_status}"

    @property
    def to_status_label(self) -> str:
        return AnnualReport.Status(self.to_status).label


class ReportReminder(models.Model):
    """A deadline reminder already sent (one per instansi, year and days-before: idempotent)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    days_before = models.IntegerField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year", "days_before"], name="evaluation_reminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Pengingat {self.year} ({self.days_before} hari)"


class InstansiSnapshot(models.Model):
    """The console's figures of one instansi for one year, refreshed by Celery (never live)."""

    instansi = models.ForeignKey(
        Instansi, on_delete=models.CASCADE, related_name="evaluation_snapshots"
    )
    year = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year"], name="evaluation_snapshot_unique")
        ]

    def __str__(self) -> str:
        return f"Snapshot {self.year} {self.instansi_id}"


class Rubric(models.Model):
    """The evaluation rubric of one year: weighted criteria and predicate bands."""

    year = models.PositiveIntegerField(unique=True)
    # [{"min": 90, "label": "Sangat baik"}, ...] ordered by min descending; max is implied.
    bands = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Rubrik {self.year}"

    def predicate_for(self, total: float | None) -> str:
        if total is None:
            return ""
        for band in sorted(self.bands, key=lambda b: b["min"], reverse=True):
            if total >= band["min"]:
                return band["label"]
        return ""


class RubricCriterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveIntegerField(default=0)
    code = models.SlugField(max_length=40)
    name = models.CharField("kriteria", max_length=200)
    description = models.TextField("uraian", blank=True)
    weight = models.PositiveIntegerField("bobot", validators=[MaxValueValidator(100)])
    max_score = models.PositiveIntegerField("skor maksimum", default=100)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="evaluation_criterion_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """Diskominfo's evaluation of one report: scores, total, predicate, recommendations."""

    report = models.OneToOneField(AnnualReport, on_delete=models.CASCADE, related_name="evaluation")
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    evaluator_name = models.CharField(max_length=200, blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    predicate = models.CharField(max_length=60, blank=True)
    summary = models.TextField("catatan umum", blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Evaluasi {self.report}"


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    suggested = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="evaluation_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class Recommendation(models.Model):
    """A written recommendation the instansi must follow up next year (Pasal 17(2))."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="recommendations"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    order = models.PositiveIntegerField(default=0)
    text = models.TextField("rekomendasi")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ConsoleJob(models.Model):
    """A Celery job started from the console (refresh, PDFs, onboarding) and its progress."""

    class Kind(models.TextChoices):
        REFRESH = "refresh", "Perbarui snapshot"
        PDF = "pdf", "Buat semua PDF"
        PROVISION = "provision", "Tambah instansi"

    class State(models.TextChoices):
        QUEUED = "queued", "Menunggu"
        RUNNING = "running", "Berjalan"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    year = models.PositiveIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    steps = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    result = models.FileField(upload_to="evaluasi/", blank=True)
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ExtensionRequest(models.Model):
    """An instansi's request to Diskominfo for a later deadline of one report (Pasal 16).

    At most one request per report is open at a time (a partial unique constraint); a grant
    sets `AnnualReport.extended_until`, which `report_deadline()` honours.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Menunggu keputusan"
        GRANTED = "granted", "Dikabulkan"
        REFUSED = "refused", "Ditolak"

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="extension_requests"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("alasan")
    requested_until = models.DateField("perpanjangan yang diminta sampai")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    granted_until = models.DateField(null=True, blank=True)
    decision_note = models.TextField("catatan keputusan", blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "permintaan perpanjangan"
        verbose_name_plural = "permintaan perpanjangan"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(status="open"),
                name="evaluation_extension_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"Perpanjangan {self.report} ({self.get_status_display()})"
