"""The demo step: humas works by the Sintang SOP with three role users; others are untouched."""

from sop.demo import create_demo_sop
from sop.models import Sop


def test_demo_sop_for_humas_only_and_idempotent(humas, instansi):
    from django.db import connection

    assert not Sop.objects.exists()  # humas of the test regency has no SOP of its own
    create_demo_sop(humas)
    create_demo_sop(humas)
    assert Sop.objects.filter(status=Sop.Status.AKTIF, kind=Sop.Kind.PUBLIKASI).count() == 1
    assert Sop.objects.filter(template_key="kobar_lampiran_b").count() == 1
    connection.set_tenant(instansi["dinkes"])
    create_demo_sop(instansi["dinkes"])
    assert not Sop.objects.exists()
