"""Per-client limits for the public inquiry forms and Open311, counted regency-wide.

The forms allow SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR per client; Open311's POST uses the DRF
`inquiry` throttle rate and its listing the `anon` rate (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
e.g. "20/hour", "120/min"). One count per client and scope for the whole regency: the portal
and every instansi host add to the same counter, so a client cannot multiply its allowance by
the number of hosts. The counters live in the `regency` cache alias, whose keys are not
prefixed by schema (the default alias' keys are, by django-tenants' make_key). When Redis is
unreachable the cache answers nothing and no limit applies: a citizen's inquiry is never
refused because the cache is down.
"""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Scope -> the DRF throttle rate it uses ("form" has a setting of its own).
THROTTLE_RATE_OF_SCOPE = {"open311": "inquiry", "open311_read": "anon"}
REGENCY_CACHE = "regency"


def client_ip(request) -> str:
    """The client's address by DRF's rule (REST_FRAMEWORK["NUM_PROXIES"]), as the API throttles
    see it: behind nginx the socket address is nginx's, so the forwarded one counts."""
    return BaseThrottle().get_ident(request) or "unknown"


# Scopes counted at the public forms' rate: the inquiry form, and the tracking page's rating
# and follow-up forms (a budget of their own, so rating an answer never uses up asking).
FORM_SCOPES = ("form", "tracking")


def _rate(scope: str) -> tuple[int, int]:
    if scope in FORM_SCOPES:
        return getattr(settings, "SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR", 10), 3600
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    rate = rates.get(THROTTLE_RATE_OF_SCOPE[scope]) or "20/hour"
    count, _, period = rate.partition("/")
    return int(count), PERIODS.get(period[:1], 3600)


def limit_reached(request, *, scope: str) -> bool:
    """Count one attempt for this client and scope; True once the limit for the period is
    passed, on whichever host of the regency the attempts were made."""
    limit, seconds = _rate(scope)
    cache = caches[REGENCY_CACHE]
    key = f"inbox:ratelimit:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return bool(count) and count > limit
