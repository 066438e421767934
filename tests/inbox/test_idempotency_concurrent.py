"""Concurrent duplicate POSTs with one Idempotency-Key against a real threaded server.

Not in a test transaction: the server is another process, so the token and the inquiry are
committed, and deleted afterwards (the audit trail keeps its entries, as it always does).
"""

import threading

import pytest

from inbox.models import IdempotencyRecord, Inquiry
from tenants.models import ApiToken, Instansi
from tenants.services import api_token_create

from .helpers import live_request


@pytest.mark.e2e
def test_concurrent_duplicates_make_one_row(live_server_url, django_db_blocker):
    """Eight clients send the same POST with one key at once to a real (threaded) server:
    one inquiry is stored and all eight get the same answer."""
    import uuid

    marker = f"Serentak-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():  # committed: the server is another process
        humas = Instansi.objects.get(schema_name="humas")
        token, key = api_token_create(instansi=humas, name=f"uji-{marker}")
    results: list = []
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        status, data = live_request(
            live_server_url,
            "humas",
            "POST",
            "/api/v1/inquiries/",
            {"kind": "pertanyaan", "body": marker},
            {"Authorization": f"Token {key}", "Idempotency-Key": marker},
        )
        results.append((status, data.get("id")))

    threads = [threading.Thread(target=send) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with django_db_blocker.unblock():
            stored = Inquiry.objects.filter(body=marker).count()
    finally:
        with django_db_blocker.unblock():
            Inquiry.objects.filter(body=marker).delete()
            IdempotencyRecord.objects.filter(key=marker).delete()
            ApiToken.objects.filter(pk=token.pk).delete()
    assert len(results) == 8
    assert {code for code, _ in results} == {201}
    assert len({iid for _, iid in results}) == 1
    assert stored == 1
