"""Page validation: Pasal 11 category and Pasal 9e hashtags, alt text, identity contrast."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context
from wagtail.blocks.struct_block import StructBlockValidationError

from cms.blocks import AccessibleImageBlock
from cms.models import IdentitySettings, NewsPage
from cms.selectors import news_index_page
from cms.validators import contrast_ratio, validate_tagar
from tests.conftest import login_client

from .factories import make_image

pytestmark = pytest.mark.django_db


def _news(**overrides) -> NewsPage:
    fields = {
        "title": "Berita",
        "slug": "berita-validasi",
        "lead": "Teras.",
        "category": "kegiatan",
        "tagar": "#Sintang",
    }
    fields.update(overrides)
    return NewsPage(**fields)


def _errors(page: NewsPage) -> dict:
    with pytest.raises(ValidationError) as info:
        page.full_clean(exclude=["path", "depth", "content_type", "draft_title", "url_path"])
    return info.value.message_dict


@pytest.mark.parametrize("tag", ["#Sintang", "#SintangSehat2026", "#Kesehatan #Imunisasi"])
def test_valid_hashtags(tag):
    validate_tagar(tag)


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("", "minimal satu tagar"),
        ("Sintang", "Tagar tidak sah"),
        ("#", "Tagar tidak sah"),
        ("#sintang-sehat", "Tagar tidak sah"),
        ("#sintang_sehat", "Tagar tidak sah"),
        ("#a #A", "dua kali"),
    ],
)
def test_malformed_hashtags_are_refused_in_indonesian(tag, message):
    with pytest.raises(ValidationError) as info:
        validate_tagar(tag)
    assert message in " ".join(info.value.messages)


def test_news_page_requires_category_and_hashtag():
    with schema_context("humas"):
        errors = _errors(_news(category="", tagar=""))
    assert "Pasal 11" in errors["category"][0]
    assert "minimal satu tagar" in errors["tagar"][0]


def test_news_page_refuses_unknown_category():
    with schema_context("humas"):
        errors = _errors(_news(category="gosip"))
    assert "category" in errors


def test_main_image_needs_alt_text():
    with schema_context("humas"):
        page = _news(image=make_image(), image_alt="")
        errors = _errors(page)
    assert errors["image_alt"] == ["Teks alternatif gambar wajib diisi bila gambar dipilih."]


def test_body_image_block_needs_alt_text():
    with schema_context("humas"):
        image = make_image()
        block = AccessibleImageBlock()
        with pytest.raises(StructBlockValidationError) as info:
            block.clean(
                block.to_python({"image": image.pk, "alt": "", "caption": "", "credit": ""})
            )
        assert "alt" in info.value.block_errors
        block.clean(block.to_python({"image": image.pk, "alt": "Bupati membuka acara"}))


def test_contrast_ratio_matches_wcag():
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#FFFFFF"), 2) == 4.48


@pytest.mark.parametrize(
    ("primary", "text", "field"),
    [("#0B5CAB", "#6A9FD8", "primary_text_colour"), ("#FFDD00", "#000000", "primary_colour")],
)
def test_identity_colours_below_contrast_are_refused(primary, text, field):
    with schema_context("humas"):
        identity = IdentitySettings.objects.get()
        identity.primary_colour, identity.primary_text_colour = primary, text
        with pytest.raises(ValidationError) as info:
            identity.full_clean()
    assert field in info.value.message_dict
    assert "4,50 : 1" in " ".join(info.value.message_dict[field])


def test_identity_colour_must_be_hex():
    with schema_context("humas"):
        identity = IdentitySettings.objects.get()
        identity.primary_colour = "biru"
        with pytest.raises(ValidationError) as info:
            identity.full_clean()
    assert "#RRGGBB" in " ".join(info.value.message_dict["primary_colour"])


def _admin_add_url(client) -> str:
    with schema_context("humas"):
        index_id = news_index_page().pk
    return f"/admin/pages/add/cms/newspage/{index_id}/"


def _post_news(client, **overrides):
    data = {
        "title": "Berita dari admin",
        "slug": "berita-dari-admin",
        "date": "2026-03-12",
        "lead": "Teras berita.",
        "category": "kegiatan",
        "tagar": "#Sintang",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return client.post(_admin_add_url(client), data)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": ""}, "Pilih kategori pesan menurut Pasal 11"),
        ({"category": "gosip"}, "Pilih kategori pesan menurut Pasal 11"),
        ({"tagar": ""}, "Isikan minimal satu tagar"),
        ({"tagar": "#dua kata-salah"}, "Tagar tidak sah"),
    ],
)
def test_admin_refuses_to_publish_invalid_news(overrides, message):
    client = login_client("humas")
    response = _post_news(client, **overrides)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    with schema_context("humas"):
        assert not NewsPage.objects.filter(slug="berita-dari-admin").exists()


def test_admin_publishes_valid_news():
    client = login_client("humas")
    response = _post_news(client)
    assert response.status_code == 302
    with schema_context("humas"):
        page = NewsPage.objects.get(slug="berita-dari-admin")
        assert page.live and page.category == "kegiatan" and page.tagar == "#Sintang"


def _identity_post(**overrides) -> dict:
    data = {
        "name": "Bagian Humas dan Protokol Setda",
        "short_name": "Humas",
        "tagline": "",
        "primary_colour": "#0B5CAB",
        "primary_text_colour": "#FFFFFF",
        "address": "",
        "phone": "",
        "email": "",
        "office_hours": "",
        "head_name": "",
        "head_title": "",
    }
    data.update(overrides)
    return data


def test_admin_identity_settings_refuse_low_contrast():
    client = login_client("humas")
    with schema_context("humas"):
        url = f"/admin/settings/cms/identitysettings/{IdentitySettings.objects.get().pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, _identity_post(primary_text_colour="#6A9FD8"), follow=True)
    assert response.status_code == 200
    assert "Kontras warna teks dengan warna utama hanya" in response.content.decode()
    with schema_context("humas"):
        assert IdentitySettings.objects.get().primary_text_colour == "#FFFFFF"
    response = client.post(url, _identity_post(primary_colour="#00695C"), follow=True)
    assert response.status_code == 200
    with schema_context("humas"):
        assert IdentitySettings.objects.get().primary_colour == "#00695C"


def test_admin_refuses_main_image_without_alt_text():
    client = login_client("humas")
    with schema_context("humas"):
        image = make_image("Foto tanpa alt")
    response = _post_news(client, image=str(image.pk), image_alt="")
    assert response.status_code == 200
    assert "Teks alternatif gambar wajib diisi bila gambar dipilih." in response.content.decode()
    with schema_context("humas"):
        assert not NewsPage.objects.filter(slug="berita-dari-admin").exists()


def _body_image(image_pk: int, alt: str) -> dict:
    return {
        "body-count": "1",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-type": "image",
        "body-0-id": "",
        "body-0-value-image": str(image_pk),
        "body-0-value-alt": alt,
        "body-0-value-caption": "",
        "body-0-value-credit": "",
    }


def test_admin_refuses_body_image_without_alt_text():
    client = login_client("humas")
    with schema_context("humas"):
        image = make_image("Foto isi tanpa alt")
    response = _post_news(client, **_body_image(image.pk, ""))
    assert response.status_code == 200
    with schema_context("humas"):
        assert not NewsPage.objects.filter(slug="berita-dari-admin").exists()
    body = response.content.decode()
    assert "Teks alternatif gambar wajib diisi" in body or "Bidang ini harus diisi" in body
    # the same body with alt text publishes
    assert _post_news(client, **_body_image(image.pk, "Warga antre vaksin")).status_code == 302
    with schema_context("humas"):
        page = NewsPage.objects.get(slug="berita-dari-admin")
        assert page.body[0].value["alt"] == "Warga antre vaksin"
