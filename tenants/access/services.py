"""Writes for sign-in safety: the password-check budget, enrolment codes, TOTP enrol/verify/remove.

Lockout design (one host = one instansi schema; all counts live in PostgreSQL, so a Redis
outage changes nothing):

* Every password check spends one attempt from a *budget* (`LoginBudget`), and the attempt is
  taken with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` BEFORE the password is
  looked at. Twenty concurrent wrong passwords therefore get attempts 1…20 and only the first
  SIMPUL_LOGIN_MAX_FAILURES (5) are checked; the rest are refused unchecked. A right password
  gives its attempt back; a wrong one (or a wrong authenticator code) keeps it spent. A window
  lasts SIMPUL_LOGIN_LOCK_MINUTES (15) from its first attempt.
* Budgets are per (username, client), the way django-axes combines parameters, so that an
  attacker cannot lock the owner out:
    - "d:<id>": a browser holding this username's *device cookie* (signed by the server, given
      only after a complete successful sign-in on that browser);
    - "ip:<address>": an address this username signed in from successfully before (the
      project's one client-address rule: DRF's, REST_FRAMEWORK["NUM_PROXIES"], as the API
      throttles and inbox.ratelimit use it; X-Forwarded-For is trusted no further than that);
    - "": one shared pool for every other client, whatever its address.
  An attacker without the password has neither a device cookie nor a past success, so all his
  guesses, from however many addresses and however concurrently, come out of the one shared
  pool: about 5 per 15 minutes per username (plus 5 from an address the owner used, when the
  attacker shares it). Exhausting that pool slows down unrecognised clients only; the owner's
  own browser and usual address keep their own budgets and sign in as usual.
"""

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit_record
from core.errors import SimpulError

from .models import KnownClientAddress, LoginBudget, TwoFactorEnrolmentCode

DEVICE_COOKIE = "simpul_perangkat"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 3600
KNOWN_ADDRESS_DAYS = 90
ENROLMENT_CODE_HOURS = 24
_DEVICE_SALT = "simpul.access.device"


def _limits() -> tuple[int, timedelta]:
    return (
        getattr(settings, "SIMPUL_LOGIN_MAX_FAILURES", 5),
        timedelta(minutes=getattr(settings, "SIMPUL_LOGIN_LOCK_MINUTES", 15)),
    )


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


# --- which budget a sign-in attempt spends ----------------------------------------------------


def device_cookie_value(*, username: str) -> str:
    """A new device cookie for `username` (signed; its id names this browser's budget)."""
    return signing.dumps({"u": _key(username), "d": secrets.token_hex(8)}, salt=_DEVICE_SALT)


def _device_id(cookie: str | None, username: str) -> str | None:
    if not cookie:
        return None
    try:
        data = signing.loads(cookie, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != _key(username):
        return None
    return str(data.get("d", ""))[:32] or None


def login_client_key(*, username: str, address: str, device_cookie: str | None) -> str:
    """The budget this attempt spends: the device's, a known address's, or the shared pool."""
    device = _device_id(device_cookie, username)
    if device:
        return f"d:{device}"
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    if (
        address
        and _valid_ip(address)
        and KnownClientAddress.objects.filter(
            username=_key(username), address=address, last_success_at__gte=since
        ).exists()
    ):
        return f"ip:{address}"[:80]
    return ""


def _valid_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class LoginAttempt:
    username: str
    client: str
    attempt: int
    locked_until: datetime | None

    @property
    def allowed(self) -> bool:
        return self.locked_until is None


def login_attempt_begin(*, username: str, client: str, now: datetime | None = None) -> LoginAttempt:
    """Spend one attempt of (username, client) before the password is checked.

    One statement: the row lock of ON CONFLICT DO UPDATE orders concurrent attempts, so each
    sees its own number. Past the limit the attempt is refused unchecked until the window ends.
    """
    now = now or timezone.now()
    max_attempts, window = _limits()
    table = LoginBudget._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} AS b (username, client, attempts, window_start)
            VALUES (%(u)s, %(c)s, 1, %(now)s)
            ON CONFLICT (username, client) DO UPDATE SET
                attempts = CASE WHEN b.window_start <= %(cutoff)s THEN 1
                                ELSE b.attempts + 1 END,
                window_start = CASE WHEN b.window_start <= %(cutoff)s THEN %(now)s
                                    ELSE b.window_start END
            RETURNING attempts, window_start
            """,  # noqa: S608 - the table name is the model's, values are parameters
            {"u": _key(username), "c": client, "now": now, "cutoff": now - window},
        )
        attempts, window_start = cursor.fetchone()
    locked_until = window_start + window if attempts > max_attempts else None
    return LoginAttempt(_key(username), client, attempts, locked_until)


def login_attempt_failed(*, attempt: LoginAttempt, address: str = "") -> None:
    """A wrong password or code keeps its attempt spent; the last allowed one is audited."""
    max_attempts, _ = _limits()
    if attempt.attempt == max_attempts:
        audit_record(
            actor=None,
            action="login.locked",
            object_type="auth.User",
            object_id=attempt.username,
            summary=(
                f"Percobaan masuk untuk {attempt.username} dibatasi setelah {max_attempts} kali "
                f"gagal ({_client_label(attempt.client)}, alamat {address or '-'})"
            ),
        )


def _client_label(client: str) -> str:
    if client.startswith("d:"):
        return "perangkat dikenal"
    if client.startswith("ip:"):
        return "alamat dikenal"
    return "perangkat tak dikenal"


@transaction.atomic
def login_attempt_succeeded(*, attempt: LoginAttempt, address: str = "") -> None:
    """A complete sign-in gives its attempt back and remembers the address as known."""
    now = timezone.now()
    LoginBudget.objects.filter(
        username=attempt.username, client=attempt.client, attempts__gt=0
    ).update(attempts=F("attempts") - 1)
    if address and _valid_ip(address):
        KnownClientAddress.objects.update_or_create(
            username=attempt.username, address=address, defaults={"last_success_at": now}
        )


def _spent_budgets(now: datetime):
    """Budgets whose window is still open and whose attempts are all used: the next attempt
    of that (username, client) is refused unchecked."""
    max_attempts, window = _limits()
    return LoginBudget.objects.filter(window_start__gt=now - window, attempts__gte=max_attempts)


def login_locked_until(*, username: str, client: str = "", now: datetime | None = None):
    """When the (username, client) budget opens again, or None when it is not spent."""
    spent = _spent_budgets(now or timezone.now())
    budget = spent.filter(username=_key(username), client=client).first()
    return None if budget is None else budget.window_start + _limits()[1]


def can_open_sign_in_limits(user) -> bool:
    """The instansi's user administrators (who may change users) see and open sign-in limits."""
    return user.has_perm("auth.change_user")


