"""Steps run inside a new instansi's schema: this app's own, and the loop over every app's.

The steps are registered in code (core.steps.provisioning_steps, each app from its
AppConfig.ready()), so apps built on `tenants` add theirs without `tenants` importing them.
Each step's `prepare()` half writes what every instansi gets alike and runs ahead on a spare
schema (tenants.pool) or, on a plain clone, just before the `run(instansi, admin_user)` halves.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageLogEntry,
    Revision,
    Site,
)
from wagtail.search import index

from core.steps import provisioning_steps

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


def prepare_steps() -> None:
    """Every step's instansi-independent half, in order, in the current (new) schema."""
    for step in provisioning_steps:
        if step.prepare is not None:
            step.prepare()


def run_steps(instansi, admin_user, *, prepared: bool, skip: frozenset[str] = frozenset()) -> None:
    """Every step's half for `instansi`, in order; first the prepared halves unless `prepared`
    (the schema is a spare they already ran on). `skip`: step names left out."""
    if not prepared:
        prepare_steps()
    for step in provisioning_steps:
        if step.run is not None and step.name not in skip:
            step.run(instansi, admin_user)


def configure_site(instansi, admin_user) -> None:
    """Point the cloned Wagtail Site at the instansi's host and title its home page.

    Pages made ahead on a spare schema are dated now: the site is new when the instansi is.
    The home page's row is updated in place and only its search entry rewritten (the title is
    all that changed): a page save would also rebuild its references and check its comments,
    a dozen queries more on the path of every new instansi.
    """
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    Page.objects.filter(pk=site.root_page_id).update(
        title=instansi.name, draft_title=instansi.name, seo_title=instansi.name
    )
    index.insert_or_update_object(Page.objects.get(pk=site.root_page_id))
    site.hostname = site_hostname(instansi)
    port = settings.SIMPUL_PUBLIC_PORT
    site.port = int(port) if port and port.isdigit() else 80
    site.site_name = instansi.name
    site.is_default_site = True
    site.save()  # its signal drops the schema's page cache and Wagtail's site paths
    now = timezone.now()
    made = Page.objects.filter(depth__gt=2)
    made.filter(first_published_at__isnull=False).update(
        first_published_at=now, last_published_at=now
    )
    made.filter(latest_revision_created_at__isnull=False).update(latest_revision_created_at=now)
    Revision.page_revisions.update(created_at=now)
    PageLogEntry.objects.update(timestamp=now)


def create_default_groups(instansi=None, admin_user=None) -> None:
    """The four role groups, with admin access, page rights under home and media rights.

    The same for every instansi: a `prepare` half, run ahead on spare schemas."""
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
