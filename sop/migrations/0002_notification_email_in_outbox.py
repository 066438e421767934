"""SOP notices keep their in-app part; their e-mail moves to the kernel's outbox.

Every notice with an address gets its outbox message (key `sop:<schema>:<id>`): unsent ones
are then delivered by the outbox sweeper, sent ones keep their delivery time.
"""

from django.db import migrations


def notices_to_outbox(apps, schema_editor):
    Notification = apps.get_model("sop", "Notification")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    schema = schema_editor.connection.schema_name
    for notice in Notification.objects.exclude(email="").iterator():
        OutboxMessage.objects.get_or_create(
            key=f"sop:{schema}:{notice.pk}",
            defaults={
                "kind": "sop.batas_waktu",
                "schema_name": schema,
                "recipients": notice.email,
                "subject": notice.subject[:255],
                "body": notice.message,
                "created_at": notice.created_at,
                "sent_at": notice.email_sent_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sop", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(notices_to_outbox, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="notification", name="email_sent_at"),
    ]
