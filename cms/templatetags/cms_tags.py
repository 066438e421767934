"""Template helpers of the public website: Indonesian dates in the regency's time zone."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone, translation

register = template.Library()


@register.filter
def tanggal(value, fmt: str = "j F Y") -> str:
    """`12 Maret 2026` (or `12 Maret 2026 14.05` with fmt "j F Y H.i"), always in Indonesian.

    Datetimes are shown in the regency's time zone (settings.TIME_ZONE), whatever language the
    visitor's browser asks for.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    elif not isinstance(value, date):
        return str(value)
    with translation.override("id"):
        return formats.date_format(value, fmt)


@register.filter
def iso_datetime(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    return value.isoformat()


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.simple_tag(takes_context=True)
def site_identity(context):
    """The current instansi's IdentitySettings (logo loaded), or None on the portal.

    Error pages extend the same base template, including the 503 page shown when the database
    is down, so a failing read gives None here instead of a second error.
    """
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return None
    from django.db import DatabaseError

    from cms.models import IdentitySettings

    try:
        identity = IdentitySettings.load(request_or_site=request)
        _ = identity.logo  # fetch now, inside the guard
    except DatabaseError:
        return None
    return identity


@register.simple_tag
def portal_url(path: str = "/") -> str:
    """The regency portal's address (the bare base domain)."""
    from django.conf import settings

    port = settings.SIMPUL_PUBLIC_PORT
    host = settings.SIMPUL_BASE_DOMAIN
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.SIMPUL_PUBLIC_SCHEME}://{netloc}{path}"
