"""The roles of every SOP version that came into force get the assignment permissions of their
stage, which the assignment actions now check through the one policy (sop/permissions.py; a
version activated from now on grants them itself). The stages and permissions are those of
when this was written."""

from django.db import migrations

from core.policy import grant_permissions

STAGE_PERMISSIONS = {
    "penugasan": ("sop.add_assignment",),
    "penyusunan": ("sop.change_assignment",),
    "publikasi": ("sop.add_share",),
}


def forwards(apps, schema_editor):
    SopStep = apps.get_model("sop", "SopStep")
    grants: dict[str, set[str]] = {}
    steps = SopStep.objects.filter(sop__activated_at__isnull=False).select_related("role")
    for step in steps:
        grants.setdefault(step.role.name, set()).update(STAGE_PERMISSIONS.get(step.stage, ()))
    if grants:
        grant_permissions(grants, apps=apps, create_groups=False)


class Migration(migrations.Migration):
    dependencies = [
        ("sop", "0003_assignment_origin_step_notices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
