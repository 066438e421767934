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
    if translation.get_language() == "id":  # the usual case: no switch of language
        return formats.date_format(value, fmt)
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
def full_url(context, page) -> str:
    """The page's absolute URL, with the request's memoised site root paths (`page.full_url`
    reads them from the cache again for every page object)."""
    return page.get_full_url(context.get("request")) or ""


_filters: dict = {}


def _rendition(image, filter_spec: str):
    """Like Wagtail's image tags, with less work on every use: the filter is parsed once per
    process (Wagtail parses it again each time); a rendition prefetched with the image is not
    written back to the rendition cache (`get_rendition` writes every one it returns); any
    other comes from the tenant's memo, keyed by what makes it (image file, focal point,
    filter), instead of two cache round trips. A missing image file gives Wagtail's
    "not-found" rendition, as its tags do."""
    from wagtail.images.models import Filter
    from wagtail.images.shortcuts import get_renditions_or_not_found

    from cms.caching.memo import tenant_memo

    image_filter = _filters.get(filter_spec)
    if image_filter is None:
        image_filter = _filters.setdefault(filter_spec, Filter(spec=filter_spec))

    def find():
        return next(iter(get_renditions_or_not_found(image, [image_filter]).values()))

    # Renditions prefetched with the image (cms.selectors): Wagtail finds them without a query.
    if getattr(image, "prefetched_renditions", None) is not None:
        return find()
    key = ("rendition", image.pk, image.file.name, image_filter.get_cache_key(image), filter_spec)
    return tenant_memo(key, find)


@register.simple_tag
def img(image, filter_spec: str, **attrs):
    """`{% img page.image "width-960" alt=page.image_alt class="x" %}`: the same `<img>` as
    `{% image page.image width-960 alt=… class="x" %}` (see `_rendition`)."""
    if not image:
        return ""
    return _rendition(image, filter_spec).img_tag(attrs)


@register.simple_tag
def rendition(image, filter_spec: str):
    """`{% rendition page.image "fill-1200x630" as r %}`: as `{% image … as r %}`."""
    if not image:
        return None
    return _rendition(image, filter_spec)


@register.simple_tag(takes_context=True)
def site_identity(context):
    """The current instansi's IdentitySettings (logo and its renditions loaded), or None on
    the portal.

    Error pages extend the same base template, including the 503 page shown when the database
    is down, so a failing read gives None here instead of a second error.
    """
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return None
    from django.db import DatabaseError

    from cms.selectors import site_identity as load_site_identity

    try:
        return load_site_identity()  # logo and its renditions loaded, inside the guard
    except DatabaseError:
        return None


@register.simple_tag
def portal_url(path: str = "/") -> str:
    """The regency portal's address (the bare base domain)."""
    from django.conf import settings

    port = settings.SIMPUL_PUBLIC_PORT
    host = settings.SIMPUL_BASE_DOMAIN
    netloc = f"{host}:{port}" if port and port not in {"80", "443"} else host
    return f"{settings.SIMPUL_PUBLIC_SCHEME}://{netloc}{path}"


@register.tag
def shared(parser, token):
    """`{% shared "name" value … %}…{% endshared %}`: the enclosed part of the page, rendered
    once and reused by this process's requests of the same instansi (cms.caching's tenant memo)
    until it publishes or changes anything its pages show.

    Only for parts that are the same for every visitor: no form, no CSRF token, no user, no
    query string. What the part depends on besides the instansi's published content is given
    as values (the page's id, say), and the host is always part of the key. Outside a request
    served through the page cache's route (Wagtail previews, the admin, error pages), the part
    is rendered every time.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% shared %} needs a name")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class SharedNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        from django.core.exceptions import DisallowedHost

        from cms.caching.memo import tenant_memo

        try:
            host = request.get_host()
        except DisallowedHost:  # an error page for a host Django refuses: never shared
            return self.nodelist.render(context)
        key = ("shared", host, *(part.resolve(context) for part in self.key))
        return tenant_memo(key, lambda: self.nodelist.render(context))
