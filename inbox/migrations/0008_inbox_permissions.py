"""The inbox permissions the actions check through the one policy, and their grants to the role
groups of every existing instansi (provisioning grants them to new ones).

The inbox lives in the public schema and its migrations run there only, so the grants reach
each instansi's schema (where its users and groups live) from here; the grant makes the
permission rows there. The groups get what `inbox/permissions.py` named when this was written:
the petugas, the pejabat and the Kepala Instansi work the inbox; the pejabat and the Kepala
Instansi record the recommendations (as the analysis screen allowed them before).
"""

from django.db import migrations

from core.policy import grant_in_every_instansi

RECORD = "inbox.record_inquiry"
HANDLE = "inbox.handle_inquiry"
RESPOND = "inbox.respond_referral"
RECOMMEND = "inbox.record_feedbackrecommendation"
GROUPS = {
    "Kepala Instansi": (RECORD, HANDLE, RESPOND, RECOMMEND),
    "Pejabat Pengelola": (RECORD, HANDLE, RESPOND, RECOMMEND),
    "Petugas Pengelola Media Sosial": (RECORD, HANDLE, RESPOND),
}


def forwards(apps, schema_editor):
    grant_in_every_instansi(apps, lambda instansi: GROUPS)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0007_notices_to_outbox"),
        ("tenants", "0002_account_directory"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="inquiry",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("record_inquiry", "Dapat mencatat pesan masuk"),
                    (
                        "handle_inquiry",
                        "Dapat menjawab, merujuk, membalas, memberi topik dan menutup pesan",
                    ),
                ],
                "verbose_name": "pesan masuk",
                "verbose_name_plural": "pesan masuk",
            },
        ),
        migrations.AlterModelOptions(
            name="referral",
            options={
                "ordering": ["-requested_at", "-id"],
                "permissions": [("respond_referral", "Dapat menjawab atau menolak rujukan")],
                "verbose_name": "rujukan",
                "verbose_name_plural": "rujukan",
            },
        ),
        migrations.AlterModelOptions(
            name="feedbackrecommendation",
            options={
                "ordering": ["-period_start", "-id"],
                "permissions": [
                    (
                        "record_feedbackrecommendation",
                        "Dapat mencatat rekomendasi tindak lanjut masukan",
                    )
                ],
                "verbose_name": "rekomendasi tindak lanjut",
                "verbose_name_plural": "rekomendasi tindak lanjut",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
