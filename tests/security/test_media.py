"""Media under /media/<schema>/: only the host's own folder, only its public folders, and no
path (`..`, encoded or not) climbs from one instansi's folder into another's."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _forget_media_root() -> None:
    # django-tenants' storage caches MEDIA_ROOT and misses the setting_changed signal.
    from django.core.files.storage import default_storage
    from django.utils.functional import empty

    storage = default_storage._wrapped
    if storage is not empty:
        for attr in ("relative_media_root", "relative_media_url"):
            storage.__dict__.pop(attr, None)


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A temporary MEDIA_ROOT (one folder per schema, as in production)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _forget_media_root()
    yield Path(settings.MEDIA_ROOT)
    _forget_media_root()


def _put(root: Path, relative: str, data: bytes = b"isi") -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.fixture
def private_document(media_root):
    """A PDF in humas' collection "Internal", which only signed-in users may see."""
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    with schema_context("humas"):
        internal = Collection.get_first_root_node().add_child(name="Internal")
        CollectionViewRestriction.objects.create(
            collection=internal, restriction_type=CollectionViewRestriction.LOGIN
        )
        document = Document(title="Nota dinas internal", collection=internal)
        document.file.save("nota-dinas-internal.pdf", ContentFile(PDF), save=False)
        document.save()
    return document


def test_a_private_document_is_served_only_through_wagtails_check(private_document):
    client = tenant_client("humas")
    file_name = private_document.file.name.rsplit("/", 1)[-1]
    assert private_document.file.name == f"documents/{file_name}"

    served = client.get(f"/documents/{private_document.pk}/{file_name}")
    assert served.status_code == 302
    assert "login" in served["Location"]

    assert client.get(f"/media/humas/documents/{file_name}").status_code == 404


def test_no_document_is_served_from_media_even_a_public_one(media_root):
    from wagtail.documents.models import Document

    with schema_context("humas"):
        document = Document(title="Laporan tahunan")
        document.file.save("laporan-tahunan.pdf", ContentFile(PDF), save=False)
        document.save()
    client = tenant_client("humas")
    name = document.file.name.rsplit("/", 1)[-1]
    assert client.get(f"/documents/{document.pk}/{name}").status_code == 200
    assert client.get(f"/media/humas/{document.file.name}").status_code == 404


def test_console_exports_are_not_served_from_media(media_root):
    _put(media_root, "diskominfo/evaluasi/laporan-2026-1.zip")
    client = tenant_client("diskominfo")
    assert client.get("/media/diskominfo/evaluasi/laporan-2026-1.zip").status_code == 404


def test_public_images_and_decrees_are_still_served_on_their_own_host(media_root):
    _put(media_root, "humas/original_images/foto.png")
    _put(media_root, "humas/images/foto.width-400.png")
    _put(media_root, "humas/registri/sk/2026/sk-akun.pdf", PDF)
    client = tenant_client("humas")
    for path in (
        "/media/humas/original_images/foto.png",
        "/media/humas/images/foto.width-400.png",
        "/media/humas/registri/sk/2026/sk-akun.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)
    assert tenant_client("dinkes").get("/media/humas/original_images/foto.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/dinkes/../humas/original_images/foto.png",
        "/media/dinkes/..%2fhumas/original_images/foto.png",
        "/media/dinkes/..%2Fhumas/registri/sk/2026/sk-akun.pdf",
        "/media/dinkes/%2e%2e/humas/original_images/foto.png",
        "/media/dinkes/%252e%252e%252fhumas/original_images/foto.png",
        "/media/dinkes/original_images/../../humas/original_images/foto.png",
        "/media/dinkes/original_images/..%5c..%5chumas/original_images/foto.png",
        "/media/dinkes/./original_images/foto.png",
        "/media/dinkes//original_images/foto.png",
    ],
)
def test_no_path_climbs_into_another_instansis_folder(media_root, path):
    _put(media_root, "humas/original_images/foto.png")
    _put(media_root, "humas/registri/sk/2026/sk-akun.pdf", PDF)
    _put(media_root, "dinkes/original_images/foto.png")
    assert tenant_client("dinkes").get(path).status_code == 404


def test_public_media_path_rule():
    from simpul.views import public_media_path

    assert public_media_path("humas/original_images/a.png", "humas") == (
        "humas/original_images/a.png"
    )
    for bad in (
        "humas/documents/a.pdf",
        "humas/../humas/original_images/a.png",
        "humas/original_images/%2e%2e/x.png",
        "humas/original_images/a\x00.png",
        "dinkes/original_images/a.png",
        "humas",
        "humas/",
    ):
        assert public_media_path(bad, "humas") is None, bad
