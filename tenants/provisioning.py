"""Steps run inside a new instansi's schema right after it is cloned from the template.

Each step is `step(instansi, admin_user)`; settings.SIMPUL_PROVISIONING_STEPS lists them in
order, so apps built on `tenants` add their own steps without `tenants` importing them.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

# The groups every instansi starts with (KoBar Pasal 9: Kepala Instansi appoints a pejabat and
# petugas; editors write the website). Value: (page permissions, may manage media).
DEFAULT_GROUPS: dict[str, tuple[tuple[str, ...], bool]] = {
    "Kepala Instansi": (("add_page", "change_page", "publish_page"), True),
    "Pejabat Pengelola": (
        ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        True,
    ),
    "Petugas Pengelola Media Sosial": (("add_page", "change_page"), True),
    "Editor": (("add_page", "change_page", "publish_page"), True),
}
COLLECTION_PERMISSIONS = (
    "add_image",
    "change_image",
    "choose_image",
    "add_document",
    "change_document",
    "choose_document",
)


def site_hostname(instansi) -> str:
    return f"{instansi.schema_name}.{settings.SIMPUL_BASE_DOMAIN}"


def home_page() -> Page:
    """The page the instansi's Site serves at `/`."""
    return Site.objects.select_related("root_page").get(is_default_site=True).root_page


def configure_site(instansi, admin_user) -> None:
    """Point the cloned Wagtail Site at the instansi's host and title its home page."""
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    home = site.root_page.specific
    home.title = instansi.name
    home.draft_title = instansi.name
    home.seo_title = instansi.name
    home.save(update_fields=["title", "draft_title", "seo_title"], clean=False)
    site.hostname = site_hostname(instansi)
    port = settings.SIMPUL_PUBLIC_PORT
    site.port = int(port) if port and port.isdigit() else 80
    site.site_name = instansi.name
    site.is_default_site = True
    site.save()


def create_default_groups(instansi, admin_user) -> None:
    """The four role groups, with admin access, page rights under home and media rights."""
    home = home_page()
    root_collection = Collection.get_first_root_node()
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page"
        )
    }
    media_perms = list(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailimages", "wagtaildocs"],
            codename__in=COLLECTION_PERMISSIONS,
        )
    )
    for name, (page_codenames, manages_media) in DEFAULT_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for codename in page_codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=page_perms[codename]
            )
        if manages_media:
            for permission in media_perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
