"""The inquiry form page type every instansi site can place under its home page (tenant schema).

The page only renders: the form, its checks and the write live in `inbox.public_views` and
`inbox.services`, shared with the portal's form.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class InquiryFormPage(Page):
    """ "Tanya / sampaikan masukan": the public sends a question, comment, criticism or suggestion."""

    intro = RichTextField(
        "pengantar",
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="Teks di atas formulir: apa yang bisa ditanyakan dan kapan dijawab.",
    )
    receipt_text = models.CharField(
        "teks tanda terima",
        max_length=300,
        blank=True,
        default="Terima kasih. Pesan Anda telah kami terima.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("receipt_text")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "halaman formulir pesan masyarakat"
        verbose_name_plural = "halaman formulir pesan masyarakat"

    def serve(self, request, *args, **kwargs):
        from inbox.public_views import inquiry_form_page_serve

        return inquiry_form_page_serve(request, page=self)
