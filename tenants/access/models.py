"""Sign-in failures per username, in the instansi's own schema (a lock holds on that host only)."""

from django.db import models


class LoginThrottle(models.Model):
    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "pembatasan masuk"
        verbose_name_plural = "pembatasan masuk"

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} gagal"
