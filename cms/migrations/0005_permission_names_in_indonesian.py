"""Name the permissions the groups screen lists in Indonesian, in the template schema and in
every instansi's schema.

Django and Wagtail store a permission's name in English when it is created (migrations run
untranslated), and the groups screen shows that stored name: "Can add page", "Publish any
page". A model added by a later migration gets an English name again until a step like this one
renames it. The names are created here first (Django's own create_permissions, which otherwise
runs after all migrations) so a new template schema gets them in Indonesian too.
"""

import re

from django.contrib.auth.management import create_permissions
from django.db import migrations

VERBS = {"add": "menambah", "change": "mengubah", "delete": "menghapus", "view": "melihat"}
# English verbose names of Django's and Wagtail's models; the project's own are Indonesian.
NOUNS = {
    "page": "halaman",
    "user": "pengguna",
    "group": "grup",
    "permission": "hak akses",
    "content type": "jenis konten",
    "session": "sesi",
    "site": "situs",
    "redirect": "pengalihan",
    "task": "tugas",
    "workflow": "alur kerja",
    "image": "gambar",
    "document": "dokumen",
    "collection": "koleksi",
    "form submission": "kiriman formulir",
    "embed": "sematan",
    "tag": "tag",
    "tagged item": "butir bertag",
    "locale": "lokal",
    "comment": "komentar",
    "comment reply": "balasan komentar",
    "revision": "revisi",
    "workflow state": "status alur kerja",
    "task state": "status tugas",
    "group approval task": "tugas persetujuan grup",
    "page view restriction": "pembatasan akses halaman",
    "collection view restriction": "pembatasan akses koleksi",
    "upload": "unggahan",
    "API token": "token API",
    "TOTP device": "perangkat TOTP",
}
CUSTOM = {
    "Delete pages with children": "Hapus halaman beserta subhalamannya",
    "Lock/unlock pages you've locked": "Kunci/buka kunci halaman yang Anda kunci",
    "Publish any page": "Terbitkan halaman mana pun",
    "Unlock any page": "Buka kunci halaman mana pun",
    "Can access Wagtail admin": "Dapat mengakses admin Wagtail",
}
DEFAULT = re.compile(r"^Can (add|change|delete|view) (.+)$")


def indonesian(name: str) -> str:
    if name in CUSTOM:
        return CUSTOM[name]
    match = DEFAULT.match(name)
    if match is None:
        return name
    verb, noun = match.groups()
    return f"Dapat {VERBS[verb]} {NOUNS.get(noun, noun)}"


def forwards(apps, schema_editor):
    for config in apps.get_app_configs():
        # create_permissions skips an app whose models module it does not see (historical apps).
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.all():
        name = indonesian(permission.name)
        if name != permission.name:
            Permission.objects.filter(pk=permission.pk).update(name=name[:255])


class Migration(migrations.Migration):
    # After every tenant app's models exist, so their permissions are made and renamed here.
    dependencies = [
        ("cms", "0004_remove_wagtail_default_workflow"),
        ("access", "0002_login_budget_enrolment_code"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inbox_pages", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
        ("registry", "0001_initial"),
        ("sessions", "0001_initial"),
        ("sop", "0002_notification_email_in_outbox"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailembeds", "0009_embed_cache_until"),
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
