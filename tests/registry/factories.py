"""Factories for registry tests: real PDFs made with reportlab, SK and accounts via services."""

import datetime as dt
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

_numbers = itertools.count(1)
SIGNER_NIP = "197001012000031001"
PETUGAS_NIP = "199005152015032002"


def pdf_bytes(text: str = "Keputusan Kepala Instansi") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_upload(name: str = "sk.pdf", text: str = "Keputusan Kepala Instansi"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def decree_fields(**overrides) -> dict:
    n = next(_numbers)
    fields = {
        "number": f"800/{n:03d}/SK/2026",
        "date": dt.date(2026, 1, 5),
        "title": "Penetapan Akun Resmi Media Sosial dan Petugas Pengelola",
        "signer_name": "Drs. Kepala Instansi",
        "signer_nip": SIGNER_NIP,
        "effective_date": dt.date(2026, 1, 6),
    }
    fields.update(overrides)
    return fields


def make_decree(actor=None, **overrides):
    from tenants.registry.services import decree_create

    fields = decree_fields(**overrides)
    fields.setdefault("pdf", pdf_upload())
    return decree_create(actor=actor, **fields)


def make_account(decree, actor=None, **overrides):
    from tenants.registry.platforms import UrlError, normalize_url, platform_for_url
    from tenants.registry.services import account_create

    fields = {
        "platform": "instagram",
        "url": f"https://instagram.com/akun{next(_numbers)}",
        "display_name": "Akun Resmi",
    }
    if "url" in overrides and "platform" not in overrides:
        try:
            spec = platform_for_url(normalize_url(overrides["url"]))
        except UrlError:
            spec = None
        fields["platform"] = spec.code if spec else "instagram"
    fields.update(overrides)
    return account_create(actor=actor, decree=decree, **fields)
