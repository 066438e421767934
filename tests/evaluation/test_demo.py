"""The demo step: Diskominfo's evaluator login and snapshots for the console."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context

from evaluation.demo import create_demo_evaluation
from evaluation.models import InstansiSnapshot
from evaluation.roles import is_evaluator

pytestmark = pytest.mark.django_db


def test_demo_step_is_idempotent_and_makes_an_evaluator(instansi):
    for _ in range(2):
        for slug in ("diskominfo", "humas"):
            with schema_context(slug):
                create_demo_evaluation(instansi[slug])
    with schema_context("diskominfo"):
        user = get_user_model().objects.get(username="evaluator")
        assert is_evaluator(user, instansi["diskominfo"])
    with schema_context("humas"):
        assert not get_user_model().objects.filter(username="evaluator").exists()
    year = timezone.localdate().year
    assert InstansiSnapshot.objects.filter(instansi=instansi["humas"], year=year).count() == 1