@dataclass
class SignInLimit:
    """A username whose budget for one kind of client is spent in the current window."""

    username: str
    client_label: str
    attempts: int
    until: datetime


def login_limits_active(*, now: datetime | None = None) -> list[SignInLimit]:
    """Every spent budget of this instansi whose window has not ended, soonest open first."""
    _, window = _limits()
    budgets = _spent_budgets(now or timezone.now()).order_by("window_start", "username", "client")
    return [
        SignInLimit(b.username, _client_label(b.client), b.attempts, b.window_start + window)
        for b in budgets
    ]


@transaction.atomic
def login_unlock(*, username: str, actor) -> str:
    """Give every client of `username` a fresh budget (an administrator who knows the user);
    returns the username as the budgets store it. Nothing to reset is an error the screen
    shows."""
    key = _key(username)
    if not key:
        raise SimpulError("Isi nama pengguna yang pembatasannya dibuka.", field="username")
    deleted, _ = LoginBudget.objects.filter(username=key).delete()
    if not deleted:
        raise SimpulError(
            f"Tidak ada pembatasan masuk untuk {key}: pengguna ini dapat masuk seperti biasa.",
            field="username",
        )
    audit_record(
        actor=actor,
        action="login.unlock",
        object_type="auth.User",
        object_id=key,
        summary=f"Pembatasan masuk untuk {key} dibuka",
    )
    return key


# Codes past their expiry are kept this long (who asked for a code, for a question the next
# days), then deleted: the audit trail keeps that one was issued.
ENROLMENT_CODE_KEEP_DAYS = 30


@transaction.atomic
def sign_in_rows_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Delete this instansi's sign-in rows that no longer decide anything: budgets whose window
    ended (the next attempt starts a new one as if there were none), addresses not used for
    KNOWN_ADDRESS_DAYS (no longer "known") and enrolment codes long expired. Idempotent."""
    now = now or timezone.now()
    _, window = _limits()
    budgets, _ = LoginBudget.objects.filter(window_start__lte=now - window).delete()
    addresses, _ = KnownClientAddress.objects.filter(
        last_success_at__lt=now - timedelta(days=KNOWN_ADDRESS_DAYS)
    ).delete()
    codes, _ = TwoFactorEnrolmentCode.objects.filter(
        expires_at__lt=now - timedelta(days=ENROLMENT_CODE_KEEP_DAYS)
    ).delete()
    return {"budgets": budgets, "addresses": addresses, "codes": codes}


# --- who must use two factors -----------------------------------------------------------------

EVALUATOR_GROUP = "Evaluator Diskominfo"


def two_factor_required(user) -> bool:
    """2FA is required for Diskominfo evaluators (and every admin of the super-tenant)."""
    if not user.is_authenticated or not serving_super_tenant():
        return False
    return user.is_superuser or user.groups.filter(name=EVALUATOR_GROUP).exists()


def serving_super_tenant() -> bool:
    from tenants.models import Instansi

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Instansi):
        return tenant.is_super
    # schema_context() sets a stand-in tenant without our fields: ask by schema name.
    return Instansi.objects.filter(
        schema_name=connection.schema_name, kind=Instansi.Kind.SUPER
    ).exists()


def can_issue_enrolment_codes(user) -> bool:
    """Diskominfo's superusers hand out enrolment codes (for any instansi's users)."""
    return user.is_superuser and serving_super_tenant()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_use_two_factors(user) -> bool:
    """The user's role requires 2FA, or the user turned it on: a password alone is not enough."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return False
    return has_confirmed_device(user) or two_factor_required(user)


