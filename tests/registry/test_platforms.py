"""URL normalisation, handles and the Lampiran A categories of platforms."""

import pytest

from tenants.registry.platforms import (
    CATEGORY_LABELS,
    PLATFORMS,
    UrlError,
    category_of,
    normalize_url,
    resolve_account_address,
)

SPELLINGS_OF_ONE_ACCOUNT = [
    "https://instagram.com/humaskab",
    "http://instagram.com/humaskab",
    "instagram.com/humaskab",
    "www.instagram.com/humaskab/",
    "HTTPS://WWW.INSTAGRAM.COM/HumasKab",
    "https://m.instagram.com/humaskab",
    "https://instagram.com/humaskab/?utm_source=ig_web_copy_link&utm_medium=share",
    "https://www.instagram.com/humaskab?igshid=MzRlODBiNWFlZA==",
    "https://instagram.com/humaskab/?fbclid=IwAR0abc&si=xyz",
    "https://instagram.com//humaskab//",
    "https://instagram.com:443/humaskab#top",
    "  https://instagr.am/humaskab  ",
    "//www.instagram.com/humaskab/?igsh=abc",
]


def test_a_dozen_spellings_resolve_to_one_canonical_url():
    canonical = {normalize_url(s) for s in SPELLINGS_OF_ONE_ACCOUNT}
    assert canonical == {"https://instagram.com/humaskab"}


def test_resolving_by_url_or_handle_gives_the_same_account():
    by_url = {
        resolve_account_address(platform="instagram", url=s) for s in SPELLINGS_OF_ONE_ACCOUNT
    }
    by_handle = resolve_account_address(platform="instagram", handle="@HumasKab")
    assert by_url == {by_handle} == {("https://instagram.com/humaskab", "humaskab")}


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("https://twitter.com/HumasKab?s=20&t=abc", "https://x.com/humaskab"),
        ("mobile.twitter.com/humaskab", "https://x.com/humaskab"),
        ("https://www.youtube.com/@HumasKab/?si=abc", "https://youtube.com/@humaskab"),
        ("https://m.facebook.com/humaskab/?mibextid=ZbWKwL", "https://facebook.com/humaskab"),
        (
            "https://www.tiktok.com/@HumasKab?is_from_webapp=1&sender_device=pc",
            "https://tiktok.com/@humaskab",
        ),
        ("https://www.threads.net/@humaskab", "https://threads.net/@humaskab"),
        # A website keeps its path case and its meaningful query, loses tracking only.
        (
            "http://WWW.Humas.Example.go.id/Berita/?p=12&utm_campaign=x",
            "https://humas.example.go.id/Berita?p=12",
        ),
    ],
)
def test_platform_specific_normalisation(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "bukan url",
        "ftp://instagram.com/humas",
        "https://",
        "http://localhost/akun",
        "https://user:pw@instagram.com/x",
        "https://exa mple.com",
        "javascript:alert(1)",
    ],
)
def test_malformed_urls_are_refused_with_a_message(raw):
    with pytest.raises(UrlError) as exc:
        normalize_url(raw)
    assert str(exc.value)


def test_url_must_match_platform_and_handle():
    with pytest.raises(UrlError, match="bukan alamat Instagram"):
        resolve_account_address(platform="instagram", url="https://facebook.com/humaskab")
    with pytest.raises(UrlError, match="tidak sesuai"):
        resolve_account_address(
            platform="instagram", url="https://instagram.com/humaskab", handle="lainnya"
        )
    with pytest.raises(UrlError, match="tidak menunjuk akun"):
        resolve_account_address(platform="instagram", url="https://instagram.com/")
    with pytest.raises(UrlError, match="huruf, angka"):
        resolve_account_address(platform="x", handle="humas kab!")
    with pytest.raises(UrlError, match="alamat \\(URL\\) lengkap"):
        resolve_account_address(platform="website", handle="humas")
    with pytest.raises(UrlError, match="akun Instagram"):
        resolve_account_address(platform="website", url="https://instagram.com/humaskab")


def test_every_platform_maps_to_a_lampiran_a_category():
    assert {category_of(p.code) for p in PLATFORMS} == set(CATEGORY_LABELS)
    assert category_of("x") == "mikroblog"
    assert category_of("instagram") == "berbagi_media"
    assert category_of("facebook") == "jejaring_sosial"
    assert category_of("wiki") == "kolaborasi"
    assert category_of("forum") == "forum"
    assert category_of("website") == "blog"
