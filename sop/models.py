"""SOP definitions (versioned), coverage assignments, per-step timing, shares and notifications.

An SOP is a lineage of versions: editing an active version creates the next one, and every
assignment keeps the version it started with, so its steps are timed against the standards that
were in force when it began.
"""

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q

from core.models import OutboxMessage


class Sop(models.Model):
    """One version of an instansi's SOP (Sintang Perbup 55/2018; KoBar Pasal 12)."""

    class Kind(models.TextChoices):
        PUBLIKASI = "publikasi", "Penyebarluasan informasi (publikasi berita)"
        LAYANAN_INFORMASI = "layanan_informasi", "Pelayanan informasi (pertanyaan/aduan)"
        LAINNYA = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        DRAF = "draf", "Draf"
        AKTIF = "aktif", "Aktif"
        NONAKTIF = "nonaktif", "Tidak berlaku"

    lineage = models.UUIDField("garis versi", default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField("versi", default=1)
    title = models.CharField("judul", max_length=255)
    kind = models.CharField("jenis", max_length=32, choices=Kind.choices, default=Kind.PUBLIKASI)
    template_key = models.CharField("templat asal", max_length=40, blank=True)
    # The decree (Keputusan Kepala Instansi, KoBar Pasal 12(1)) that set this version.
    decree = models.ForeignKey(
        "registry.SuratKeputusan",
        verbose_name="SK penetapan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sops",
    )
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.DRAF, db_index=True
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name="alur kerja Wagtail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField("diberlakukan", null=True, blank=True)
    retired_at = models.DateTimeField("dicabut", null=True, blank=True)

    class Meta:
        verbose_name = "SOP"
        verbose_name_plural = "SOP"
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="sop_lineage_version"),
            # KoBar Pasal 12: one publication SOP in force per instansi (per schema).
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status="aktif", kind="publikasi"),
                name="sop_one_active_publication",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (versi {self.version})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.AKTIF


class SopStep(models.Model):
    """One row of the SOP matrix: an activity, its executor role and its quality standard."""

    class Symbol(models.TextChoices):
        MULAI = "mulai", "○ Mulai"
        PROSES = "proses", "□ Proses"
        KEPUTUSAN = "keputusan", "◇ Keputusan"
        SELESAI = "selesai", "○ Selesai"

    class Stage(models.TextChoices):
        """How Simpul follows the step in a publication SOP (none for other kinds)."""

        PENUGASAN = "penugasan", "Penugasan liputan"
        PENYUSUNAN = "penyusunan", "Penyusunan draf"
        TINJAUAN = "tinjauan", "Koreksi (tugas alur kerja)"
        PUBLIKASI = "publikasi", "Unggah dan bagikan (tugas alur kerja)"
        LAINNYA = "lainnya", "Lainnya"

    sop = models.ForeignKey(Sop, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("no.")
    activity = models.TextField("aktivitas")
    role = models.ForeignKey(
        "auth.Group",
        verbose_name="pelaksana",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sop_steps",
    )
    symbol = models.CharField("simbol", max_length=16, choices=Symbol.choices)
    stage = models.CharField("tahap", max_length=16, choices=Stage.choices, default=Stage.LAINNYA)
    kelengkapan = models.TextField("kelengkapan", blank=True)
    standard_minutes = models.IntegerField("waktu (menit)")
    output = models.TextField("output", blank=True)
    notes = models.TextField("keterangan", blank=True)
    task = models.ForeignKey(
        "wagtailcore.Task",
        verbose_name="tugas alur kerja",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "langkah SOP"
        verbose_name_plural = "langkah SOP"
        ordering = ["sop", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "order"], name="sop_step_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.activity[:60]}"

    @property
    def is_workflow_task(self) -> bool:
        return self.stage in (self.Stage.TINJAUAN, self.Stage.PUBLIKASI)


class Assignment(models.Model):
    """Penugasan liputan: step 1 of the publication SOP, the one timed record of an item.

    An item started in the page editor gets one too (`origin` editor): its creator decided to
    cover it, so step 1 is theirs at creation and step 2 runs from then to the submission."""

    class Origin(models.TextChoices):
        PENUGASAN = "penugasan", "Penugasan liputan"
        EDITOR = "editor", "Dibuat langsung di editor berita"

    sop = models.ForeignKey(
        Sop, verbose_name="SOP", on_delete=models.PROTECT, related_name="assignments"
    )
    event = models.CharField("kegiatan", max_length=255)
    place = models.CharField("tempat", max_length=255, blank=True)
    event_at = models.DateTimeField("waktu kegiatan")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="petugas liputan",
        on_delete=models.PROTECT,
        related_name="sop_assignments",
    )
    nota_dinas = models.CharField("nomor nota dinas", max_length=120, blank=True)
    origin = models.CharField(
        "dimulai dari", max_length=16, choices=Origin.choices, default=Origin.PENUGASAN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditugaskan oleh",
        on_delete=models.PROTECT,
        related_name="sop_assignments_given",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name="berita",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sop_assignment",
    )
    draft_created_at = models.DateTimeField("draf dibuat", null=True, blank=True)
    published_at = models.DateTimeField("terbit", null=True, blank=True)
    shares_recorded_at = models.DateTimeField("dibagikan", null=True, blank=True)
    completed_at = models.DateTimeField("selesai", null=True, blank=True)

    class Meta:
        verbose_name = "penugasan liputan"
        verbose_name_plural = "penugasan liputan"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} ({self.event_at:%d-%m-%Y})"


