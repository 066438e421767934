"""Public inquiry and tracking forms: an error summary on top (GOV.UK pattern), each error a
link to its field, specific Indonesian messages."""

import pytest
from django.core.cache import cache

from tests.conftest import tenant_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_portal_form_errors_are_summarised_and_linked(portal_client):
    response = portal_client.post("/tanya/", {"instansi": "", "body": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</div>", html.index('class="error-summary"')
        )
    ]
    assert 'role="alert"' in html and "autofocus" in summary
    assert (
        '<a href="#id_instansi">Pilih instansi tujuan pesan, atau «Tidak tahu» bila Anda tidak '
        "yakin.</a>"
    ) in summary
    assert (
        '<a href="#id_kind_0">Pilih jenis pesan: pertanyaan, komentar, kritik, atau saran.</a>'
        in summary
    )
    assert '<a href="#id_body">Isi pesan wajib diisi.</a>' in summary
    assert 'id="id_kind_0"' in html and 'id="id_body"' in html  # the links' targets exist
    assert "Bidang ini harus diisi" not in html and "This field is required" not in html
    # The summary comes before the page's heading.
    assert html.index('class="error-summary"') < html.index("<h1>")


def test_instansi_form_page_has_the_summary_too():
    client = tenant_client("humas")
    response = client.post("/tanya/", {"kind": "", "body": "Halo"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_kind_0">Pilih jenis pesan' in html


def test_tracking_code_errors(portal_client):
    html = portal_client.get("/lacak/?code=").content.decode()
    assert '<a href="#id_code">Masukkan kode lacak dari tanda terima Anda' in html
    html = portal_client.get("/lacak/AAAA-BBBB-CCCC/").content.decode()
    assert "Kode lacak tidak ditemukan" in html and '<a href="#id_code">' in html
