"""Builders for SOP tests: the three humas users of the Sintang SOP, a controlled clock."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sop import blueprints, services

PASSWORD = "uji-sandi-kuat-2026"


class Clock:
    """A controllable `django.utils.timezone.now` (Wagtail's task timestamps follow it)."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def make_user(username: str, group_names: list[str], email: str = ""):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        email=email or f"{username}@humas.localhost",
        first_name=username.capitalize(),
    )
    for name in group_names:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    return user


def sintang_people(prefix: str = "") -> dict:
    """Kasubbag, staf and Kabag, each in the group of the Sintang SOP's role."""
    return {
        "kasubbag": make_user(f"{prefix}kasubbag", [blueprints.KASUBBAG]),
        "staf": make_user(f"{prefix}staf", [blueprints.STAF]),
        "kabag": make_user(f"{prefix}kabag", [blueprints.KABAG]),
    }


def active_sintang_sop(actor=None):
    sop = services.sop_create_from_template(actor=actor, template_key="sintang")
    return services.sop_activate(actor=actor, sop=sop)
