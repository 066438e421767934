"""Demo SOP for `provision_demo`: Bagian Humas works by the Sintang SOP with three role users.

Runs inside one instansi's schema (core.steps.demo_steps); idempotent, and only for the
`humas` instansi (the other demo instansi start from the templates in the admin).
"""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import blueprints, services
from .models import Sop

DEMO_USERS = (
    ("kasubbag", "Kasubbag", "Humas", blueprints.KASUBBAG),
    ("staf", "Staf", "Fungsional", blueprints.STAF),
    ("kabag", "Kabag", "Humas", blueprints.KABAG),
)


def create_demo_sop(instansi) -> None:
    if instansi.schema_name != "humas" or Sop.objects.exists():
        return
    password = os.environ.get("DEMO_PASSWORD", "simpul-demo")
    User = get_user_model()
    for username, first, last, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                email=f"{username}@{instansi.schema_name}.localhost",
            )
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    sop = services.sop_create_from_template(actor=None, template_key="sintang")
    services.sop_activate(actor=None, sop=sop)
    services.sop_create_from_template(actor=None, template_key="kobar_lampiran_b")
