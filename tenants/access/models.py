"""Sign-in safety rows, in the instansi's own schema (a lock or a code holds on that host only)."""

from django.conf import settings
from django.db import models


class LoginBudget(models.Model):
    """Password checks of one username by one kind of client in the current window.

    `client` is "" for the shared pool of unrecognised clients, "d:<id>" for a browser holding
    this username's device cookie, "ip:<address>" for an address this username signed in from
    before. See `services` for the design. The count is raised in one statement BEFORE the
    password is checked, so concurrent attempts cannot all pass the limit.
    """

    username = models.CharField(max_length=150)
    client = models.CharField(max_length=80, default="", blank=True)
    attempts = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()

    class Meta:
        verbose_name = "pembatasan masuk"
        verbose_name_plural = "pembatasan masuk"
        constraints = [
            models.UniqueConstraint(fields=["username", "client"], name="access_budget_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.client or 'perangkat tak dikenal'}): {self.attempts}"


class KnownClientAddress(models.Model):
    """An address from which a username signed in successfully (password and, if any, code)."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(unpack_ipv4=True)
    last_success_at = models.DateTimeField()

    class Meta:
        verbose_name = "alamat masuk dikenal"
        verbose_name_plural = "alamat masuk dikenal"
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="access_known_address")
        ]

    def __str__(self) -> str:
        return f"{self.username} dari {self.address}"


class TwoFactorEnrolmentCode(models.Model):
    """A one-time code that lets a user enrol (or replace) an authenticator.

    Handed out by a Diskominfo superuser or the operator command; only its SHA-256 is stored.
    Whoever knows a password alone cannot enrol a user whose role requires two factors.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "kode pendaftaran autentikator"
        verbose_name_plural = "kode pendaftaran autentikator"

    def __str__(self) -> str:
        return f"kode pendaftaran {self.user_id} s.d. {self.expires_at:%Y-%m-%d %H:%M}"
