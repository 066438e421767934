"""Fixtures of the SOP tests: work inside humas's schema, a controlled clock, the three roles."""

import pytest
from django.db import connection

from .factories import START, Clock, active_sintang_sop, sintang_people


@pytest.fixture
def humas(db, instansi):
    connection.set_tenant(instansi["humas"])
    yield instansi["humas"]
    connection.set_schema_to_public()


@pytest.fixture
def clock(monkeypatch):
    import django.utils.timezone

    controlled = Clock(START)
    monkeypatch.setattr(django.utils.timezone, "now", controlled)
    return controlled


@pytest.fixture
def people(humas):
    return sintang_people()


@pytest.fixture
def sintang(people):
    return active_sintang_sop()
