"""Public-schema models: the instansi (tenant), its domains, the audit trail and API tokens."""

from django.db import connection, models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_creation_fakes_migrations, schema_exists

from .cloning import clone_template


class InstansiQuerySet(models.QuerySet):
    def served(self):
        """Every real instansi (the clone template is an Instansi row only so migrate keeps it)."""
        return self.filter(is_template=False)

    def active(self):
        return self.served().filter(is_active=True)


class Instansi(TenantMixin):
    """A government agency of the regency, served on `<slug>.<base>` from its own schema."""

    class Kind(models.TextChoices):
        INSTANSI = "instansi", "Instansi"
        SUPER = "super", "Super-tenant (Diskominfo)"

    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("nama singkat", max_length=60, blank=True)
    kind = models.CharField("jenis", max_length=16, choices=Kind.choices, default=Kind.INSTANSI)
    is_active = models.BooleanField("aktif", default=True)
    is_template = models.BooleanField(
        "templat kloning",
        default=False,
        help_text="Skema templat yang dikloning untuk instansi baru; tidak pernah dilayani.",
    )
    created_at = models.DateTimeField("dibuat", default=timezone.now)
    archived_at = models.DateTimeField("diarsipkan", null=True, blank=True)

    auto_create_schema = True
    auto_drop_schema = False

    objects = InstansiQuerySet.as_manager()

    class Meta:
        verbose_name = "instansi"
        verbose_name_plural = "instansi"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Clone the template schema (tenants.cloning), without django-tenants' follow-up
        `migrate --fake`.

        The provisioning service has checked that the template has every migration, and the
        clone copies its `django_migrations` rows (and what post-migrate made: content types,
        permissions, Wagtail's root page), so faking the migrations again would only cost a
        third of a second. The template itself, and creation with cloning turned off, take
        django-tenants' own path.
        """
        base = self.get_base_schema() if get_creation_fakes_migrations() else False
        if not sync_schema or not base or base == self.schema_name or not schema_exists(base):
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        clone_template(base, self.schema_name, self.clone_mode)
        connection.set_schema_to_public()
        return True

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_super(self) -> bool:
        return self.kind == self.Kind.SUPER

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Domain(DomainMixin):
    """A host name that serves an instansi (`<slug>.<base>` is its primary one)."""

    class Meta:
        verbose_name = "domain"
        verbose_name_plural = "domain"


class AuditEntry(models.Model):
    """Who changed what, when: one append-only row per change that matters.

    Lives in the public schema so Diskominfo can read every instansi's trail; rows written while
    serving a tenant name that tenant. `before`/`after` hold the changed fields only.
    """

    instansi = models.ForeignKey(
        Instansi, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "catatan audit"
        verbose_name_plural = "catatan audit"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["instansi", "object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
        )


class ApiToken(models.Model):
    """A secret that lets one instansi's systems call its own API (`Authorization: Token …`).

    Only a SHA-256 hash is kept; the key is shown once when made.
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nama", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=200, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountDirectoryEntry(models.Model):
    """The regency-wide index of official accounts (public schema), fed by each instansi's registry.

    One row per account of an instansi's registry (`account_id` is the id in that schema). The
    partial unique constraints make an address official for one instansi at most: concurrent
    saves from two instansi cannot both commit an active row for the same URL or handle.
    """

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Resmi"
        RETIRED = "dihentikan", "Dihentikan"

    instansi = models.ForeignKey(
        Instansi, on_delete=models.CASCADE, related_name="directory_entries"
    )
    account_id = models.BigIntegerField()
    platform = models.CharField(max_length=20)
    platform_label = models.CharField(max_length=60)
    category = models.CharField(max_length=20)
    handle = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=500)
    display_name = models.CharField(max_length=150)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    decree_number = models.CharField(max_length=120)
    decree_date = models.DateField()
    decree_active = models.BooleanField(default=True)
    active_since = models.DateField()
    retired_on = models.DateField(null=True, blank=True)
    retired_decree_number = models.CharField(max_length=120, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "direktori akun resmi"
        verbose_name_plural = "direktori akun resmi"
        ordering = ["instansi_id", "platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "account_id"], name="tenants_directory_account_unique"
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=models.Q(status="aktif"),
                name="tenants_directory_active_url_unique",
            ),
            models.UniqueConstraint(
                fields=["platform", "handle"],
                condition=models.Q(status="aktif") & ~models.Q(handle=""),
                name="tenants_directory_active_handle_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["url"], name="tenants_directory_url_idx"),
            models.Index(fields=["platform", "handle"], name="tenants_directory_handle_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.instansi_id}, {self.status})"


class RegistryReminder(models.Model):
    """A registry problem flagged to an instansi by the periodic check, readable by Diskominfo.

    Open while the problem lasts (`resolved_at` empty); the check resolves it once fixed.
    """

    class Kind(models.TextChoices):
        ACCOUNT_WITHOUT_DECREE = "akun_tanpa_sk", "Akun tanpa SK yang berlaku"
        APPOINTMENT_EXPIRED = "penunjukan_lewat", "Penunjukan melewati tanggal akhir"
        AUDIENCE_MISSING = "khalayak_kosong", "Jumlah khalayak bulan lalu belum diisi"

    instansi = models.ForeignKey(
        Instansi, on_delete=models.CASCADE, related_name="registry_reminders"
    )
    kind = models.CharField("jenis", max_length=20, choices=Kind.choices)
    object_key = models.CharField(max_length=64)
    message = models.CharField("pesan", max_length=500)
    first_seen_at = models.DateTimeField("pertama terlihat", default=timezone.now)
    last_seen_at = models.DateTimeField("terakhir terlihat", default=timezone.now)
    resolved_at = models.DateTimeField("selesai", null=True, blank=True)

    class Meta:
        verbose_name = "pengingat registri"
        verbose_name_plural = "pengingat registri"
        ordering = ["instansi_id", "kind", "-first_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "kind", "object_key"],
                condition=models.Q(resolved_at__isnull=True),
                name="tenants_reminder_open_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message}"
