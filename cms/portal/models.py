"""The regency portal's read indexes (public schema), fed by each instansi's publishing.

The portal never loops tenant schemas per request: every news page published on an instansi's
site is copied here (title, lead, link, category, hashtags) when it is published, and removed
when it is unpublished; each instansi's identity (logo, colour) is copied when it changes.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils import timezone


class PortalInstansiProfile(models.Model):
    """An instansi's public identity as the portal shows it."""

    instansi = models.OneToOneField(
        "tenants.Instansi", on_delete=models.CASCADE, related_name="portal_profile"
    )
    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("nama singkat", max_length=60, blank=True)
    tagline = models.CharField("slogan", max_length=200, blank=True)
    # Paths inside the instansi's media folder (MEDIA_ROOT/<schema>/…), served by the portal.
    logo_path = models.CharField("berkas logo", max_length=500, blank=True)
    primary_colour = models.CharField("warna utama", max_length=7, default="#0B5CAB")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "profil instansi di portal"
        verbose_name_plural = "profil instansi di portal"

    def __str__(self) -> str:
        return self.name


class PortalNewsItem(models.Model):
    """One published news page of one instansi, as listed by the portal."""

    instansi = models.ForeignKey(
        "tenants.Instansi", on_delete=models.CASCADE, related_name="portal_news"
    )
    page_id = models.BigIntegerField()
    title = models.CharField("judul", max_length=255)
    lead = models.TextField("teras", blank=True)
    url_path = models.CharField("alamat di situs instansi", max_length=500)
    category = models.CharField("kategori", max_length=16)
    tagar = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    tagar_keys = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    image_path = models.CharField("berkas gambar", max_length=500, blank=True)
    image_alt = models.CharField("teks alternatif gambar", max_length=250, blank=True)
    date = models.DateField("tanggal")
    first_published_at = models.DateTimeField("pertama terbit")
    last_published_at = models.DateTimeField("terakhir terbit")
    search_text = models.TextField(blank=True)

    class Meta:
        verbose_name = "berita di portal"
        verbose_name_plural = "berita di portal"
        ordering = ["-date", "-first_published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "page_id"], name="portal_news_unique_page")
        ]
        indexes = [
            models.Index(fields=["-date", "-first_published_at"], name="portal_news_latest"),
            models.Index(fields=["instansi", "first_published_at"], name="portal_news_counts"),
        ]

    def __str__(self) -> str:
        return self.title


class PortalSearchEntry(models.Model):
    """One public page, news page or document of one instansi, as the regency's search finds it.

    Only what an anonymous visitor may open is here: live pages without a view restriction on
    them or an ancestor, and documents outside restricted collections. `search_vector` is the
    PostgreSQL `indonesian` text search of title (weight A), summary (B) and body text (C),
    written by `cms.portal.services.portal_search_upsert`; `fingerprint` tells the reconcile
    whether the source changed since.
    """

    class Kind(models.TextChoices):
        HALAMAN = "halaman", "Halaman"
        BERITA = "berita", "Berita"
        DOKUMEN = "dokumen", "Dokumen"

    instansi = models.ForeignKey(
        "tenants.Instansi", on_delete=models.CASCADE, related_name="portal_search_entries"
    )
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField("id di situs instansi")
    title = models.CharField("judul", max_length=255)
    summary = models.TextField("ringkasan", blank=True)
    body = models.TextField("isi", blank=True)
    url_path = models.CharField("alamat di situs instansi", max_length=500)
    date = models.DateField("tanggal", null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "entri pencarian portal"
        verbose_name_plural = "entri pencarian portal"
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "kind", "object_id"], name="portal_search_unique_object"
            )
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="portal_search_vector"),
            # The newest matches first (the candidates the search ranks): for a common word an
            # ordered scan that stops after enough matches, not a check of every match.
            models.Index(
                F("date").desc(nulls_last=True), F("id").desc(), name="portal_search_newest"
            ),
        ]

    def __str__(self) -> str:
        return self.title
