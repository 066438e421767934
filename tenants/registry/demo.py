"""Demo registry content for `provision_demo`: one SK with its PDF, accounts and appointments."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import SuratKeputusan
from .services import account_create, appointment_create, audience_record, decree_create

DEMO_SIGNER_NIP = "197208172000031003"
DEMO_PETUGAS_NIP = "199103212015032001"


def _sk_pdf(instansi, number: str) -> SimpleUploadedFile:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(72, 770, f"KEPUTUSAN KEPALA {instansi.name.upper()}")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 750, f"NOMOR {number}")
    pdf.drawString(72, 730, "TENTANG PENETAPAN AKUN RESMI MEDIA SOSIAL DAN PETUGAS PENGELOLA")
    pdf.drawString(72, 700, "(dokumen contoh untuk demo Simpul)")
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile("sk-demo.pdf", buffer.getvalue(), content_type="application/pdf")


def create_demo_registry(instansi) -> None:
    """Idempotent: does nothing when the instansi already has an SK."""
    if SuratKeputusan.objects.exists():
        return
    today = dt.date.today()
    number = f"800/{instansi.schema_name.upper()}/SK/{today.year}"
    decree = decree_create(
        actor=None,
        number=number,
        date=today.replace(month=1, day=2),
        title="Penetapan Akun Resmi Media Sosial dan Petugas Pengelola",
        signer_name=f"Kepala {instansi.display_name}",
        signer_nip=DEMO_SIGNER_NIP,
        effective_date=today.replace(month=1, day=2),
        pdf=_sk_pdf(instansi, number),
    )
    slug = instansi.schema_name
    accounts = [
        account_create(
            actor=None,
            decree=decree,
            platform=platform,
            handle=f"{slug}kabsimpul",
            display_name=f"{instansi.display_name} Kabupaten Simpul",
            audience_note="Warga kabupaten, media, pemangku kepentingan",
        )
        for platform in ("instagram", "facebook", "x")
    ]
    appointment_create(
        actor=None,
        decree=decree,
        person_name="Rina Lestari, S.I.Kom.",
        nip=DEMO_PETUGAS_NIP,
        position="Pranata Hubungan Masyarakat",
        role="petugas",
        account_ids=[a.pk for a in accounts],
    )
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if last_month >= decree.effective_date.replace(day=1):
        for n, account in enumerate(accounts):
            audience_record(actor=None, account=account, month=last_month, followers=1200 + n * 350)
