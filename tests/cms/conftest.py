"""Fixtures of the website tests: a fresh page-cache generation per test, news factories."""

import pytest
from django_tenants.utils import schema_context

TEST_SLUGS = ("humas", "dinkes", "disdik", "diskominfo")


@pytest.fixture(autouse=True)
def _fresh_page_cache(db, monkeypatch):
    """Tests write in rolled-back transactions whose on_commit never runs: start each test
    with an empty page cache so no page rendered by an earlier test is served.

    The tenant memo stays on inside the test's transaction (as it is outside one in
    production), so these tests cover it too; it is emptied before and after each test, whose
    rows are rolled back."""
    from cms.caching import generation, memo

    for slug in TEST_SLUGS:
        with schema_context(slug):
            generation.invalidate()
    memo.forget_memo()
    monkeypatch.setattr(memo, "memo_in_transactions", True)
    yield
    memo.forget_memo()
