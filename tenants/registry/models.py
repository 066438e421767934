"""Registry models in each instansi's schema: decrees (SK), official accounts, appointments.

Rows are written only through `tenants.registry.services` (validation, audit, the public index);
these classes hold fields, labels and small derived values.
"""

from django.db import models
from django.utils import timezone

from .platforms import CATEGORY_LABELS, PLATFORM_CHOICES, category_of


class SuratKeputusan(models.Model):
    """A Keputusan Kepala Instansi (SK) that designates accounts, officers, an SOP or other."""

    class Subject(models.TextChoices):
        ACCOUNTS = "akun_petugas", "Akun resmi dan petugas/pejabat pengelola"
        SOP = "sop", "SOP"
        OTHER = "lainnya", "Lainnya"

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Berlaku"
        REPLACED = "diganti", "Diganti SK lain"
        REVOKED = "dicabut", "Dicabut"

    number = models.CharField("nomor SK", max_length=120)
    date = models.DateField("tanggal ditetapkan")
    title = models.CharField("tentang (judul)", max_length=300)
    signer_name = models.CharField("nama Kepala Instansi penanda tangan", max_length=150)
    signer_nip = models.CharField("NIP penanda tangan", max_length=18)
    subject = models.CharField(
        "pokok keputusan", max_length=20, choices=Subject.choices, default=Subject.ACCOUNTS
    )
    effective_date = models.DateField("tanggal berlaku")
    pdf = models.FileField("berkas SK (PDF)", upload_to="registri/sk/%Y/", max_length=255)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="diganti oleh",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    ended_at = models.DateField("berakhir", null=True, blank=True)
    end_note = models.CharField("catatan pengakhiran", max_length=300, blank=True)
    created_at = models.DateTimeField("dicatat", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        verbose_name = "surat keputusan (SK)"
        verbose_name_plural = "surat keputusan (SK)"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="registry_sk_number_unique"),
        ]

    def __str__(self) -> str:
        return f"SK {self.number} ({self.date:%d-%m-%Y})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class OfficialAccount(models.Model):
    """A social-media account (or site) designated official by an SK (KoBar Pasal 9c, 10)."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        RETIRED = "dihentikan", "Dihentikan"

    platform = models.CharField("platform", max_length=20, choices=PLATFORM_CHOICES)
    handle = models.CharField("nama akun (handle)", max_length=100, blank=True)
    url = models.URLField("URL kanonik", max_length=500)
    display_name = models.CharField("nama tampilan", max_length=150)
    audience_note = models.CharField(
        "khalayak sasaran",
        max_length=300,
        blank=True,
        help_text="Khalayak sasaran akun ini (Pasal 9 huruf a).",
    )
    decree = models.ForeignKey(
        SuratKeputusan,
        verbose_name="SK penetapan",
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    active_since = models.DateField("resmi sejak")
    retired_by = models.ForeignKey(
        SuratKeputusan,
        verbose_name="dihentikan oleh SK",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retired_accounts",
    )
    retired_on = models.DateField("dihentikan pada", null=True, blank=True)
    created_at = models.DateTimeField("dicatat", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        verbose_name = "akun resmi"
        verbose_name_plural = "akun resmi"
        ordering = ["platform", "handle", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=models.Q(status="aktif"),
                name="registry_account_url_active_unique",
            ),
        ]

    def __str__(self) -> str:
        label = f"@{self.handle}" if self.handle else self.url
        return f"{self.get_platform_display()} {label}"

    @property
    def category(self) -> str:
        """The Lampiran A category of the platform (blog, mikroblog, …)."""
        return category_of(self.platform)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Appointment(models.Model):
    """A penunjukan: a civil servant appointed pejabat or petugas for accounts by an SK."""

    class Role(models.TextChoices):
        PEJABAT = "pejabat", "Pejabat penanggung jawab"
        PETUGAS = "petugas", "Petugas pengelola media sosial"

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        ENDED = "berakhir", "Berakhir"

    person_name = models.CharField("nama", max_length=150)
    nip = models.CharField("NIP", max_length=18)
    position = models.CharField("jabatan", max_length=200)
    role = models.CharField("peran", max_length=10, choices=Role.choices)
    accounts = models.ManyToManyField(
        OfficialAccount, verbose_name="akun yang dikelola", related_name="appointments", blank=True
    )
    decree = models.ForeignKey(
        SuratKeputusan,
        verbose_name="SK penunjukan",
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    start_date = models.DateField("mulai")
    end_date = models.DateField("sampai", null=True, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    ended_by = models.ForeignKey(
        SuratKeputusan,
        verbose_name="diakhiri oleh SK",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_appointments",
    )
    created_at = models.DateTimeField("dicatat", default=timezone.now)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    class Meta:
        verbose_name = "penunjukan petugas/pejabat"
        verbose_name_plural = "penunjukan petugas/pejabat"
        ordering = ["role", "person_name", "id"]

    def __str__(self) -> str:
        return f"{self.person_name} — {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class DecreeItem(models.Model):
    """What one SK did to one account or appointment: the readable history of every SK.

    Rows are appended, never changed: designating, continuing or ending an item under an SK.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "akun", "Akun resmi"
        APPOINTMENT = "penunjukan", "Penunjukan"

    class Effect(models.TextChoices):
        DESIGNATED = "ditetapkan", "Ditetapkan"
        CONTINUED = "dilanjutkan", "Dilanjutkan"
        ENDED = "diakhiri", "Diakhiri"

    decree = models.ForeignKey(
        SuratKeputusan, verbose_name="SK", on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    account = models.ForeignKey(
        OfficialAccount,
        verbose_name="akun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decree_items",
    )
    appointment = models.ForeignKey(
        Appointment,
        verbose_name="penunjukan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decree_items",
    )
    label = models.CharField("uraian", max_length=300)
    effect = models.CharField("akibat", max_length=12, choices=Effect.choices)
    created_at = models.DateTimeField("dicatat", default=timezone.now)

    class Meta:
        verbose_name = "butir SK"
        verbose_name_plural = "butir SK"
        ordering = ["decree", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_effect_display()}: {self.label}"


class AudienceFigure(models.Model):
    """Followers of one official account at one month (the "jumlah khalayak", Pasal 16 b)."""

    class Source(models.TextChoices):
        ADMIN = "admin", "Isian admin"
        CSV = "csv", "Impor CSV"
        API = "api", "API"

    account = models.ForeignKey(
        OfficialAccount,
        verbose_name="akun",
        on_delete=models.PROTECT,
        related_name="audience_figures",
    )
    month = models.DateField("bulan", help_text="Hari pertama bulan yang dicatat.")
    followers = models.PositiveBigIntegerField("jumlah pengikut")
    source = models.CharField("sumber", max_length=8, choices=Source.choices, default="admin")
    recorded_at = models.DateTimeField("dicatat", default=timezone.now)

    class Meta:
        verbose_name = "jumlah khalayak"
        verbose_name_plural = "jumlah khalayak"
        ordering = ["-month", "account_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "month"], name="registry_audience_account_month_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.month:%Y-%m}: {self.followers}"
