"""What an import of a WordPress export leaves behind (tenant schema, app label `cms`).

A run is one import of one export file; a record ties one WordPress item (post, page,
attachment, by its post ID) to what it became, so a re-run updates instead of duplicating; the
URL map says what became of every old address; the category map is the operator's choice of a
Pasal 11 category for each WordPress category.
"""

from django.conf import settings
from django.db import models

from cms.categories import NewsCategory


class WordPressImportRun(models.Model):
    class Status(models.TextChoices):
        ANTRI = "antri", "Menunggu"
        BERJALAN = "berjalan", "Berjalan"
        SELESAI = "selesai", "Selesai"
        GAGAL = "gagal", "Gagal"

    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diminta oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.ANTRI)
    dry_run = models.BooleanField("uji coba (tanpa menyimpan)", default=False)
    source_name = models.CharField("berkas ekspor", max_length=255)
    export_file = models.FileField("berkas ekspor WXR", upload_to="wordpress/", blank=True)
    media_archive = models.FileField("arsip unggahan (ZIP)", upload_to="wordpress/", blank=True)
    media_dir = models.CharField("folder unggahan", max_length=500, blank=True)
    default_category = models.CharField(
        "kategori bawaan", max_length=16, choices=NewsCategory.choices, default="kegiatan"
    )
    site_title = models.CharField("judul situs lama", max_length=255, blank=True)
    site_url = models.CharField("alamat situs lama", max_length=255, blank=True)
    total = models.PositiveIntegerField("jumlah butir", default=0)
    processed = models.PositiveIntegerField("butir diproses", default=0)
    counts = models.JSONField("ringkasan", default=dict, blank=True)
    warnings = models.JSONField("peringatan", default=list, blank=True)
    categories = models.JSONField("pemetaan kategori dipakai", default=list, blank=True)
    error = models.TextField("galat", blank=True)

    class Meta:
        app_label = "cms"
        ordering = ["-created_at"]
        verbose_name = "impor WordPress"
        verbose_name_plural = "impor WordPress"

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.ANTRI, self.Status.BERJALAN)


class WordPressImportRecord(models.Model):
    """One WordPress item and what it became; the key of a re-run (kind + WordPress post ID)."""

    class Kind(models.TextChoices):
        POST = "post", "Tulisan"
        PAGE = "page", "Halaman"
        ATTACHMENT = "attachment", "Lampiran"

    kind = models.CharField("jenis", max_length=12, choices=Kind.choices)
    wp_id = models.PositiveIntegerField("ID WordPress")
    guid = models.CharField("GUID", max_length=500, blank=True)
    source_hash = models.CharField("sidik isi sumber", max_length=64)
    file_hash = models.CharField("sidik berkas", max_length=40, blank=True)
    author = models.CharField("penulis", max_length=255, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run = models.ForeignKey(
        WordPressImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cms"
        constraints = [
            models.UniqueConstraint(fields=["kind", "wp_id"], name="cms_wordpress_record_item")
        ]
        verbose_name = "butir impor WordPress"
        verbose_name_plural = "butir impor WordPress"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.wp_id}"


class WordPressUrl(models.Model):
    """What became of one old address of the WordPress site (the mapping report)."""

    class Outcome(models.TextChoices):
        ALIH = "dialihkan", "Dialihkan (301)"
        TETAP = "tetap", "Alamat sama"
        ARSIP = "diarsipkan", "Diarsipkan (tidak tayang)"
        BUANG = "dibuang", "Dibuang"

    old_path = models.CharField("alamat lama", max_length=255, unique=True)
    kind = models.CharField("jenis", max_length=20)
    wp_id = models.PositiveIntegerField("ID WordPress", null=True, blank=True)
    outcome = models.CharField("hasil", max_length=12, choices=Outcome.choices)
    target = models.CharField("alamat baru", max_length=500, blank=True)
    reason = models.CharField("keterangan", max_length=300, blank=True)
    run = models.ForeignKey(
        WordPressImportRun, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "cms"
        ordering = ["old_path"]
        verbose_name = "alamat lama WordPress"
        verbose_name_plural = "alamat lama WordPress"

    def __str__(self) -> str:
        return f"{self.old_path} → {self.target or self.get_outcome_display()}"


class WordPressCategoryMap(models.Model):
    """The operator's Pasal 11 category for one WordPress category (by its slug)."""

    wp_slug = models.SlugField(
        "slug kategori WordPress", max_length=200, unique=True, allow_unicode=True
    )
    wp_name = models.CharField("nama kategori WordPress", max_length=200, blank=True)
    category = models.CharField("kategori Pasal 11", max_length=16, choices=NewsCategory.choices)

    class Meta:
        app_label = "cms"
        ordering = ["wp_slug"]
        verbose_name = "pemetaan kategori WordPress"
        verbose_name_plural = "pemetaan kategori WordPress"

    def __str__(self) -> str:
        return f"{self.wp_name or self.wp_slug} → {self.get_category_display()}"
