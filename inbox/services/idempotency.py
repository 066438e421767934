"""Housekeeping of the API's Idempotency-Key answers (inbox/api/idempotency.py stores them)."""

from datetime import timedelta

from django.utils import timezone

from ..models import IdempotencyRecord

# Clients retry within minutes; a week covers an app that was offline over a long weekend.
IDEMPOTENCY_KEEP_DAYS = 7


def idempotency_records_delete_expired(*, keep_days: int = IDEMPOTENCY_KEEP_DAYS) -> int:
    """Forget the answers older than `keep_days`: a retry after that is a new request.
    Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
