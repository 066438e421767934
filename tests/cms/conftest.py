"""Fixtures of the website tests: a fresh page-cache generation per test, news factories."""

import pytest
from django_tenants.utils import schema_context

TEST_SLUGS = ("humas", "dinkes", "disdik", "diskominfo")


@pytest.fixture(autouse=True)
def _fresh_page_cache(db):
    """Tests write in rolled-back transactions whose on_commit never runs: start each test
    with an empty page cache so no page rendered by an earlier test is served."""
    from cms import cache

    for slug in TEST_SLUGS:
        with schema_context(slug):
            cache.invalidate()
    yield
