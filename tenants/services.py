"""Writes on instansi: provisioning by cloning the template schema, archiving, access, API tokens."""

import hashlib
import logging
import re
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from core.audit import audit_record
from core.errors import Conflict, NotFound, SimpulError

from .hosts import forget_hosts
from .models import ApiToken, Domain, Instansi
from .pool import spare_take
from .provisioning import run_steps
from .tasks import refill_spare_schemas

SLUG_RE = re.compile(r"^[a-z][a-z0-9]{1,29}$")
RESERVED_SLUGS = frozenset(
    {
        "public",
        "information_schema",
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "portal",
        "console",
        "open311",
        "healthz",
        "template",
        "default",
        "test",
        "localhost",
        "simpul",
        settings.SIMPUL_TEMPLATE_SCHEMA,
    }
)
logger = logging.getLogger("simpul.tenants")
# Serialises provisioning: django-tenants recreates its clone function on every call.
_PROVISION_LOCK = 7_263_001


@dataclass(frozen=True)
class ProvisionResult:
    instansi: Instansi
    admin_username: str
    admin_password: str | None  # set only when generated here, to be shown once
    seconds: float
    from_spare: bool = False  # the schema was a spare of tenants.pool, not a fresh clone

    @property
    def url(self) -> str:
        return instansi_url(self.instansi)


def instansi_url(instansi: Instansi, path: str = "/") -> str:
    port = settings.SIMPUL_PUBLIC_PORT
    host = f"{instansi.schema_name}.{settings.SIMPUL_BASE_DOMAIN}"
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.SIMPUL_PUBLIC_SCHEME}://{netloc}{path}"


def _check_database() -> None:
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first_line = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        )
        raise SimpulError(f"Basis data tidak dapat dihubungi: {first_line}") from exc


