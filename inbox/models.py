"""Public-schema models of the shared inbox: inquiries, referrals, their timeline and outbox.

Every row names the instansi it belongs to; queries always filter by it (see selectors.py).
Citizen name and contact are personal data: only the receiving (handling) instansi sees them.
"""

import secrets

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tenants.models import AccountDirectoryEntry, Instansi

BODY_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 200
CONTACT_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000


def new_public_request_id() -> str:
    """A random, non-secret id for the Open311 listing (`service_request_id`), never the
    citizen's tracking code: the code is the key to the answer, the id only names the row."""
    return f"R{secrets.token_hex(8)}"


class Inquiry(models.Model):
    """A question, comment, criticism or suggestion from the public (Lampiran B, step 1)."""

    class Kind(models.TextChoices):
        PERTANYAAN = "pertanyaan", "Pertanyaan"
        KOMENTAR = "komentar", "Komentar"
        KRITIK = "kritik", "Kritik"
        SARAN = "saran", "Saran"

    class Channel(models.TextChoices):
        SITUS = "situs", "Formulir situs instansi"
        PORTAL = "portal", "Portal kabupaten"
        AKUN_RESMI = "akun_resmi", "Akun media sosial resmi"
        EMAIL = "email", "Surel"
        TELEPON = "telepon", "Telepon"
        LANGSUNG = "langsung", "Datang langsung"
        API = "api", "API"
        OPEN311 = "open311", "Aplikasi Open311"

    class Status(models.TextChoices):
        RECEIVED = "diterima", "Diterima"
        ANSWERED = "dijawab", "Dijawab langsung"
        REFERRED = "dirujuk", "Dirujuk ke instansi terkait"
        RELATED_ANSWERED = "dijawab_terkait", "Dijawab instansi terkait"
        REPLIED = "dibalas", "Dibalas ke masyarakat"
        CLOSED = "ditutup", "Ditutup"

    instansi = models.ForeignKey(
        Instansi,
        verbose_name="instansi penerima",
        on_delete=models.PROTECT,
        related_name="inquiries",
    )
    kind = models.CharField("jenis", max_length=16, choices=Kind.choices)
    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    channel_detail = models.CharField(
        "rincian kanal",
        max_length=300,
        blank=True,
        help_text="Mis. akun resmi tempat pesan diterima (@akun di platform).",
    )
    # The official account the message arrived on (channel "akun_resmi"): the account's id in
    # the receiving instansi's registry, which with `instansi` names its row of the public
    # account directory. A composite reference, not a foreign key into a tenant schema, and it
    # survives the directory being rebuilt (rows are rewritten with new ids, same key).
    official_account_ref = models.PositiveBigIntegerField(
        "id akun resmi di registri", null=True, blank=True
    )
    official_account = models.ForeignObject(
        AccountDirectoryEntry,
        verbose_name="akun resmi",
        on_delete=models.DO_NOTHING,
        from_fields=["instansi", "official_account_ref"],
        to_fields=["instansi", "account_id"],
        null=True,
        blank=True,
        related_name="inquiries",
        # Derived from the two columns above, which carry the value: serialising it too would
        # make a deserialised row (backup restore, fixtures) set `instansi` to None through it.
        serialize=False,
    )
    body = models.TextField("isi", max_length=BODY_MAX_LENGTH)
    citizen_name = models.CharField("nama warga", max_length=NAME_MAX_LENGTH, blank=True)
    citizen_contact = models.CharField("kontak warga", max_length=CONTACT_MAX_LENGTH, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    tracking_code = models.CharField("kode lacak", max_length=32, unique=True)
    public_request_id = models.CharField(
        "id permintaan publik (Open311)",
        max_length=32,
        unique=True,
        default=new_public_request_id,
        editable=False,
    )
    public_reply = models.TextField("jawaban untuk masyarakat", blank=True)
    topics = ArrayField(
        models.CharField(max_length=60), verbose_name="topik", default=list, blank=True
    )
    created_by_name = models.CharField("dicatat oleh", max_length=200, blank=True)
    created_at = models.DateTimeField("diterima", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("diperbarui", default=timezone.now)
    answered_at = models.DateTimeField("dijawab", null=True, blank=True)
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    # The citizen's word on the answer (once) and their one follow-up question, both given on
    # the tracking page with the tracking code; a follow-up reopens the inquiry.
    rating = models.PositiveSmallIntegerField("nilai dari warga", null=True, blank=True)
    rating_comment = models.TextField("komentar penilaian", max_length=TEXT_MAX_LENGTH, blank=True)
    rated_at = models.DateTimeField("dinilai", null=True, blank=True)
    follow_up = models.TextField("pertanyaan lanjutan", max_length=TEXT_MAX_LENGTH, blank=True)
    follow_up_at = models.DateTimeField("pertanyaan lanjutan diajukan", null=True, blank=True)

    class Meta:
        verbose_name = "pesan masuk"
        verbose_name_plural = "pesan masuk"
        ordering = ["-created_at", "-id"]
        # The inbox's actions check these through the one policy (inbox/permissions.py).
        permissions = [
            ("record_inquiry", "Dapat mencatat pesan masuk"),
            (
                "handle_inquiry",
                "Dapat menjawab, merujuk, membalas, memberi topik dan menutup pesan",
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "status", "created_at"]),
            GinIndex(fields=["topics"], name="inbox_inquiry_topics_gin"),
        ]
        constraints = [
            # An account is named only for the "akun resmi" channel. The service also requires
            # one for that channel; rows recorded before the link existed keep it empty.
            models.CheckConstraint(
                condition=models.Q(channel="akun_resmi")
                | models.Q(official_account_ref__isnull=True),
                name="inbox_inquiry_account_only_akun_resmi",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="inbox_inquiry_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} ({self.get_kind_display()})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Referral(models.Model):
    """The handling instansi asks another to answer within the referral SLA (Lampiran B, 3–4)."""

    class Status(models.TextChoices):
        PENDING = "menunggu", "Menunggu jawaban"
        ANSWERED = "dijawab", "Dijawab"
        DECLINED = "ditolak", "Bukan kewenangan kami"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="referrals")
    from_instansi = models.ForeignKey(
        Instansi, verbose_name="dari", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_instansi = models.ForeignKey(
        Instansi, verbose_name="kepada", on_delete=models.PROTECT, related_name="referrals_received"
    )
    note = models.TextField("catatan", max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(
        "status", max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_at = models.DateTimeField("diminta", default=timezone.now)
    due_at = models.DateTimeField("tenggat")
    requested_by_name = models.CharField("diminta oleh", max_length=200, blank=True)
    answered_at = models.DateTimeField("dijawab", null=True, blank=True)
    answer = models.TextField("jawaban", max_length=TEXT_MAX_LENGTH, blank=True)
    answered_by_name = models.CharField("dijawab oleh", max_length=200, blank=True)
    decline_reason = models.TextField("alasan penolakan", max_length=TEXT_MAX_LENGTH, blank=True)
    suggested_instansi = models.ForeignKey(
        Instansi,
        verbose_name="saran instansi yang berwenang",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "rujukan"
        verbose_name_plural = "rujukan"
        ordering = ["-requested_at", "-id"]
        permissions = [("respond_referral", "Dapat menjawab atau menolak rujukan")]
        indexes = [
            models.Index(fields=["to_instansi", "status", "due_at"]),
            models.Index(fields=["from_instansi", "requested_at"]),
            models.Index(fields=["status", "due_at"]),
            # The referral clock's sweep: pending referrals by deadline, answered from the
            # index alone (id and window start included), however many referrals are closed.
            models.Index(
                fields=["due_at"],
                include=["id", "requested_at"],
                condition=models.Q(status="menunggu"),
                name="inbox_referral_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"Rujukan {self.inquiry_id} → {self.to_instansi_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def is_overdue(self, now=None) -> bool:
        return self.is_pending and (now or timezone.now()) >= self.due_at

    @property
    def responded_in_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at <= self.due_at


class InquiryEvent(models.Model):
    """One transition of an inquiry: who, for which instansi, when, what. Never changed."""

    class Action(models.TextChoices):
        RECEIVED = "diterima", "Diterima"
        ANSWERED = "dijawab", "Dijawab langsung"
        REFERRED = "dirujuk", "Dirujuk"
        REFERRAL_ANSWERED = "rujukan_dijawab", "Rujukan dijawab"
        REFERRAL_DECLINED = "rujukan_ditolak", "Rujukan ditolak"
        REPLIED = "dibalas", "Dibalas ke masyarakat"
        CLOSED = "ditutup", "Ditutup"
        TOPICS = "topik", "Topik diubah"
        REMINDER = "pengingat", "Pengingat tenggat"
        OVERDUE = "terlambat", "Melewati tenggat"
        RATED = "dinilai", "Jawaban dinilai warga"
        FOLLOW_UP = "lanjutan", "Pertanyaan lanjutan warga"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("tindakan", max_length=20, choices=Action.choices)
    actor_name = models.CharField("pelaku", max_length=200, blank=True)
    status_after = models.CharField("status sesudah", max_length=20, blank=True)
    text = models.TextField("keterangan", blank=True)
    created_at = models.DateTimeField("waktu", default=timezone.now)

    class Meta:
        verbose_name = "riwayat pesan"
        verbose_name_plural = "riwayat pesan"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        # The timeline is evidence of what happened: rows are added, never rewritten.
        if self.pk is not None:
            raise ValidationError("Riwayat pesan tidak dapat diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Riwayat pesan tidak dapat dihapus.")


class Notification(models.Model):
    """One notice to one instansi's petugas and pejabat about an inquiry or a referral.

    `key` makes a notice unique (e.g. `rujukan:12:pengingat`), so the clock and retries never
    make a second one. Its mail is the kernel's outbox message `inbox:<key>`, delivered and
    retried only by the outbox; `sent_at`, `recipients` and `attempts` show that delivery
    (copied by the outbox's hook, inbox/apps.py).
    """

    class Kind(models.TextChoices):
        NEW_INQUIRY = "pesan_baru", "Pesan baru"
        NEW_REFERRAL = "rujukan_baru", "Rujukan baru"
        REFERRAL_ANSWERED = "rujukan_dijawab", "Rujukan dijawab"
        REFERRAL_DECLINED = "rujukan_ditolak", "Rujukan ditolak"
        REMINDER = "pengingat", "Pengingat tenggat rujukan"
        OVERDUE = "terlambat", "Rujukan melewati tenggat"
        ESCALATION = "eskalasi", "Eskalasi ke Diskominfo"
        FOLLOW_UP = "lanjutan", "Pertanyaan lanjutan warga"

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField("jenis", max_length=20, choices=Kind.choices)
    instansi = models.ForeignKey(
        Instansi, verbose_name="penerima", on_delete=models.PROTECT, related_name="+"
    )
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notifications")
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField("subjek", max_length=200)
    message = models.TextField("pesan")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    recipients = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an `Idempotency-Key`, replayed on every retry."""

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instansi", "key"], name="inbox_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.instansi_id}:{self.key}"


class FeedbackRecommendation(models.Model):
    """The pejabat's recommendations for policy follow-up from one period's input (Pasal 9h–i)."""

    instansi = models.ForeignKey(
        Instansi, on_delete=models.PROTECT, related_name="feedback_recommendations"
    )
    period_start = models.DateField("awal periode")
    period_end = models.DateField("akhir periode")
    findings = models.TextField("temuan", max_length=TEXT_MAX_LENGTH, blank=True)
    recommendations = models.TextField("rekomendasi", max_length=TEXT_MAX_LENGTH)
    follow_up = models.TextField("rencana tindak lanjut", max_length=TEXT_MAX_LENGTH, blank=True)
    recorded_by_name = models.CharField("dicatat oleh", max_length=200, blank=True)
    recorded_at = models.DateTimeField("dicatat", default=timezone.now)

    class Meta:
        verbose_name = "rekomendasi tindak lanjut"
        verbose_name_plural = "rekomendasi tindak lanjut"
        ordering = ["-period_start", "-id"]
        permissions = [
            ("record_feedbackrecommendation", "Dapat mencatat rekomendasi tindak lanjut masukan")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "period_start", "period_end"],
                name="inbox_feedback_period_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="inbox_feedback_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instansi_id} {self.period_start}–{self.period_end}"
