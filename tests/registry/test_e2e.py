"""In headless Chromium: an admin records an SK with its PDF and two accounts; a visitor then
verifies one of them on the regency portal.

Everything is made through the UI against the live server (so it is committed); the rows are
removed at the end so other tests find humas' registry as it was.
"""

import re
import uuid

import pytest
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, url_for
from tests.registry.factories import SIGNER_NIP, pdf_bytes


@pytest.fixture
def tag(live_server_url, django_db_blocker):
    tag = uuid.uuid4().hex[:6]
    yield tag
    with django_db_blocker.unblock(), schema_context("humas"):
        from django.contrib.contenttypes.models import ContentType
        from wagtail.models import ModelLogEntry

        from tenants.models import AccountDirectoryEntry, AuditEntry
        from tenants.registry.models import DecreeItem, OfficialAccount, SuratKeputusan

        decrees = list(SuratKeputusan.objects.filter(number__contains=tag))
        accounts = list(OfficialAccount.objects.filter(decree__in=decrees))
        DecreeItem.objects.filter(decree__in=decrees).delete()
        for model, objs in ((OfficialAccount, accounts), (SuratKeputusan, decrees)):
            ids = [str(o.pk) for o in objs]
            ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids
            ).delete()
            AuditEntry.objects.filter(
                instansi__schema_name="humas", object_type=model._meta.label, object_id__in=ids
            ).delete()
        OfficialAccount.objects.filter(pk__in=[a.pk for a in accounts]).delete()
        for decree in decrees:
            decree.pdf.delete(save=False)
            decree.delete()
        AccountDirectoryEntry.objects.filter(url__contains=tag).delete()


def _submit(page) -> None:
    page.locator("#w-editor-form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.e2e
def test_admin_records_sk_and_accounts_then_visitor_verifies(
    live_server_url, page, tag, tmp_path, django_db_blocker
):
    number = f"800/{tag}/SK/2026"
    pdf_path = tmp_path / "sk-akun-resmi.pdf"
    pdf_path.write_bytes(pdf_bytes(f"Keputusan Kepala Bagian Humas Nomor {number}"))

    # The admin signs in on humas' own host.
    page.goto(url_for(live_server_url, "humas", "/admin/login/"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))

    # 1. The SK with its signed PDF.
    page.goto(url_for(live_server_url, "humas", "/admin/snippets/registry/suratkeputusan/add/"))
    page.fill("#id_number", number)
    page.fill("#id_date", "2026-02-01")
    page.keyboard.press("Escape")
    page.fill("#id_title", "Penetapan Akun Resmi Media Sosial")
    page.fill("#id_signer_name", "Drs. Kepala Bagian Humas")
    page.fill("#id_signer_nip", SIGNER_NIP)
    page.select_option("#id_subject", "akun_petugas")
    page.fill("#id_effective_date", "2026-02-02")
    page.keyboard.press("Escape")
    page.set_input_files("#id_pdf", str(pdf_path))
    _submit(page)
    page.wait_for_url(re.compile(r".*/admin/snippets/registry/suratkeputusan/$"))
    assert number in page.content()

    with django_db_blocker.unblock(), schema_context("humas"):
        from tenants.registry.models import SuratKeputusan

        decree_pk = SuratKeputusan.objects.get(number=number).pk

    # 2. Two official accounts under it, pasted as people copy them.
    for platform, url, name in (
        ("instagram", f"https://www.instagram.com/Humas{tag}/?igshid=abc", "Humas di Instagram"),
        ("youtube", f"youtube.com/@humas{tag}?si=xyz", "Kanal YouTube Humas"),
    ):
        page.goto(
            url_for(live_server_url, "humas", "/admin/snippets/registry/officialaccount/add/")
        )
        page.select_option("#id_platform", platform)
        page.fill("#id_url", url)
        page.fill("#id_display_name", name)
        page.fill("#id_audience_note", "Warga kabupaten")
        page.select_option("#id_decree", str(decree_pk))
        _submit(page)
        page.wait_for_url(re.compile(r".*/admin/snippets/registry/officialaccount/$"))
    listing = page.content()
    assert f"https://instagram.com/humas{tag}" in listing
    assert f"https://youtube.com/@humas{tag}" in listing

    # The instansi's public Akun Resmi page lists both, with the SK.
    page.goto(url_for(live_server_url, "humas", "/akun-resmi/"))
    assert page.locator("ul.akun-list li").filter(has_text=tag).count() == 2
    assert number in page.content()

    # 3. A visitor checks one of them on the portal.
    visitor = page.context.browser.new_context(locale="id-ID")
    portal = visitor.new_page()
    portal.goto(url_for(live_server_url, None, "/verifikasi-akun/"))
    portal.fill("#id_url", f"instagram.com/HUMAS{tag}")
    portal.get_by_role("button", name="Periksa").click()
    result = portal.locator("section.verify-result")
    result.wait_for()
    assert result.get_attribute("data-status") == "resmi"
    text = result.inner_text()
    assert "Bagian Humas dan Protokol Setda" in text
    assert number in text

    # And an impostor account is reported as not registered.
    portal.fill("#id_url", f"instagram.com/humas{tag}_resmi")
    portal.get_by_role("button", name="Periksa").click()
    portal.wait_for_load_state()
    assert portal.locator("section.verify-result").get_attribute("data-status") == (
        "tidak_terdaftar"
    )
    visitor.close()