class StepRecord(models.Model):
    """Start and end of one SOP step for one assignment, as measured (latest attempt)."""

    class State(models.TextChoices):
        MENUNGGU = "menunggu", "Menunggu"
        BERJALAN = "berjalan", "Berjalan"
        DIKEMBALIKAN = "dikembalikan", "Dikembalikan untuk perbaikan"
        SELESAI = "selesai", "Selesai"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="records")
    step = models.ForeignKey(SopStep, on_delete=models.PROTECT, related_name="records")
    state = models.CharField(max_length=16, choices=State.choices, default=State.MENUNGGU)
    attempt = models.PositiveSmallIntegerField("percobaan", default=0)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True, db_index=True)
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelaksana",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "catatan waktu langkah"
        verbose_name_plural = "catatan waktu langkah"
        ordering = ["assignment", "step__order"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "step"], name="sop_record_unique_step"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · langkah {self.step.order}"

    @property
    def duration_minutes(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds() / 60

    @property
    def within_standard(self) -> bool | None:
        minutes = self.duration_minutes
        return None if minutes is None else minutes <= self.step.standard_minutes

    def elapsed_minutes(self, now) -> float | None:
        if self.started_at is None:
            return None
        return ((self.finished_at or now) - self.started_at).total_seconds() / 60

    def is_over(self, now) -> bool:
        elapsed = self.elapsed_minutes(now)
        return elapsed is not None and elapsed > self.step.standard_minutes


class Share(models.Model):
    """Step 5: where the published item was shared (an official account and the post's URL)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="shares")
    account_label = models.CharField("akun resmi", max_length=255)
    account_ref = models.PositiveBigIntegerField("id akun registri", null=True, blank=True)
    post_url = models.URLField("tautan unggahan", max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("dicatat", db_index=True)

    class Meta:
        verbose_name = "unggahan media sosial"
        verbose_name_plural = "unggahan media sosial"
        ordering = ["assignment", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "post_url"], name="sop_share_unique_url"),
        ]

    def __str__(self) -> str:
        return f"{self.account_label}: {self.post_url}"


class Notification(models.Model):
    """In-app notice to an executor; its e-mail is a message of the kernel's outbox, keyed by
    the notice (`outbox_key`), so `email_sent_at` is when the outbox delivered it."""

    class Level(models.IntegerChoices):
        GILIRAN = 0, "Giliran langkah berikutnya"
        MENDEKATI = 80, "Mendekati batas waktu (80 %)"
        TERLAMBAT = 100, "Melewati batas waktu"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sop_notifications"
    )
    record = models.ForeignKey(StepRecord, on_delete=models.CASCADE, related_name="notifications")
    attempt = models.PositiveSmallIntegerField(default=1)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    subject = models.CharField(max_length=255)
    message = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        verbose_name = "notifikasi SOP"
        verbose_name_plural = "notifikasi SOP"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "attempt", "level", "recipient"],
                name="sop_notification_once",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def outbox_key(self) -> str:
        # Notices live in the instansi's schema (ids repeat across schemas); the outbox is shared.
        return f"sop:{connection.schema_name}:{self.pk}"

    @property
    def email_sent_at(self):
        return (
            OutboxMessage.objects.filter(key=self.outbox_key)
            .values_list("sent_at", flat=True)
            .first()
        )
