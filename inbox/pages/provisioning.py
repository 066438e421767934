"""Provisioning step of the inbox's form page, run inside a new instansi's schema.

Registered in InboxPagesConfig.ready() (core.steps.provisioning_steps), after cms's step: the
page goes under the cms home page. `prepare_inquiry_form_page` runs ahead on spare schemas.
"""

from wagtail.models import Revision, Site
from wagtail.signals import page_published

from ..permissions import grant_inbox_permissions
from .models import InquiryFormPage

FORM_SLUG = "tanya"


def create_inquiry_form_page(instansi, admin_user=None) -> InquiryFormPage | None:
    """The inbox's provisioning step: the role groups get their inbox permissions, and the
    "Tanya & masukan" form page is published under the home page (both idempotent).

    The page needs the cms home page (run after `cms.provisioning.build_site`); without one
    only the permissions are granted. The groups are `tenants.provisioning`'s (run before).
    """
    page = prepare_inquiry_form_page()
    personalise_inquiry_form_page(instansi, admin_user)
    if page is not None:
        page.refresh_from_db()
    return page


# Where the instansi's name goes in a form page published ahead on a spare schema.
_NAME = "\u2060nama-instansi\u2060"


def _intro(name: str) -> str:
    return (
        f"<p>Kirim pertanyaan, komentar, kritik, atau saran kepada {name}. "
        "Pesan dijawab petugas kami; bila menjadi kewenangan instansi lain, kami "
        "merujuknya dan instansi itu menjawab paling lambat 24 jam.</p>"
    )


def _home():
    site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    return None if site is None else site.root_page


def prepare_inquiry_form_page() -> InquiryFormPage | None:
    """The half that is the same for every instansi (run ahead on a spare schema): the
    permissions, and the form page published with a stand-in for the instansi's name."""
    grant_inbox_permissions()
    home = _home()
    if home is None:
        return None
    existing = InquiryFormPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    if "inbox_pages.inquiryformpage" not in {
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m in home.specific_class.allowed_subpage_models()
    }:
        return None
    page = InquiryFormPage(
        title="Tanya & sampaikan masukan", slug=FORM_SLUG, show_in_menus=True, intro=_intro(_NAME)
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def personalise_inquiry_form_page(instansi, admin_user=None) -> None:
    """The form page's intro names the instansi, in the page and in its published revision.

    The intro is not searched, so the rows are updated in place (a page save would rewrite
    the page's search entry and references for nothing). Published ahead in a schema that was
    no instansi's, the page is announced as published now (`page_published`), so what follows
    a publication (the portal's search entry) happens for the instansi, after the commit.
    """
    for page in InquiryFormPage.objects.filter(intro__contains=_NAME):
        page.intro = page.intro.replace(_NAME, instansi.name)
        InquiryFormPage.objects.filter(pk=page.pk).update(intro=page.intro)
        revision = None
        for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
            if _NAME in revision.content.get("intro", ""):
                revision.content["intro"] = revision.content["intro"].replace(_NAME, instansi.name)
                revision.save(update_fields=["content"])
        if page.live:
            page_published.send(sender=InquiryFormPage, instance=page, revision=revision)
