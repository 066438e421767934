"""StreamField blocks of the public website: every image carries alt text, caption and credit."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class AccessibleImageBlock(blocks.StructBlock):
    """An image with the text a screen reader reads in its place (required), caption and credit."""

    image = ImageChooserBlock(label="Gambar")
    alt = blocks.CharBlock(
        label="Teks alternatif",
        max_length=250,
        required=True,
        help_text="Jelaskan isi gambar untuk pembaca layar, mis. “Bupati meresmikan puskesmas”.",
    )
    caption = blocks.CharBlock(label="Keterangan", required=False, max_length=300)
    credit = blocks.CharBlock(label="Kredit foto", required=False, max_length=120)

    class Meta:
        icon = "image"
        label = "Gambar"
        template = "cms/blocks/image.html"

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("alt") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt": ValidationError("Teks alternatif gambar wajib diisi."),
                }
            )
        return value


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label="Kutipan")
    source = blocks.CharBlock(label="Sumber", required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Kutipan"
        template = "cms/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label="Tautan video (YouTube/Vimeo)")
    caption = blocks.CharBlock(label="Keterangan", required=False, max_length=300)

    class Meta:
        icon = "media"
        label = "Video"
        template = "cms/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Dokumen")
    title = blocks.CharBlock(
        label="Judul tautan",
        required=False,
        max_length=200,
        help_text="Kosongkan untuk memakai judul dokumen.",
    )

    class Meta:
        icon = "doc-full"
        label = "Dokumen"
        template = "cms/blocks/document.html"


class LinkBlock(blocks.StructBlock):
    """A featured service or link on the home page: an internal page or an external address."""

    title = blocks.CharBlock(label="Judul", max_length=120)
    description = blocks.CharBlock(label="Keterangan singkat", required=False, max_length=200)
    page = blocks.PageChooserBlock(label="Halaman", required=False)
    url = blocks.URLBlock(label="Alamat luar", required=False)

    class Meta:
        icon = "link"
        label = "Tautan"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError("Pilih halaman atau isi alamat luar.")}
            )
        return value


def body_blocks() -> list:
    """The body of news and standard pages."""
    return [
        ("paragraph", blocks.RichTextBlock(label="Paragraf", features=RICH_TEXT_FEATURES)),
        ("image", AccessibleImageBlock()),
        ("video", VideoBlock()),
        ("quote", QuoteBlock()),
        ("document", DocumentBlock()),
    ]
