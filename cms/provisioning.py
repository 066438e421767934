"""Provisioning step: the cloned Wagtail welcome page becomes the instansi's site.

Registered in CmsConfig.ready() (core.steps.provisioning_steps) in two halves. `prepare_site`
is the same for every instansi and runs ahead on a spare schema (tenants.pool): the root page is
converted in place (one row inserted, one updated, so the page id that the default groups'
permissions point at is kept) and berita, profil and kontak are added under it.
`personalise_site` runs when the instansi is made: the hero greets with its name, the identity
settings get its defaults and the portal lists it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from . import services
from .models import ContactPage, HomePage, IdentitySettings, NewsIndexPage, StandardPage
from .portal.services import portal_profile_update

SECTIONS = (
    (
        NewsIndexPage,
        "Berita",
        "berita",
        {"intro": "Kabar kegiatan, isu daerah, dan kebijakan pemerintah dari instansi kami."},
    ),
    (
        StandardPage,
        "Profil",
        "profil",
        {"intro": "Profil, visi dan misi, struktur organisasi, dan layanan instansi."},
    ),
    (
        ContactPage,
        "Kontak",
        "kontak",
        {"intro": "Hubungi kami pada jam layanan atau kunjungi kantor kami."},
    ),
)


def identity_defaults(instansi) -> dict:
    return {
        "name": instansi.name,
        "short_name": instansi.short_name,
        "tagline": f"Situs resmi {instansi.name}",
        "email": f"info@{instansi.schema_name}.{settings.SIMPUL_BASE_DOMAIN}",
        "office_hours": "Senin–Kamis 07.30–16.00, Jumat 07.30–11.00 WIB",
        "address": settings.SIMPUL_REGENCY_NAME,
    }


def _hero_intro(instansi) -> str:
    return (
        f"Informasi resmi, berita, dan layanan {instansi.name} untuk masyarakat "
        f"{settings.SIMPUL_REGENCY_NAME}."
    )


def _convert_to_home(page: Page) -> HomePage:
    """Turn the plain Wagtail page `page` into a HomePage, keeping its id and tree position.

    The hero stays blank until `personalise_site` greets with the instansi's name."""
    home = HomePage(page_ptr_id=page.pk)
    home.save_base(raw=True)  # only the cms_homepage row; the wagtailcore_page row exists
    Page.objects.filter(pk=page.pk).update(content_type=ContentType.objects.get_for_model(HomePage))
    return HomePage.objects.get(pk=page.pk)


def prepare_site() -> HomePage:
    """The HomePage and its berita/profil/kontak tree, the same for every instansi.

    Idempotent: run again on a built site it only adds what is missing.
    """
    site = Site.objects.select_related("root_page").get(is_default_site=True)
    root = site.root_page
    home = (
        HomePage.objects.get(pk=root.pk)
        if root.specific_class is HomePage
        else _convert_to_home(root)
    )
    existing = set(home.get_children().values_list("slug", flat=True))
    for model, title, slug, fields in SECTIONS:
        if slug not in existing:
            home.add_child(instance=model(title=title, slug=slug, **fields))
    if not IdentitySettings.objects.exists():
        IdentitySettings.objects.create()  # blank: `personalise_site` fills it
    return home


def personalise_site(instansi, admin_user=None) -> None:
    """The instansi's hero (when still blank), identity defaults and portal profile.

    Idempotent: what its editors have filled in is kept. The hero is not searched, so its
    row is updated in place (a page save would rewrite its search entry and references).
    """
    home_id = Site.objects.filter(is_default_site=True).values_list("root_page_id", flat=True)[0]
    HomePage.objects.filter(pk=home_id, hero_title="", hero_intro="").update(
        hero_title=instansi.name, hero_intro=_hero_intro(instansi)
    )
    identity = IdentitySettings.objects.first()
    if identity is None or not identity.name:
        # None yet, or a blank row (made ahead on a spare, or by Wagtail's settings loader
        # when a page was viewed before the site was built): fill what is empty.
        defaults = identity_defaults(instansi)
        if identity is None:
            identity = IdentitySettings.objects.create(**defaults)
        else:
            empty = {
                field: value for field, value in defaults.items() if not getattr(identity, field)
            }
            # In place: the portal's profile is updated just below, not again after the commit.
            IdentitySettings.objects.filter(pk=identity.pk).update(**empty)
            for field, value in empty.items():
                setattr(identity, field, value)
            services.cache_invalidate_on_commit()  # pages viewed with the blank identity
        # In the provisioning transaction: the portal lists the instansi only if it was made.
        portal_profile_update(
            instansi=instansi,
            name=identity.name,
            short_name=identity.short_name,
            tagline=identity.tagline,
            primary_colour=identity.primary_colour,
        )


def build_site(instansi, admin_user=None) -> HomePage:
    """HomePage titled with the instansi's name, the berita/profil/kontak tree, identity.

    Idempotent: run again on a built site it only adds what is missing.
    """
    home = prepare_site()
    personalise_site(instansi, admin_user)
    home.refresh_from_db()
    return home
