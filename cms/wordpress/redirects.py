"""Old WordPress addresses that end in a query string (`/?p=123`, `/?page_id=7`).

Wagtail's redirect middleware looks redirects up only for 404 responses, and `/` answers 200
(the home page) whatever its query string, so these addresses never reach it: the site's page
route asks here first, and only when the query names one of WordPress's own keys.
"""

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect

WORDPRESS_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "m", "author")


def wordpress_query_redirect(request):
    """The redirect response for a WordPress query address on the home path, else None."""
    if request.path != "/" or not request.GET:
        return None
    keys = [key for key in WORDPRESS_KEYS if key in request.GET]
    if not keys:
        return None
    key = keys[0]
    path = Redirect.normalise_path(f"/?{key}={request.GET[key]}", decode_unicode=False)
    redirect = get_redirect(request, path)
    if redirect is None or redirect.link is None:
        return None
    if redirect.is_permanent:
        return HttpResponsePermanentRedirect(redirect.link)
    return HttpResponseRedirect(redirect.link)


def with_wordpress_redirects(view):
    """Wrap the page route: a WordPress query address redirects before any page is served."""

    def wrapped(request, *args, **kwargs):
        response = wordpress_query_redirect(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
