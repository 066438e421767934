"""What the public-page browser tests share: committed data every public page type needs, the
list of those pages, axe-core installed into var/, and screenshots kept under var/.

The data is committed (the live server is another process) and removed afterwards: a news page
with a photo credit on humas and one on dinkes (so the portal's filters and search have
entries), a long e-mail address in humas's identity, and an inquiry to follow at /lacak/.
"""

import secrets
import subprocess
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.14.1"  # npm package axe-core, pinned
NODE_DIR = ROOT / "var" / "node"
SCREENSHOTS = ROOT / "var" / "screenshots" / "public-mobile"
PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "humas.protokol.sekretariat.daerah@kabupaten-simpul.go.id"
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def public_pages(data: dict) -> list[tuple[str, str | None, str]]:
    """(name, slug or None for the portal, path) of every public page type."""
    return [
        ("portal-home", None, "/"),
        ("instansi-home", "humas", "/"),
        ("news-index", "humas", "/berita/"),
        ("news-page", "humas", data["news_path"]),
        ("contact", "humas", "/kontak/"),
        ("tanya-portal", None, "/tanya/"),
        ("tanya-instansi", "humas", "/tanya/"),
        ("lacak", None, "/lacak/"),
        ("lacak-result", None, f"/lacak/{data['tracking_code']}/"),
        ("verify", None, "/verifikasi-akun/"),
        ("verify-handle", None, "/verifikasi-akun/?url=%40humaskabsimpul"),
        ("cari-portal", None, "/cari/?q=pelayanan"),
        ("cari-instansi", "humas", "/cari/?q=pelayanan"),
        ("kinerja-portal", None, "/kinerja/"),
        ("kinerja-instansi", "dinkes", "/kinerja/"),
        ("akun-resmi", "humas", "/akun-resmi/"),
    ]


def _publish(slug: str, title: str, **fields):
    from cms.models import NewsPage
    from cms.selectors import news_index_page

    index = news_index_page()
    page = NewsPage(
        title=title,
        slug=f"uji-ponsel-{secrets.token_hex(3)}",
        lead="Layanan posyandu keliling hadir di setiap desa setiap bulan, gratis.",
        category="kegiatan",
        tagar="#PosyanduKeliling #LayananKesehatanMasyarakatKabupatenSimpul",
        live=False,
        **fields,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture(scope="module")
def public_data(django_db_setup, django_db_blocker):
    from cms.models import IdentitySettings, NewsPage
    from inbox.models import Inquiry
    from tenants.models import Instansi
    from tests.cms.factories import make_image

    with django_db_blocker.unblock():
        with schema_context("humas"):
            news = _publish(
                "humas",
                "Pelayanan posyandu keliling menjangkau desa terjauh di kabupaten",
                image=make_image("Posyandu keliling"),
                image_alt="Petugas posyandu menimbang balita",
                image_caption="Petugas menimbang balita di balai desa.",
                image_credit="Humas Setda",
            )
            news_path = news.get_url_parts()[2]
            identity = IdentitySettings.load()
            old_email, old_address = identity.email, identity.address
            identity.email = LONG_EMAIL
            identity.address = "Jalan Jenderal Sudirman Nomor 1, Kompleks Perkantoran Bupati"
            identity.save()
        with schema_context("dinkes"):
            dinkes_news = _publish("dinkes", "Jadwal pelayanan imunisasi di puskesmas")
        raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        inquiry = Inquiry.objects.create(
            instansi=Instansi.objects.get(schema_name="humas"),
            kind=Inquiry.Kind.PERTANYAAN,
            channel=Inquiry.Channel.PORTAL,
            body="Kapan posyandu keliling datang ke desa kami?",
            tracking_code=code,
            public_reply="Posyandu keliling datang setiap Selasa pertama di balai desa.",
            status=Inquiry.Status.REPLIED,
        )
    try:
        yield {"news_path": news_path, "tracking_code": code}
    finally:
        with django_db_blocker.unblock():
            Inquiry.objects.filter(pk=inquiry.pk).delete()
            with schema_context("dinkes"):
                NewsPage.objects.filter(pk=dinkes_news.pk).delete()
            with schema_context("humas"):
                NewsPage.objects.filter(pk=news.pk).delete()
                identity = IdentitySettings.load()
                identity.email, identity.address = old_email, old_address
                identity.save()


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe.min.js of the pinned axe-core, installed with npm into var/node on first use."""
    script = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    package = NODE_DIR / "node_modules" / "axe-core" / "package.json"
    if not script.exists() or f'"version": "{AXE_VERSION}"' not in package.read_text():
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "npm",
                "install",
                "--prefix",
                str(NODE_DIR),
                "--no-audit",
                "--no-fund",
                "--no-save",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script.read_text()


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe_phone(browser):
    """A phone-sized page that lets axe-core's script in (the public CSP allows only the site's
    own scripts; the pages themselves are unchanged)."""
    context = browser.new_context(
        locale="id-ID", viewport=PHONE, device_scale_factor=1, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
