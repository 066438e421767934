"""Per-IP limits for the public inquiry forms and Open311, kept in the (schema-keyed) cache.

The forms allow SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR per address; Open311 uses the DRF `inquiry`
throttle rate (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["inquiry"], e.g. "20/hour"). When Redis
is unreachable the cache answers nothing and no limit applies: a citizen's inquiry is never
refused because the cache is down.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_ip(request) -> str:
    """The client's address by DRF's rule (REST_FRAMEWORK["NUM_PROXIES"]), as the API throttles
    see it: behind nginx the socket address is nginx's, so the forwarded one counts."""
    return BaseThrottle().get_ident(request) or "unknown"


def _rate(scope: str) -> tuple[int, int]:
    if scope == "form":
        return getattr(settings, "SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR", 10), 3600
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("inquiry", "20/hour")
    count, _, period = rate.partition("/")
    return int(count), PERIODS.get(period[:1], 3600)


def limit_reached(request, *, scope: str) -> bool:
    """Count one attempt for this IP and scope; True once the limit for the period is passed."""
    limit, seconds = _rate(scope)
    key = f"inbox:ratelimit:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return bool(count) and count > limit
