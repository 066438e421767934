"""Registry test fixtures: run a test inside an instansi's schema, as that instansi's admin."""

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def in_humas(db):
    """Run the test body in humas' schema; yields its admin user (the actor)."""
    from django.contrib.auth import get_user_model

    with schema_context("humas"):
        yield get_user_model().objects.get(username="admin")


def _forget_media_root() -> None:
    # django-tenants' storage caches MEDIA_ROOT and misses the setting_changed signal.
    from django.core.files.storage import default_storage
    from django.utils.functional import empty

    storage = default_storage._wrapped
    if storage is not empty:
        for attr in ("relative_media_root", "relative_media_url"):
            storage.__dict__.pop(attr, None)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """SK files land in a temporary media folder (still one folder per schema)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _forget_media_root()
    yield
    _forget_media_root()
