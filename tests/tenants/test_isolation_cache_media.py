"""A cache entry or an uploaded file of one instansi is invisible from another."""

import io

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context
from PIL import Image as PILImage

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("alias", ["default", "renditions"])
def test_cache_entries_are_keyed_by_schema(alias):
    cache = caches[alias]
    with schema_context("humas"):
        cache.set("kunci-uji", "milik humas", 30)
        assert cache.get("kunci-uji") == "milik humas"
    with schema_context("dinkes"):
        assert cache.get("kunci-uji") is None
        cache.set("kunci-uji", "milik dinkes", 30)
    with schema_context("humas"):
        assert cache.get("kunci-uji") == "milik humas"
        cache.delete("kunci-uji")
    with schema_context("dinkes"):
        cache.delete("kunci-uji")


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_uploaded_image_lives_in_its_schema_folder_and_is_served_only_there():
    from wagtail.images.models import Image

    with schema_context("humas"):
        image = Image(title="Logo rahasia humas", file=ContentFile(_png(), name="logo-humas.png"))
        image.save()
        url = image.file.url
        name = image.file.name
        assert url.startswith("/media/humas/")
        assert default_storage.exists(name)
    with schema_context("dinkes"):
        assert not default_storage.exists(name)
        assert Image.objects.filter(title="Logo rahasia humas").count() == 0
    assert tenant_client("humas").get(url).status_code == 200
    assert tenant_client("dinkes").get(url).status_code == 404
    with schema_context("humas"):
        image.file.delete(save=False)
