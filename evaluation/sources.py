"""The only place evaluation reads other areas: one function per agreed selector, None if absent.

A source that does not exist yet (or fails) returns None, so reports and the console say
"belum tersedia" instead of showing a zero. Tenant-schema selectors (registry, SOP) run inside
the instansi's schema; public-schema ones (news index, inbox, feedback) take the instansi.
"""

import datetime
import json
import logging
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Instansi

logger = logging.getLogger("simpul.evaluation")

SELECTORS = {
    "registry_health": ("tenants.registry.selectors", "registry_health"),
    "audience_total": ("tenants.registry.selectors", "audience_total"),
    "news_counts": ("cms.portal.selectors", "news_counts"),
    "inquiry_stats": ("inbox.selectors", "inquiry_stats"),
    "feedback_summary": ("inbox.selectors", "feedback_summary"),
    "sop_stats": ("sop.selectors", "sop_stats"),
}


def _selector(name: str) -> Callable[..., Any] | None:
    module_name, attr = SELECTORS[name]
    try:
        module = import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attr, None)


def available(name: str) -> bool:
    return _selector(name) is not None


def _call(name: str, schema: str | None, **kwargs: Any) -> Any:
    func = _selector(name)
    if func is None:
        return None
    try:
        # A savepoint, so a failing selector never breaks the caller's transaction.
        with transaction.atomic():
            if schema is None:
                return func(**kwargs)
            with schema_context(schema):
                return func(**kwargs)
    except (DatabaseError, LookupError, TypeError, ValueError, AttributeError):
        logger.exception("source %s failed for %s", name, schema or kwargs.get("instansi"))
        return None


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January of `year`, 1 January of the next year), midnight in the regency's time zone."""
    tz = timezone.get_default_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def registry_health(instansi: Instansi, *, today: datetime.date | None = None) -> dict | None:
    return _call("registry_health", instansi.schema_name, today=today)


def audience_total(instansi: Instansi, *, year: int) -> int | None:
    return _call("audience_total", instansi.schema_name, year=year)


def news_counts(instansi: Instansi, *, year: int) -> dict | None:
    start, end = year_bounds(year)
    return _call("news_counts", None, instansi=instansi, start=start, end=end)


def inquiry_stats(instansi: Instansi, *, year: int) -> dict | None:
    start, end = year_bounds(year)
    return _call("inquiry_stats", None, instansi=instansi, start=start, end=end)


def sop_stats(instansi: Instansi, *, year: int) -> dict | None:
    start, end = year_bounds(year)
    return _call("sop_stats", instansi.schema_name, start=start, end=end)


# What the report uses of the feedback analysis: counts and the pejabat's recommendations. The
# notable items quote citizens' messages and stay in the inbox.
FEEDBACK_KEYS = ("total", "by_kind", "kind_labels", "by_topic", "by_channel", "channel_labels")
RECOMMENDATION_KEYS = ("period_start", "period_end", "findings", "recommendations", "follow_up")


def feedback_summary(instansi: Instansi, *, year: int) -> dict | None:
    """Pasal 9h–i for the year, JSON-ready (snapshots and reports store it as it is)."""
    start, end = year_bounds(year)
    summary = _call("feedback_summary", None, instansi=instansi, start=start, end=end)
    if summary is None:
        return None
    data = {key: summary.get(key) for key in FEEDBACK_KEYS}
    data["recommendations"] = [
        {key: rec.get(key) for key in (*RECOMMENDATION_KEYS, "recorded_by_name")}
        for rec in summary.get("recommendations") or []
    ]
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))
