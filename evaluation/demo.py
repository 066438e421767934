"""Demo data for `provision_demo`: Diskominfo's evaluator login and filled console snapshots.

Runs inside each demo instansi's schema (core.steps.demo_steps); idempotent.
"""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from .roles import EVALUATOR_GROUP
from .services import snapshot_refresh


def create_demo_evaluation(instansi) -> None:
    """An `evaluator` user on Diskominfo; this year's and last year's snapshot of `instansi`."""
    if instansi.is_super:
        group, _ = Group.objects.get_or_create(name=EVALUATOR_GROUP)
        User = get_user_model()
        user = User.objects.filter(username="evaluator").first()
        if user is None:
            user = User.objects.create_user(
                username="evaluator",
                password=os.environ.get("DEMO_PASSWORD", "simpul-demo"),
                first_name="Evaluator",
                last_name="Diskominfo",
                email=f"evaluator@{instansi.schema_name}.localhost",
            )
        user.groups.add(group)
    year = timezone.localdate().year
    for y in (year - 1, year):
        snapshot_refresh(instansi=instansi, year=y)
