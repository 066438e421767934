"""Documents uploaded in the admin are checked by their content, not by their file name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def _zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            method = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
    stored_first="mimetype",
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(name: str, content: bytes):
    from wagtail.documents.models import Document
    from wagtail.models import Collection

    client = login_client("humas")
    with schema_context("humas"):
        root = Collection.get_first_root_node().pk
        before = Document.objects.count()
    response = client.post(
        "/admin/documents/add/",
        {"title": f"Uji {name}", "collection": root, "file": SimpleUploadedFile(name, content)},
    )
    with schema_context("humas"):
        stored = Document.objects.count() - before
    return response, stored


@pytest.mark.parametrize(
    "name,content",
    [
        ("laporan.pdf", PDF),
        ("surat.docx", DOCX),
        ("rekap.xlsx", XLSX),
        ("notulen.odt", ODT),
        ("data.csv", "nama;jumlah\nPuskesmas Ñ;12\n".encode()),
        ("catatan.txt", b"Jadwal layanan Sabtu 08.00-12.00\n"),
    ],
)
def test_real_documents_are_accepted(name, content):
    response, stored = _upload(name, content)
    assert response.status_code == 302, response.content.decode()[:500]
    assert stored == 1


@pytest.mark.parametrize(
    "name,content",
    [
        ("laporan.pdf", b"<html><script>alert(1)</script></html>"),
        ("surat.docx", b"MZ\x90\x00\x03\x00\x00\x00 executable"),
        ("surat.docx", XLSX),  # a spreadsheet named as a Word document
        ("rekap.xlsx", _zip({"readme.txt": b"just a zip"})),
        ("notulen.odt", DOCX),
        ("data.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(name, content):
    response, stored = _upload(name, content)
    assert response.status_code == 200
    assert "bukan" in response.content.decode() and "seperti nama berkasnya" in (
        response.content.decode()
    )
    assert stored == 0