def validate_slug(slug: str) -> str:
    slug = (slug or "").strip()
    if not SLUG_RE.match(slug):
        raise SimpulError(
            "Slug harus 2–30 karakter, diawali huruf kecil, hanya huruf kecil dan angka "
            f"(contoh: dinkes). Diterima: {slug!r}.",
            field="slug",
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg"):
        raise SimpulError(f"Slug {slug!r} dicadangkan oleh sistem; pilih yang lain.", field="slug")
    return slug


# The template only moves forward (migrate) and this process's code does not change, so once
# the template is found current it stays current for the life of the process.
_template_current = False


def template_pending_migrations(schema_name: str | None = None) -> list[str]:
    """Migrations the clone template lacks (empty when it is up to date)."""
    global _template_current
    schema_name = schema_name or settings.SIMPUL_TEMPLATE_SCHEMA
    if _template_current and schema_name == settings.SIMPUL_TEMPLATE_SCHEMA:
        return []
    with schema_context(schema_name):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    if not pending and schema_name == settings.SIMPUL_TEMPLATE_SCHEMA:
        _template_current = True
    return pending


def template_ensure() -> Instansi:
    """The template schema's row, created (and fully migrated) the first time it is needed."""
    template = Instansi.objects.filter(schema_name=settings.SIMPUL_TEMPLATE_SCHEMA).first()
    if template is None:
        template = Instansi(
            schema_name=settings.SIMPUL_TEMPLATE_SCHEMA,
            name="Templat skema instansi",
            is_template=True,
            is_active=False,
        )
        # No base to clone from yet: django-tenants creates the schema and runs migrations.
        template.save(verbosity=0)
    return template


def _check_template() -> None:
    template_ensure()
    if not schema_exists(settings.SIMPUL_TEMPLATE_SCHEMA):
        raise SimpulError("Skema templat hilang; jalankan `python manage.py migrate_schemas`.")
    pending = template_pending_migrations()
    if pending:
        raise SimpulError(
            f"Skema templat tertinggal {len(pending)} migrasi (mis. {pending[0]}); "
            "jalankan `python manage.py migrate_schemas` lalu ulangi."
        )


def _validate_new_instansi(slug: str, name: str, kind: str, admin_email: str) -> None:
    if not (name or "").strip():
        raise SimpulError("Nama instansi wajib diisi.", field="name")
    if len(name) > 200:
        raise SimpulError("Nama instansi paling panjang 200 karakter.", field="name")
    if kind not in Instansi.Kind.values:
        raise SimpulError(
            f"Jenis {kind!r} tidak dikenal; pilih salah satu: {', '.join(Instansi.Kind.values)}.",
            field="kind",
        )
    if admin_email:
        try:
            validate_email(admin_email)
        except ValidationError as exc:
            raise SimpulError(
                f"Alamat e-mail admin tidak sah: {admin_email!r}.", field="admin_email"
            ) from exc
    if Instansi.objects.filter(schema_name=slug).exists() or schema_exists(slug):
        raise Conflict(f"Instansi dengan slug {slug!r} sudah ada.", field="slug")
    if Domain.objects.filter(domain=f"{slug}.{settings.SIMPUL_BASE_DOMAIN}").exists():
        raise Conflict(f"Domain {slug}.{settings.SIMPUL_BASE_DOMAIN} sudah dipakai.", field="slug")


def _admin_password(password: str | None) -> tuple[str, str | None]:
    """The admin's password (generated when none is given, then returned once), validated."""
    if not password:
        generated = secrets.token_urlsafe(12)
        return generated, generated
    try:
        validate_password(password)
    except ValidationError as exc:
        raise SimpulError(
            "Kata sandi admin terlalu lemah: " + " ".join(exc.messages), field="admin_password"
        ) from exc
    return password, None


def _create_admin(*, email: str, name: str):
    """The instansi's superuser, its password set by the caller once hashed (still unusable)."""
    return get_user_model().objects.create_superuser(
        username="admin",
        email=email or "",
        password=None,
        first_name="Admin",
        last_name=name[:150],
    )


def instansi_provision(
    *,
    slug: str,
    name: str,
    short_name: str = "",
    kind: str = Instansi.Kind.INSTANSI,
    admin_email: str = "",
    admin_password: str | None = None,
    actor=None,
) -> ProvisionResult:
    """Create an instansi: schema cloned from the template, domain, Wagtail site, groups, admin.

    All or nothing: PostgreSQL DDL is transactional, so a failure anywhere leaves no schema,
    no row and no domain behind.
    """
    started = time.perf_counter()
    slug = validate_slug(slug)
    name = (name or "").strip()
    password, generated = _admin_password(admin_password)
    _check_database()
    # The admin's password hash is the one step that no spare can do ahead (Argon2id, 0.03 s
    # here; PBKDF2 took 0.75-1.4 s on these loaded 2-core machines, benchmarks/RESULTS.md).
    # The hash releases the GIL while it works, so a thread hashes while this one provisions
    # the schema: the call costs about the longer of the two.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="admin-hash") as hashing:
        password_hash = hashing.submit(make_password, password)
        # Callable from a request of another instansi (Diskominfo's console): django-tenants
        # creates tenants only from the public schema; the caller's schema is restored after.
        with schema_context(get_public_schema_name()):
            instansi, from_spare = _provision(
                slug=slug,
                name=name,
                short_name=short_name,
                kind=kind,
                admin_email=admin_email,
                password_hash=password_hash,
                actor=actor,
            )
    forget_hosts()
    return ProvisionResult(
        instansi, "admin", generated, time.perf_counter() - started, from_spare=from_spare
    )


def _provision(
    *, slug, name, short_name, kind, admin_email, password_hash: Future, actor
) -> tuple[Instansi, bool]:
    try:
        _check_template()
        with transaction.atomic():
            cursor = connection.cursor()
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PROVISION_LOCK])
            _validate_new_instansi(slug, name, kind, admin_email)
            instansi = Instansi(
                schema_name=slug, name=name, short_name=(short_name or "").strip()[:60], kind=kind
            )
            # A spare cloned ahead becomes the schema (a rename); with none, save() clones.
            from_spare = spare_take(slug)
            instansi.save(verbosity=0)
            if from_spare:
                # Only a pool in use is refilled here (beat tops it up, and fills it first).
                transaction.on_commit(_queue_spare_refill)
            Domain.objects.create(
                domain=f"{slug}.{settings.SIMPUL_BASE_DOMAIN}", tenant=instansi, is_primary=True
            )
            with schema_context(slug):
                admin = _create_admin(email=admin_email, name=name)
                # A spare ran every step's `prepare` half already (tenants.pool).
                run_steps(instansi, admin, prepared=from_spare)
                admin.password = password_hash.result()
                admin.save(update_fields=["password"])
            audit_record(
                actor=actor,
                action="instansi.provision",
                obj=instansi,
                instansi=instansi,
                summary=f"Instansi {name} ({slug}) dibuat",
                after={"name": name, "kind": kind, "slug": slug},
            )
    except DatabaseError as exc:
        first_line = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        raise SimpulError(f"Gagal membuat instansi {slug!r}: {first_line}") from exc
    return instansi, from_spare


