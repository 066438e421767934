"""Inquiry.public_request_id: the id Open311 publishes instead of the secret tracking code.

Added nullable, filled with a fresh random id for every existing row, then made unique and
required (new rows get theirs from the model's default)."""

from django.db import migrations, models

import inbox.models


def backfill(apps, schema_editor):
    Inquiry = apps.get_model("inbox", "Inquiry")
    pending = Inquiry.objects.filter(public_request_id__isnull=True).only("pk")
    for inquiry in pending.iterator(chunk_size=2000):
        Inquiry.objects.filter(pk=inquiry.pk).update(
            public_request_id=inbox.models.new_public_request_id()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0004_referral_clock_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="inquiry",
            name="public_request_id",
            field=models.CharField(
                editable=False,
                max_length=32,
                null=True,
                verbose_name="id permintaan publik (Open311)",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="inquiry",
            name="public_request_id",
            field=models.CharField(
                default=inbox.models.new_public_request_id,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="id permintaan publik (Open311)",
            ),
        ),
    ]
