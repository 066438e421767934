"""Provisioning builds each instansi's site; the demo step fills it, idempotently."""

import pytest
from django_tenants.utils import schema_context
from wagtail.models import GroupPagePermission, Site

from cms.demo import create_demo_content
from cms.models import ContactPage, HomePage, IdentitySettings, NewsIndexPage, NewsPage
from cms.portal.models import PortalInstansiProfile, PortalNewsItem
from cms.provisioning import build_site
from cms.selectors import news_index_page
from tenants.services import instansi_provision

pytestmark = pytest.mark.django_db


def test_new_instansi_gets_home_tree_identity_and_portal_profile():
    result = instansi_provision(
        slug="bappeda",
        name="Badan Perencanaan Pembangunan Daerah",
        short_name="Bappeda",
        admin_password="kata-sandi-bappeda-1",
    )
    with schema_context("bappeda"):
        site = Site.objects.get(is_default_site=True)
        home = site.root_page.specific
        assert isinstance(home, HomePage)
        assert home.title == "Badan Perencanaan Pembangunan Daerah"
        assert {"berita", "profil", "kontak"} <= {c.slug for c in home.get_children()}
        assert isinstance(news_index_page(), NewsIndexPage)
        assert ContactPage.objects.get().url == "/kontak/"
        identity = IdentitySettings.objects.get()
        assert identity.name == "Badan Perencanaan Pembangunan Daerah"
        assert identity.short_name == "Bappeda"
        assert identity.email == "info@bappeda.localhost"
        identity.full_clean()  # the defaults pass the contrast rule
        # the default groups' page permissions still point at the (converted) home page
        assert GroupPagePermission.objects.filter(page_id=home.pk).exists()
    profile = PortalInstansiProfile.objects.get(instansi=result.instansi)
    assert profile.name == "Badan Perencanaan Pembangunan Daerah"


def test_build_site_is_idempotent(instansi):
    with schema_context("humas"):
        before = HomePage.objects.get().get_descendant_count()
        build_site(instansi["humas"])
        assert HomePage.objects.get().get_descendant_count() == before
        assert IdentitySettings.objects.count() == 1


def test_demo_content_three_news_across_categories_idempotent(
    instansi, django_capture_on_commit_callbacks
):
    with schema_context("disdik"), django_capture_on_commit_callbacks(execute=True):
        create_demo_content(instansi["disdik"])
        news = list(NewsPage.objects.live())
        assert len(news) >= 3
        assert {n.category for n in news} == {"kegiatan", "isu", "kebijakan"}
        assert all(n.tagar_list and n.image_id and n.image_alt for n in news)
        assert IdentitySettings.objects.get().logo_id is not None
        create_demo_content(instansi["disdik"])
        assert NewsPage.objects.count() == len(news)
    assert PortalNewsItem.objects.filter(instansi=instansi["disdik"]).count() == len(news)
    assert PortalInstansiProfile.objects.get(instansi=instansi["disdik"]).logo_path
