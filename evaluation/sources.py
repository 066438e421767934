"""The only place evaluation reads other areas: one function per selector, None if absent.

The selectors are imported directly, so a renamed or removed one fails when Simpul starts, not
as "belum tersedia" in a report. `SELECTORS` names each source; a source deliberately absent
(None) and a source whose query fails return None, so reports and the console say "belum
tersedia" instead of showing a zero. Tenant-schema selectors (registry, SOP) run inside the
instansi's schema; public-schema ones (news index, inbox, feedback) take the instansi.
"""

import datetime
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from cms.portal import selectors as portal_selectors
from core.freshness import newest
from inbox import selectors as inbox_selectors
from sop import selectors as sop_selectors
from tenants.models import Instansi
from tenants.registry import selectors as registry_selectors

logger = logging.getLogger("simpul.evaluation")

SELECTORS: dict[str, Callable[..., Any] | None] = {
    "registry_health": registry_selectors.registry_health,
    "audience_total": registry_selectors.audience_total,
    "news_counts": portal_selectors.news_counts,
    "inquiry_stats": inbox_selectors.inquiry_stats,
    "feedback_summary": inbox_selectors.feedback_summary,
    "inquiry_feedback_figures": inbox_selectors.inquiry_feedback_figures,
    "sop_stats": sop_selectors.sop_stats,
}


def available(name: str) -> bool:
    return SELECTORS[name] is not None


def _call(name: str, schema: str | None, **kwargs: Any) -> Any:
    func = SELECTORS[name]
    if func is None:
        return None
    try:
        # A savepoint, so a failing selector never breaks the caller's transaction.
        with transaction.atomic():
            if schema is None:
                return func(**kwargs)
            with schema_context(schema):
                return func(**kwargs)
    except DatabaseError:
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
    # The citizens' word on the answers: average rating (1–5) and the share reopened.
    figures = _call("inquiry_feedback_figures", None, instansi=instansi, start=start, end=end)
    for key in ("rating_average", "reopen_rate"):
        data[key] = figures.get(key) if figures else None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


# --- when the sources last changed (the console's freshness) ----------------------------------
# None may import evaluation to notify it, so the beat compares, per instansi, the newest
# timestamps of the rows the figures come from (each area's "last change" selector) with the
# snapshot's time. Deleted rows are not seen here: the hourly full refresh covers them (and
# figures that move with the calendar, such as an SK expiring).


def last_changes(instansi_list: list[Instansi]) -> dict[int, datetime.datetime | None]:
    """{instansi id: newest timestamp among the rows its figures come from} (None: no rows).

    Public tables: one grouped query per table for every instansi; tenant tables: one query
    per table in each schema (the beat runs this once a minute, requests never do)."""
    ids = [i.pk for i in instansi_list]
    inbox = inbox_selectors.inbox_last_changes(instansi_ids=ids)
    news = portal_selectors.news_last_changes(instansi_ids=ids)
    return {
        inst.pk: newest(inbox[inst.pk], news[inst.pk], tenant_last_change(inst))
        for inst in instansi_list
    }


def tenant_last_change(instansi: Instansi) -> datetime.datetime | None:
    """The newest change among the instansi's own-schema rows (registry, SOP)."""
    with schema_context(instansi.schema_name):
        return newest(registry_selectors.registry_last_change(), sop_selectors.sop_last_change())
