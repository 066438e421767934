"""NIP structure and SK PDF checks (by content, with a size limit)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import SimpulError
from tenants.registry import validation
from tenants.registry.validation import validate_nip, validate_pdf
from tests.registry.factories import pdf_bytes

TODAY = dt.date(2026, 11, 23)


def test_valid_nip_passes_and_spaces_are_dropped():
    assert validate_nip("19900515 201503 2 002", today=TODAY) == "199005152015032002"


@pytest.mark.parametrize(
    "nip,fragment",
    [
        ("12345", "18 angka"),
        ("19900515201503200A", "18 angka"),
        ("199013152015032002", "tanggal lahir"),  # month 13
        ("199002302015032002", "tanggal lahir"),  # 30 February
        ("199005152015132002", "bulan pengangkatan"),  # month 13
        ("199005152030012002", "belum terjadi"),  # appointed in the future
        ("199005152000012002", "kurang dari 18 tahun"),  # appointed at age 9
        ("199005152015033002", "angka ke-15"),  # gender digit 3
        ("199005152015032000", "000"),
    ],
)
def test_bad_nip_gets_a_clear_message(nip, fragment):
    with pytest.raises(SimpulError) as exc:
        validate_nip(nip, today=TODAY)
    assert fragment in exc.value.message
    assert exc.value.field == "nip"


def test_real_pdf_passes():
    data = pdf_bytes()
    upload = SimpleUploadedFile("sk.pdf", data)
    assert validate_pdf(upload) == 1  # accepted, with its one page counted
    # Left at its start, so what is stored afterwards is the whole file.
    assert upload.tell() == 0 and upload.read() == data


@pytest.mark.parametrize(
    "content,fragment",
    [
        (b"", "kosong"),
        (b"<html>sk</html>", "bukan PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "bukan PDF"),
        (b"%PDF-1.4\nini bukan isi pdf sungguhan\n%%EOF", "rusak"),
    ],
)
def test_non_pdf_content_is_refused_whatever_its_name(content, fragment):
    with pytest.raises(SimpulError) as exc:
        validate_pdf(SimpleUploadedFile("sk.pdf", content, content_type="application/pdf"))
    assert fragment in exc.value.message


def test_oversized_pdf_is_refused(monkeypatch):
    data = pdf_bytes()
    monkeypatch.setattr(validation, "PDF_MAX_BYTES", len(data) - 1)
    with pytest.raises(SimpulError, match="terlalu besar"):
        validate_pdf(SimpleUploadedFile("sk.pdf", data))


def test_plain_file_objects_work_too():
    data = pdf_bytes()
    handle = io.BytesIO(data)
    handle.seek(len(data) // 2)  # wherever the caller left it: the size is read, not assumed
    assert validate_pdf(handle) == 1
    assert handle.tell() == 0 and handle.read() == data
