"""The Wagtail admin of each host names its own instansi: sign-in heading and browser title."""

import re

import pytest

from tests.conftest import login_client, tenant_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "slug,name,other",
    [
        ("humas", "Bagian Humas dan Protokol Setda", "Dinas Kesehatan"),
        ("dinkes", "Dinas Kesehatan", "Bagian Humas dan Protokol Setda"),
    ],
)
def test_admin_sign_in_names_the_hosts_own_instansi(slug, name, other):
    html = tenant_client(slug).get("/admin/login/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()
    assert heading == f"Masuk ke {name}"
    assert other not in html


def test_admin_pages_carry_the_instansi_in_the_browser_title():
    html = login_client("humas").get("/admin/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().endswith("Humas · Simpul")
