"""Content conversion (cms/wordpress/content.py): shortcodes, Gutenberg blocks, cleaning, spam."""

from types import SimpleNamespace

import pytest
from django_tenants.utils import schema_context

from cms.wordpress import content


class Resolver:
    """Images 1–99 and PDFs by ID or address, as the import's resolver answers."""

    def image(self, *, wp_id, url):
        if wp_id or url.endswith(".jpg"):
            return SimpleNamespace(pk=wp_id or 50, title=f"Foto {wp_id or 50}")
        return None

    def document(self, *, wp_id, url):
        return SimpleNamespace(pk=7) if url.endswith(".pdf") else None

    def file_url(self, url):
        return "/media/dinkes/original_images/foto.jpg" if url.endswith(".jpg") else None

    def internal(self, url):
        return "/berita/lama/" if "p=3" in url else None

    def on_site(self, url):
        return url.startswith("/") or "situs.go.id" in url


def convert(html: str):
    return content.convert(html, Resolver())


def kinds(result) -> list[str]:
    return [b["type"] for b in result.blocks]


@pytest.mark.parametrize(
    ("href", "text", "spam"),
    [
        ("https://slot-gacor88.example/", "Daftar", True),
        ("http://bandar-togel.example/", "situs resmi", True),
        ("https://bet88.example/", "promo", True),
        ("https://contoh.example/", "Judi Online Terpercaya", True),
        ("https://www.kemkes.go.id/", "Kementerian Kesehatan", False),
        ("https://alphabet.example/diabetes", "Diabetes", False),
        ("https://betawi.example/", "Budaya Betawi", False),
    ],
)
def test_spam_links_are_recognised(href, text, spam):
    assert content.is_spam_link(href, text) is spam


def test_classic_paragraphs_and_caption_become_text_and_an_image(db):
    result = convert(
        "Paragraf pertama\nbaris kedua.\n\n"
        '[caption id="attachment_12" width="300"]<img class="wp-image-12" src="/a.jpg" alt="Alt" /> '
        "Keterangan foto[/caption]\n\nParagraf akhir."
    )
    assert kinds(result) == ["paragraph", "image", "paragraph"]
    assert "baris kedua" in result.blocks[0]["value"] and "<br/>" in result.blocks[0]["value"]
    assert result.blocks[1]["value"] == {
        "image": 12,
        "alt": "Alt",
        "caption": "Keterangan foto",
        "credit": "",
    }


def test_unknown_shortcodes_lose_their_tags_but_keep_their_text(db):
    result = convert('[su_box title="Info"]Isi kotak[/su_box] dan [Foto: Humas] tetap.')
    html = result.blocks[0]["value"]
    assert "Isi kotak" in html and "[su_box" not in html and "[/su_box]" not in html
    assert "[Foto: Humas]" in html
    assert any("[su_box]" in w for w in result.warnings)


def test_gutenberg_nested_and_void_blocks(db):
    result = convert(
        "<!-- wp:columns --><div><!-- wp:column --><div><!-- wp:paragraph --><p>Kolom satu</p>"
        "<!-- /wp:paragraph --></div><!-- /wp:column --></div><!-- /wp:columns -->"
        '<!-- wp:gallery {"ids":[3,4]} /-->'
        "<!-- wp:separator --><hr/><!-- /wp:separator -->"
        "<!-- wp:latest-posts /-->"
        '<!-- wp:embed {"url":"https://twitter.com/humas/status/1"} --><figure>'
        "https://twitter.com/humas/status/1</figure><!-- /wp:embed -->"
    )
    assert kinds(result) == ["paragraph", "image", "image", "paragraph"]
    assert "Kolom satu" in result.blocks[0]["value"]
    assert 'href="https://twitter.com/humas/status/1"' in result.blocks[-1]["value"]
    assert any("latest-posts" in w for w in result.warnings)


def test_cleaning_keeps_only_what_the_editor_allows(db):
    with schema_context("dinkes"):  # document links are checked against the documents
        result = _cleaned()
    html = result.blocks[0]["value"]
    assert "<h2" in html and "<h3" in html
    for bad in ("style", "onclick", "span", "<u>", "javascript", "script", "alert"):
        assert bad not in html
    assert '<a href="/berita/lama/">lama</a>' in html
    assert '<a linktype="document" id="7">pdf</a>' in html
    assert result.blocks[-1] == {
        "type": "video",
        "value": {"video": "https://www.youtube.com/watch?v=abc123", "caption": ""},
    }


def _cleaned():
    return convert(
        '<h1 style="color:red">Judul</h1><h4>Sub</h4><p onclick="x()">Teks <span class="a">'
        '<u>garis</u></span> <a href="javascript:alert(1)">jahat</a> '
        '<a href="https://situs.go.id/?p=3">lama</a> <a href="/wp-content/uploads/x.pdf">pdf</a></p>'
        "<script>alert(1)</script><style>p{}</style>"
        '<iframe src="https://www.youtube.com/embed/abc123"></iframe>'
    )


def test_missing_media_is_reported_not_left_as_a_broken_reference(db):
    result = convert('<p><img src="https://situs.go.id/wp-content/uploads/x.png" alt="" /></p>')
    assert result.blocks == []
    assert any("Gambar tidak ditemukan" in w for w in result.warnings)
