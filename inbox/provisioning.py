"""Provisioning and demo steps of the inbox, run inside a new instansi's schema."""

from wagtail.models import Site

from .pages.models import InquiryFormPage
from .permissions import grant_inbox_permissions

FORM_SLUG = "tanya"


def create_inquiry_form_page(instansi, admin_user=None) -> InquiryFormPage | None:
    """The inbox's provisioning step: the role groups get their inbox permissions, and the
    "Tanya & masukan" form page is published under the home page (both idempotent).

    The page needs the cms home page (run after `cms.provisioning.build_site`); without one
    only the permissions are granted. The groups are `tenants.provisioning`'s (run before).
    """
    grant_inbox_permissions()
    site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    if site is None:
        return None
    home = site.root_page
    existing = InquiryFormPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    if "inbox_pages.inquiryformpage" not in {
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m in home.specific_class.allowed_subpage_models()
    }:
        return None
    page = InquiryFormPage(
        title="Tanya & sampaikan masukan",
        slug=FORM_SLUG,
        show_in_menus=True,
        intro=(
            f"<p>Kirim pertanyaan, komentar, kritik, atau saran kepada {instansi.name}. "
            "Pesan dijawab petugas kami; bila menjadi kewenangan instansi lain, kami "
            "merujuknya dan instansi itu menjawab paling lambat 24 jam.</p>"
        ),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


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
