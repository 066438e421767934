import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("tenants", "0002_account_directory"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalSearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("halaman", "Halaman"),
                            ("berita", "Berita"),
                            ("dokumen", "Dokumen"),
                        ],
                        max_length=10,
                        verbose_name="jenis",
                    ),
                ),
                ("object_id", models.BigIntegerField(verbose_name="id di situs instansi")),
                ("title", models.CharField(max_length=255, verbose_name="judul")),
                ("summary", models.TextField(blank=True, verbose_name="ringkasan")),
                ("body", models.TextField(blank=True, verbose_name="isi")),
                (
                    "url_path",
                    models.CharField(max_length=500, verbose_name="alamat di situs instansi"),
                ),
                ("date", models.DateField(blank=True, null=True, verbose_name="tanggal")),
                ("fingerprint", models.CharField(blank=True, max_length=64)),
                (
                    "search_vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                (
                    "instansi",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="portal_search_entries",
                        to="tenants.instansi",
                    ),
                ),
            ],
            options={
                "verbose_name": "entri pencarian portal",
                "verbose_name_plural": "entri pencarian portal",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name="portal_search_vector"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("instansi", "kind", "object_id"),
                        name="portal_search_unique_object",
                    )
                ],
            },
        ),
    ]
