"""`ContentType.objects`' cache kept per schema, installed at start-up in every process.

Content type ids differ between schemas (the public schema's and an instansi's come from
different migrations, and `get_for_model` creates missing rows on the fly, per schema), so
django-tenants clears Django's single cache on every schema switch, and every request paid a
`django_content_type` query again (a page's `.specific` needs it). Keyed by (database alias,
schema of this thread's connection) the entries of two schemas never mix, also between threads
of one process serving different schemas.

`CoreConfig.ready()` installs it, so web processes, Celery workers and commands run with the
same cache whatever they import. A schema switch made inside `keeping_content_types()` (the
request middleware's, the read replica's) keeps the entries; any other `clear_cache()`
(migrations, tests, `schema_context`) drops all of them, as Django's own cache would.

It replaces a private attribute of Django's manager (`ContentTypeManager._cache`, listed in
cms.caching.internals with the test that checks it on each upgrade).
"""

import threading
from contextlib import contextmanager

from django.db import connections

_switching = threading.local()


class SchemaContentTypeCache:
    """Django's `{alias: {key: content type}}` cache, with one such mapping per schema."""

    def __init__(self):
        self._caches: dict[tuple[str, str | None], dict] = {}

    @staticmethod
    def _key(alias: str) -> tuple[str, str | None]:
        return alias, getattr(connections[alias], "schema_name", None)

    def __getitem__(self, alias: str) -> dict:
        return self._caches[self._key(alias)]

    def __contains__(self, alias: str) -> bool:
        return self._key(alias) in self._caches

    def get(self, alias: str, default=None):
        return self._caches.get(self._key(alias), default)

    def setdefault(self, alias: str, default: dict) -> dict:
        return self._caches.setdefault(self._key(alias), default)

    def clear(self) -> None:
        if getattr(_switching, "active", False):
            return
        self._caches.clear()


def install_schema_content_type_cache() -> None:
    from django.contrib.contenttypes.models import ContentType

    if not isinstance(ContentType.objects._cache, SchemaContentTypeCache):
        ContentType.objects._cache = SchemaContentTypeCache()


@contextmanager
def keeping_content_types():
    """Schema switches made here keep the per-schema content types (nothing to clear)."""
    _switching.active = True
    try:
        yield
    finally:
        _switching.active = False
