"""Demo step of the inbox, run inside a demo instansi's schema; the form page's provisioning
step is inbox.pages' (`create_inquiry_form_page`, imported from here by its callers too)."""

from .pages.provisioning import create_inquiry_form_page

__all__ = ["create_inquiry_form_page", "demo_form_page"]

DEMO_QUESTION = "Kapan jadwal vaksinasi anak sekolah di Puskesmas Kota?"


def demo_form_page(instansi) -> None:
    """Demo step: every demo instansi gets its form page (also for sites built earlier); once
    humas, dinkes and disdik exist, humas gets inquiries in each state of Lampiran B."""
    create_inquiry_form_page(instansi)
    _demo_inquiries()


def _demo_inquiries() -> None:
    from tenants.selectors import instansi_get

    from . import services
    from .models import Inquiry

    humas, dinkes, disdik = (instansi_get(s) for s in ("humas", "dinkes", "disdik"))
    if None in (humas, dinkes, disdik) or Inquiry.objects.filter(body=DEMO_QUESTION).exists():
        return
    from .selectors import official_account_choices

    # Received on humas's Instagram when its registry is there (demo order), else on its site.
    instagram = next(
        (a for a in official_account_choices(instansi=humas) if a.platform == "instagram"), None
    )
    full = services.inquiry_create(
        actor=None,
        instansi=humas,
        kind="pertanyaan",
        channel="akun_resmi" if instagram else "situs",
        official_account=instagram.account_id if instagram else None,
        body=DEMO_QUESTION,
        citizen_name="Siti Aminah",
        citizen_contact="siti@example.org",
    )
    referral = services.inquiry_refer(
        actor=None,
        instansi=humas,
        inquiry_id=full.pk,
        to_instansi=dinkes,
        note="Mohon jadwal terbaru.",
    )
    services.referral_answer(
        actor=None,
        instansi=dinkes,
        referral_id=referral.pk,
        answer="Setiap Selasa pukul 08.00 di Puskesmas Kota.",
        answered_by_name="dr. Budi Santoso",
    )
    services.inquiry_reply(
        actor=None,
        instansi=humas,
        inquiry_id=full.pk,
        reply="Vaksinasi anak sekolah setiap Selasa pukul 08.00 di Puskesmas Kota.",
    )
    services.inquiry_set_topics(
        actor=None, instansi=humas, inquiry_id=full.pk, topics=["vaksinasi", "sekolah"]
    )
    pending = services.inquiry_create(
        actor=None,
        instansi=humas,
        kind="kritik",
        channel="situs",
        body="Antrean pendaftaran sekolah terlalu panjang, mohon dibuka loket tambahan.",
    )
    services.inquiry_refer(
        actor=None, instansi=humas, inquiry_id=pending.pk, to_instansi=disdik, note="Keluhan PPDB"
    )
    direct = services.inquiry_create(
        actor=None,
        instansi=humas,
        kind="saran",
        channel="telepon",
        body="Mohon siaran langsung rapat paripurna di kanal YouTube.",
    )
    services.inquiry_answer(
        actor=None,
        instansi=humas,
        inquiry_id=direct.pk,
        answer="Terima kasih, siaran langsung dimulai bulan depan.",
    )
