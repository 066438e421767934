"""`Idempotency-Key` for API POSTs: the first answer is stored and replayed on every retry.

The key's row is inserted in the same transaction as the write it guards, before the write:
a concurrent duplicate blocks on the unique index until the first commits, then replays its
answer, so two requests with one key never make two inquiries or referrals. A failed request
stores nothing (its transaction rolls back), so the client may retry it.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.actions import entry_transaction
from core.errors import SimpulError

from ..models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    type={"type": "string", "maxLength": KEY_MAX_LENGTH},
    description=(
        "Kunci unik per permintaan (mis. UUID). Permintaan ulang dengan kunci dan isi yang sama "
        "mendapat jawaban pertama tanpa membuat data baru; kunci yang sama dengan isi berbeda "
        "ditolak dengan 422."
    ),
)


class IdempotencyMismatch(SimpulError):
    status = 422


def _body_hash(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        data = {k: v if len(v) > 1 else v[0] for k, v in data.lists()}
    canonical = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def run_idempotent(request, operation: Callable[[], Response]) -> Response:
    """Run `operation` once per (instansi, Idempotency-Key); replay its answer afterwards."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return operation()
    if len(key) > KEY_MAX_LENGTH:
        raise SimpulError(
            f"{HEADER} terlalu panjang (paling banyak {KEY_MAX_LENGTH} karakter).", field=HEADER
        )
    instansi = request.tenant
    body_hash = _body_hash(request)
    # The record commits with the one action the operation runs (the action joins this
    # durable transaction), so a replayed answer always belongs to a committed change.
    with entry_transaction():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    instansi=instansi,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    body_hash=body_hash,
                )
        except IntegrityError:
            return _replay(instansi, key, body_hash)
        response = operation()
        record.response_status = response.status_code
        record.response_body = json.loads(JSONRenderer().render(response.data))
        record.save(update_fields=["response_status", "response_body"])
    response["Idempotency-Key"] = key
    return response


def _replay(instansi, key: str, body_hash: str) -> Response:
    record = IdempotencyRecord.objects.get(instansi=instansi, key=key)
    if record.body_hash != body_hash:
        raise IdempotencyMismatch(
            f"{HEADER} ini sudah dipakai untuk permintaan dengan isi atau alamat berbeda; "
            "gunakan kunci baru.",
            field=HEADER,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotency-Key"] = key
    response["Idempotent-Replayed"] = "true"
    return response
