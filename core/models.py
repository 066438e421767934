"""The one outbox: every e-mail of every app is a row here, committed with the change it reports.

The table lives in the public schema (the kernel is a shared app), so a change in any instansi's
schema and its message commit in the same transaction (the search path includes `public`).
"""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """One message to send exactly once: `key` makes it unique (a second enqueue is a no-op),
    `sent_at` stays empty until a delivery succeeded, and the sweeper retries the others."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField("jenis", max_length=60, db_index=True)
    schema_name = models.CharField(max_length=63, blank=True)
    recipients = models.TextField("penerima", blank=True)
    subject = models.CharField("subjek", max_length=255)
    body = models.TextField("pesan")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A worker that claimed the row owns it until then; no row lock is held while mail is sent.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="core_outbox_pending",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def recipient_list(self) -> list[str]:
        return [r.strip() for r in self.recipients.split(",") if r.strip()]
