"""The report permissions the actions check through the one policy, and their grants to the
role groups of every existing instansi (provisioning grants them to new ones).

Evaluation lives in the public schema and its migrations run there only, so the grants reach
each instansi's schema (where its users and groups live) from here; the grant makes the
permission rows there (an instansi's schema has none of the public schema's models). The
groups get what `roles.py` named when this was written: the petugas writes, the Kepala Instansi
and the pejabat write and submit; Diskominfo's evaluators evaluate.
"""

from django.db import migrations

from core.policy import grant_in_every_instansi

EDIT = "evaluation.edit_annualreport"
SUBMIT = "evaluation.submit_annualreport"
EVALUATE = "evaluation.evaluate_annualreport"
GROUPS = {
    "Kepala Instansi": (EDIT, SUBMIT),
    "Pejabat Pengelola": (EDIT, SUBMIT),
    "Petugas Pengelola Media Sosial": (EDIT,),
}


def grants_for(instansi):
    if instansi.kind == "super":
        return {**GROUPS, "Evaluator Diskominfo": (EVALUATE,)}
    return GROUPS


def forwards(apps, schema_editor):
    grant_in_every_instansi(apps, grants_for)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_extension_request"),
        ("tenants", "0002_account_directory"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="annualreport",
            options={
                "ordering": ["-year", "instansi__name"],
                "permissions": [
                    ("edit_annualreport", "Dapat menyusun laporan tahunan"),
                    ("submit_annualreport", "Dapat menyampaikan laporan tahunan"),
                    ("evaluate_annualreport", "Dapat mengevaluasi laporan tahunan (Diskominfo)"),
                ],
                "verbose_name": "laporan tahunan",
                "verbose_name_plural": "laporan tahunan",
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
