"""Factories for website tests: news pages and images, made in the current schema."""

import io
import itertools

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.models import NewsPage
from cms.selectors import news_index_page

_counter = itertools.count(1)


def make_image(title: str = "Foto uji", colour: str = "#336699"):
    data = io.BytesIO()
    PILImage.new("RGB", (64, 36), colour).save(data, "PNG")
    Image = get_image_model()
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(data.getvalue()), name=f"uji-{next(_counter)}.png")
    image.save()
    return image


def make_news(
    *,
    title: str | None = None,
    category: str = "kegiatan",
    tagar: str = "#UjiBerita",
    lead: str = "Teras berita uji.",
    publish: bool = True,
    image=None,
    **fields,
) -> NewsPage:
    n = next(_counter)
    index = news_index_page()
    fields.setdefault("slug", f"berita-uji-{n}")
    page = NewsPage(
        title=title or f"Berita uji {n}",
        lead=lead,
        category=category,
        tagar=tagar,
        image=image,
        image_alt="Foto kegiatan uji" if image else "",
        live=False,
        **fields,
    )
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