def _queue_spare_refill() -> None:
    try:
        refill_spare_schemas.delay()
    except Exception as exc:  # noqa: BLE001 - broker down: beat refills the pool later
        logger.warning("spare schema refill not queued: %s", exc)


@transaction.atomic
def instansi_archive(*, slug: str, actor=None) -> Instansi:
    """Stop serving an instansi; its schema, data and media stay (deprovisioning without loss)."""
    instansi = Instansi.objects.served().select_for_update().filter(schema_name=slug).first()
    if instansi is None:
        raise NotFound(f"Instansi {slug!r} tidak ditemukan.", field="slug")
    if not instansi.is_active:
        raise Conflict(f"Instansi {slug!r} sudah diarsipkan.")
    instansi.is_active = False
    instansi.archived_at = timezone.now()
    instansi.save(update_fields=["is_active", "archived_at"])
    audit_record(
        actor=actor,
        action="instansi.archive",
        obj=instansi,
        instansi=instansi,
        before={"is_active": True},
        after={"is_active": False},
    )
    forget_hosts()  # local cache only; other processes follow within its TTL
    return instansi


@transaction.atomic
def instansi_restore(*, slug: str, actor=None) -> Instansi:
    instansi = Instansi.objects.served().select_for_update().filter(schema_name=slug).first()
    if instansi is None:
        raise NotFound(f"Instansi {slug!r} tidak ditemukan.", field="slug")
    instansi.is_active = True
    instansi.archived_at = None
    instansi.save(update_fields=["is_active", "archived_at"])
    audit_record(
        actor=actor,
        action="instansi.restore",
        obj=instansi,
        instansi=instansi,
        before={"is_active": False},
        after={"is_active": True},
    )
    forget_hosts()  # local cache only; other processes follow within its TTL
    return instansi


def instansi_reset_admin(*, slug: str, actor=None) -> str:
    """Give the instansi's `admin` user a new password (returned once) and unlock it."""
    instansi = Instansi.objects.served().filter(schema_name=slug).first()
    if instansi is None:
        raise NotFound(f"Instansi {slug!r} tidak ditemukan.", field="slug")
    password = secrets.token_urlsafe(12)
    with transaction.atomic(), schema_context(slug):
        User = get_user_model()
        user = User.objects.filter(username="admin").first()
        if user is None:
            user = User(username="admin", is_staff=True, is_superuser=True)
        user.set_password(password)
        user.is_active = True
        user.save()
        audit_record(
            actor=actor,
            action="instansi.reset_admin",
            obj=instansi,
            instansi=instansi,
            summary="Akses admin diterbitkan ulang",
        )
    return password


# --- API tokens --------------------------------------------------------------------------------


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, instansi: Instansi, name: str, actor=None) -> tuple[ApiToken, str]:
    """Make a token for `instansi`; the key is returned once and only its hash is stored."""
    name = (name or "").strip()
    if not name:
        raise SimpulError("Nama token wajib diisi.", field="name")
    key = f"smp_{instansi.schema_name}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        instansi=instansi,
        name=name[:100],
        prefix=key.split("_")[-1][:8],
        key_hash=hash_token_key(key),
        created_by_name=str(actor)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else "",
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        instansi=instansi,
        summary=f"Token API {name} dibuat",
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, instansi: Instansi, token_id: int, actor=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(instansi=instansi, pk=token_id).first()
    if token is None:
        raise NotFound("Token tidak ditemukan.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token, instansi=instansi)
    return token
