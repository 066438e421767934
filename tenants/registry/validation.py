"""Checks on registry input that need more than a field type: NIP structure and SK PDF files."""

import datetime as dt
import re
from typing import IO

from django.conf import settings

from core.errors import SimpulError

NIP_RE = re.compile(r"^\d{18}$")
# The signed SK scan; PDFs above this are refused (settings may lower or raise it).
PDF_MAX_BYTES = getattr(settings, "SIMPUL_SK_PDF_MAX_BYTES", 10 * 1024 * 1024)
PNS_MIN_AGE_YEARS = 18


def validate_nip(nip: str, *, field: str = "nip", today: dt.date | None = None) -> str:
    """An 18-digit NIP: birth date yyyymmdd, appointment (TMT CPNS) yyyymm, gender 1/2, sequence.

    Returns the NIP without spaces; raises SimpulError naming what is wrong.
    """
    today = today or dt.date.today()
    nip = re.sub(r"[\s.]", "", nip or "")
    if not NIP_RE.match(nip):
        raise SimpulError(
            f"NIP harus 18 angka (diterima {len(nip)} karakter): tanggal lahir (8), "
            "bulan pengangkatan (6), jenis kelamin (1) dan nomor urut (3).",
            field=field,
        )
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise SimpulError(
            f"NIP {nip}: 8 angka pertama ({nip[0:8]}) bukan tanggal lahir yang sah (yyyymmdd).",
            field=field,
        ) from None
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise SimpulError(
            f"NIP {nip}: angka 9–14 ({nip[8:14]}) bukan bulan pengangkatan yang sah (yyyymm).",
            field=field,
        )
    if birth.year < 1940 or birth > today:
        raise SimpulError(
            f"NIP {nip}: tanggal lahir {birth:%d-%m-%Y} tidak masuk akal.", field=field
        )
    if (year, month) > (today.year, today.month):
        raise SimpulError(
            f"NIP {nip}: bulan pengangkatan {month:02d}/{year} belum terjadi.", field=field
        )
    if (year, month) < (birth.year + PNS_MIN_AGE_YEARS, birth.month):
        raise SimpulError(
            f"NIP {nip}: bulan pengangkatan {month:02d}/{year} kurang dari {PNS_MIN_AGE_YEARS} "
            f"tahun setelah tanggal lahir {birth:%d-%m-%Y}.",
            field=field,
        )
    if nip[14] not in "12":
        raise SimpulError(
            f"NIP {nip}: angka ke-15 ({nip[14]}) harus 1 (laki-laki) atau 2 (perempuan).",
            field=field,
        )
    if nip[15:18] == "000":
        raise SimpulError(f"NIP {nip}: nomor urut (3 angka terakhir) tidak boleh 000.", field=field)
    return nip


def validate_pdf(upload: IO[bytes] | None, *, field: str = "pdf") -> int:
    """The file is a real, readable PDF of at most PDF_MAX_BYTES (checked by content).

    Returns its page count; the file is left at its start, ready to be stored whole.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if upload is None:
        raise SimpulError("Berkas SK (PDF) wajib diunggah.", field=field)
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    limit_mb = PDF_MAX_BYTES / (1024 * 1024)
    if size > PDF_MAX_BYTES:
        raise SimpulError(
            f"Berkas SK terlalu besar ({size / (1024 * 1024):.1f} MB); batasnya {limit_mb:.0f} MB.",
            field=field,
        )
    if size == 0:
        raise SimpulError("Berkas SK kosong.", field=field)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        raise SimpulError(
            "Berkas SK bukan PDF (isinya tidak diawali tanda %PDF-); unggah hasil pindaian "
            "SK dalam format PDF.",
            field=field,
        )
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise SimpulError("Berkas SK terkunci kata sandi; unggah PDF tanpa kunci.", field=field)
        pages = len(reader.pages)
    except SimpulError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise SimpulError(
            "Berkas SK rusak atau tidak dapat dibaca sebagai PDF; unggah ulang berkasnya.",
            field=field,
        ) from None
    finally:
        upload.seek(0)
    if pages < 1:
        raise SimpulError("Berkas SK tidak memuat satu halaman pun.", field=field)
    return pages
