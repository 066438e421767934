"""Writes for sign-in safety: record failures and successes, lock, enrol and confirm TOTP."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.audit import audit_record
from tenants.errors import SimpulError

from .models import LoginThrottle


def _limits() -> tuple[int, timedelta]:
    return (
        getattr(settings, "SIMPUL_LOGIN_MAX_FAILURES", 5),
        timedelta(minutes=getattr(settings, "SIMPUL_LOGIN_LOCK_MINUTES", 15)),
    )


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


@transaction.atomic
def login_failure_record(*, username: str, now: datetime | None = None) -> LoginThrottle:
    """Count a wrong password; the Nth failure in a row locks the username for a while."""
    now = now or timezone.now()
    max_failures, lock_for = _limits()
    throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=_key(username))
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failures = 0
        throttle.locked_until = None
    throttle.failures = F("failures") + 1
    throttle.last_failure_at = now
    throttle.save()
    throttle.refresh_from_db()
    if throttle.failures >= max_failures and throttle.locked_until is None:
        throttle.locked_until = now + lock_for
        throttle.save(update_fields=["locked_until"])
        audit_record(
            actor=None,
            action="login.locked",
            object_type="auth.User",
            object_id=throttle.username,
            summary=f"Akun {throttle.username} dikunci setelah {throttle.failures} kali gagal masuk",
        )
    return throttle


def login_success_record(*, username: str) -> None:
    LoginThrottle.objects.filter(username=_key(username)).delete()


def login_locked_until(*, username: str, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    throttle = LoginThrottle.objects.filter(username=_key(username), locked_until__gt=now).first()
    return throttle.locked_until if throttle else None


@transaction.atomic
def login_unlock(*, username: str, actor) -> None:
    LoginThrottle.objects.filter(username=_key(username)).delete()
    audit_record(
        actor=actor, action="login.unlock", object_type="auth.User", object_id=_key(username)
    )


def totp_device_start(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for `user` (replaces an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Aplikasi autentikator", confirmed=False)


def totp_device_pending(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator, made when there is none."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
        "-id"
    ).first() or totp_device_start(user=user)


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise SimpulError("Belum ada autentikator yang sedang didaftarkan; mulai lagi.")
    if not (token or "").strip().isdigit() or not device.verify_token(token.strip()):
        raise SimpulError(
            "Kode autentikator salah atau kedaluwarsa; periksa jam ponsel Anda.", field="token"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="2fa.enable", object_type="auth.User", object_id=str(user.pk))
    return device


@transaction.atomic
def totp_device_remove(*, user, actor) -> None:
    if two_factor_required(user):
        raise SimpulError(
            "Autentikasi dua faktor wajib untuk peran Anda dan tidak dapat dimatikan."
        )
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="2fa.disable", object_type="auth.User", object_id=str(user.pk))


EVALUATOR_GROUP = "Evaluator Diskominfo"


def two_factor_required(user) -> bool:
    """2FA is required for Diskominfo evaluators (and every admin of the super-tenant)."""
    if not user.is_authenticated or not _serving_super_tenant():
        return False
    return user.is_superuser or user.groups.filter(name=EVALUATOR_GROUP).exists()


def _serving_super_tenant() -> bool:
    from django.db import connection

    from tenants.models import Instansi

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Instansi):
        return tenant.is_super
    # schema_context() sets a stand-in tenant without our fields: ask by schema name.
    return Instansi.objects.filter(
        schema_name=connection.schema_name, kind=Instansi.Kind.SUPER
    ).exists()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
