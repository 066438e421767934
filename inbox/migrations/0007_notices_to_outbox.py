"""Inbox notices never sent get their message in the kernel's outbox, the one delivery path.

A notice made before its mail moved to the outbox has no outbox message, and the inbox's own
sender and sweeper that used to make one on the fly are gone: each such notice (unsent, with no
`inbox:<key>` message) gets its message now, with the recipients, subject and body the inbox
gives a new notice. `created_at` is the notice's, so the outbox sweeper delivers them on its
next run; the outbox's hook then shows the notice as sent. Running it again adds nothing (the
key is unique and looked up first).
"""

from django.conf import settings
from django.db import migrations
from django_tenants.utils import schema_context, schema_exists

# What the inbox mailed a notice to when this migration was written (inbox.services._common):
# the instansi's petugas and pejabat, its superusers when none of them has an address.
PETUGAS_GROUPS = ("Petugas Pengelola Media Sosial", "Pejabat Pengelola")
OUTBOX_KIND = "inbox"


def _staff_emails(User, schema_name: str) -> str:
    if not schema_name or not schema_exists(schema_name):
        return ""
    with schema_context(schema_name):
        users = User.objects.filter(is_active=True).exclude(email="")
        emails = set(users.filter(groups__name__in=PETUGAS_GROUPS).values_list("email", flat=True))
        if not emails:
            emails = set(users.filter(is_superuser=True).values_list("email", flat=True))
    return ", ".join(sorted(emails))


def notices_to_outbox(apps, schema_editor) -> int:
    """One outbox message per unsent notice that has none; how many were added."""
    Notification = apps.get_model("inbox", "Notification")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    recipients_of: dict[int, str] = {}
    added = 0
    unsent = Notification.objects.filter(sent_at__isnull=True).select_related("instansi")
    for notice in unsent.order_by("pk").iterator():
        key = f"inbox:{notice.key}"
        if OutboxMessage.objects.filter(key=key).exists():
            continue
        if notice.instansi_id not in recipients_of:
            recipients_of[notice.instansi_id] = _staff_emails(User, notice.instansi.schema_name)
        _, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "kind": OUTBOX_KIND,
                "schema_name": notice.instansi.schema_name,
                "recipients": recipients_of[notice.instansi_id],
                "subject": notice.subject[:255],
                "body": notice.message,
                "created_at": notice.created_at,
            },
        )
        added += created
    return added


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0006_inquiry_rating_follow_up"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(notices_to_outbox, migrations.RunPython.noop, elidable=True),
    ]
