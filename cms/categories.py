"""The three kinds of message content allowed by KoBar Pasal 11, shared by the page models and
the WordPress import's models (a module of its own: neither imports the other's models)."""

from django.db import models


class NewsCategory(models.TextChoices):
    """The three kinds of message content allowed by KoBar Pasal 11."""

    KEGIATAN = "kegiatan", "Kegiatan instansi (Pasal 11 huruf a)"
    ISU = "isu", "Isu aktual daerah (Pasal 11 huruf b)"
    KEBIJAKAN = "kebijakan", "Kebijakan pemerintah pusat dan provinsi (Pasal 11 huruf c)"


CATEGORY_SHORT_LABELS = {
    NewsCategory.KEGIATAN: "Kegiatan instansi",
    NewsCategory.ISU: "Isu aktual daerah",
    NewsCategory.KEBIJAKAN: "Kebijakan pusat & provinsi",
}