def two_factor_pending(user) -> bool:
    """Signed in with the password only while two factors are needed: authenticated for
    nothing but enrolment, verification and sign-out."""
    if not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return False  # checked first: a verified session costs no query here
    return must_use_two_factors(user)


# --- enrolment codes --------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_code() -> str:
    # 60 random bits in Crockford-like base32 groups: easy to read out over the phone.
    alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def enrolment_code_issue(*, user, actor, issued_by: str = "") -> str:
    """A fresh one-time enrolment code for `user` (earlier unused ones stop working).

    Only a superuser of the super-tenant (Diskominfo) may issue one; the operator command
    passes actor=None. The code is returned once and stored only as its hash.
    """
    if actor is not None and not (getattr(actor, "is_superuser", False) and serving_super_tenant()):
        raise SimpulError(
            "Hanya superuser Diskominfo yang dapat menerbitkan kode pendaftaran autentikator."
        )
    now = timezone.now()
    TwoFactorEnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    code = _new_code()
    TwoFactorEnrolmentCode.objects.create(
        user=user,
        code_hash=_code_hash(code),
        issued_by=issued_by or (actor.get_username() if actor is not None else "operator"),
        expires_at=now + timedelta(hours=ENROLMENT_CODE_HOURS),
    )
    audit_record(
        actor=actor,
        action="2fa.enrolment_code",
        object_type="auth.User",
        object_id=str(user.pk),
        summary=f"Kode pendaftaran autentikator diterbitkan untuk {user.get_username()}",
    )
    return code


def enrolment_code_needed(user) -> bool:
    """A code is needed where a password alone must not be enough to add a factor: for roles
    that require 2FA, and to replace an authenticator the user already has."""
    return two_factor_required(user) or has_confirmed_device(user)


def _enrolment_code_take(*, user, code: str) -> TwoFactorEnrolmentCode:
    now = timezone.now()
    found = (
        TwoFactorEnrolmentCode.objects.select_for_update()
        .filter(user=user, code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if found is None:
        raise SimpulError(
            "Kode pendaftaran salah, sudah dipakai, atau kedaluwarsa. Mintalah kode baru kepada "
            "superuser Diskominfo.",
            field="enrolment_code",
        )
    found.used_at = now
    found.save(update_fields=["used_at"])
    return found


# --- authenticators ---------------------------------------------------------------------------


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
def totp_device_confirm(*, user, token: str, enrolment_code: str = "") -> TOTPDevice:
    """Confirm the pending authenticator with its current code.

    Where `enrolment_code_needed`, a valid one-time enrolment code is spent in the same
    transaction (its row locked): two sessions holding one password cannot both enrol.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise SimpulError("Belum ada autentikator yang sedang didaftarkan; mulai lagi.")
    code_needed = enrolment_code_needed(user)
    if code_needed and not (enrolment_code or "").strip():
        raise SimpulError(
            "Masukkan kode pendaftaran dari superuser Diskominfo.", field="enrolment_code"
        )
    if not (token or "").strip().isdigit() or not device.verify_token(token.strip()):
        raise SimpulError(
            "Kode autentikator salah atau kedaluwarsa; periksa jam ponsel Anda.", field="token"
        )
    if code_needed:
        _enrolment_code_take(user=user, code=enrolment_code)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="2fa.enable", object_type="auth.User", object_id=str(user.pk))
    return device


@transaction.atomic
def totp_device_remove(*, user, actor, password: str, verified: bool) -> None:
    """Turn 2FA off: only from a session that passed it, and with the password again."""
    if two_factor_required(user):
        raise SimpulError(
            "Autentikasi dua faktor wajib untuk peran Anda dan tidak dapat dimatikan."
        )
    if not verified:
        raise SimpulError(
            "Verifikasi dengan kode autentikator dahulu sebelum mematikan autentikasi dua faktor."
        )
    if not password or not user.check_password(password):
        raise SimpulError("Kata sandi salah.", field="password")
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="2fa.disable", object_type="auth.User", object_id=str(user.pk))


def user_for_enrolment(*, username: str):
    """The user of this schema named `username` (for the operator command and admin screen)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise SimpulError(f"Pengguna {username!r} tidak ditemukan.", field="username")
    return user
