"""The private Django, Wagtail and treebeard names the project still relies on, in one place.

Each is an undocumented name an upgrade may rename or remove without notice; when that
happens, tests/cms/test_internals.py fails for the name. Everything else the caches do goes
through public APIs (`Site.find_for_request`, `QuerySet.none`, `request.get_host`).

Checked on Django 5.2.19, Wagtail 8.0.1, django-treebeard 5.3.1 (CHECKED_ON).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Internal:
    name: str  # the private name
    owner: str  # the class (dotted path) that defines or reads it
    used_in: str  # where the project uses it
    used_for: str


CHECKED_ON = {"django": "5.2.19", "wagtail": "8.0.1", "django-treebeard": "5.3.1"}

PRIVATE_INTERNALS: tuple[Internal, ...] = (
    Internal(
        name="_wagtail_site",
        owner="wagtail.models.Site",  # find_for_request() keeps its answer on the request
        used_in="cms.caching.sites.prime_wagtail_site",
        used_for="the request's site from the tenant memo: Wagtail asks for it on every page "
        "(routing, settings, URLs), a query each time otherwise",
    ),
    Internal(
        name="_wagtail_cached_site_root_paths",
        owner="wagtail.models.Page",  # _get_site_root_paths() keeps its answer on the request
        used_in="cms.caching.sites.prime_wagtail_site",
        used_for="the sites' root paths from the tenant memo: every page URL a template "
        "writes reads them, a cache round trip per request otherwise",
    ),
    Internal(
        name="_get_site_root_paths",
        owner="wagtail.models.Page",
        used_in="cms.caching.sites (through Wagtail)",
        used_for="the reader of `_wagtail_cached_site_root_paths` on the request",
    ),
    Internal(
        name="fields_cache",
        owner="django.db.models.base.ModelState",  # the instance's cache of related objects
        used_in="cms.caching.copies.request_copy",
        used_for="a page copied for one request gets its own cache of related objects (what "
        "`copy.copy` of an instance does, at a third of the cost)",
    ),
    Internal(
        name="_cache",
        owner="django.contrib.contenttypes.models.ContentTypeManager",
        used_in="core.content_types.install_schema_content_type_cache (CoreConfig.ready)",
        used_for="content types kept per schema: django-tenants clears Django's one cache on "
        "every schema switch, and a page's `.specific` would cost a query per request",
    ),
    Internal(
        name="_cached_parent_obj",
        owner="treebeard.mp_tree.MP_Node",  # get_parent() returns it without a query
        used_in="cms.wordpress.services._add_child",
        used_for="a page added by the WordPress import knows its parent without a query",
    ),
    Internal(
        name="_inc_path",
        owner="treebeard.mp_tree.MP_Node",
        used_in="cms.wordpress.services._add_child",
        used_for="the next free tree path under a parent, without treebeard's add_child",
    ),
    Internal(
        name="_get_path",
        owner="treebeard.mp_tree.MP_Node",
        used_in="cms.wordpress.services._add_child",
        used_for="the first tree path under a parent, without treebeard's add_child",
    ),
    Internal(
        name="prefetched_renditions",
        owner="wagtail.images.models.AbstractImage",  # read by get_renditions(); undocumented
        used_in="cms.selectors (prefetch to_attr), cms.templatetags.cms_tags._rendition",
        used_for="renditions prefetched with their images: Wagtail finds them without a query",
    ),
)
