"""Page types of an instansi's website and its identity settings (tenant schema).

Pages only render: lists come from `cms.selectors`, caching from the `cms.caching` package, and
what happens on publish (portal index, cache invalidation) from `cms.signals` → `cms.services`.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import LinkBlock, body_blocks
from .caching.pages import CachedPageMixin
from .categories import CATEGORY_SHORT_LABELS, NewsCategory
from .forms import CATEGORY_REQUIRED, TAGAR_REQUIRED, NewsPageForm
from .params import query_param
from .validators import (
    MIN_CONTRAST,
    contrast_ratio,
    normalise_tagar,
    split_tagar,
    validate_hex_colour,
    validate_tagar,
)

NEWS_PER_PAGE = 12


def _image_fk(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def _ratio(value: float) -> str:
    """A contrast ratio written the Indonesian way (decimal comma)."""
    return f"{value:.2f}".replace(".", ",")


def _clean_image_alt(image, alt: str, field: str) -> None:
    if image is not None and not (alt or "").strip():
        raise ValidationError({field: "Teks alternatif gambar wajib diisi bila gambar dipilih."})


class HomePage(CachedPageMixin, Page):
    """The instansi's front page: hero, latest news, featured services, accounts, contact."""

    hero_title = models.CharField("judul sambutan", max_length=200, blank=True)
    hero_intro = models.TextField("teks sambutan", blank=True)
    hero_image = _image_fk("gambar sambutan")
    hero_image_alt = models.CharField("teks alternatif gambar sambutan", max_length=250, blank=True)
    featured_links = StreamField(
        [("link", LinkBlock())],
        verbose_name="layanan dan tautan unggulan",
        blank=True,
        use_json_field=True,
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_intro"),
                FieldPanel("hero_image"),
                FieldPanel("hero_image_alt"),
            ],
            heading="Sambutan",
        ),
        FieldPanel("featured_links"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.StandardPage",
        "cms.ContactPage",
        "inbox_pages.InquiryFormPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "beranda"
        verbose_name_plural = "beranda"

    def clean(self):
        super().clean()
        _clean_image_alt(self.hero_image, self.hero_image_alt, "hero_image_alt")

    def route(self, request, path_components):
        from . import selectors

        if path_components:
            # The sections (berita, profil, kontak…) from the tenant's memo: no query.
            section = selectors.section_page(self, path_components[0])
            if section is not None:
                return section.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        # Pages of the request's own (copied from the memo) only if the template reads them:
        # the page's content is a shared fragment, rendered once per generation.
        context["latest_news"] = SimpleLazyObject(selectors.site_latest_news)
        context["official_accounts"] = selectors.official_accounts()
        context["news_index"] = SimpleLazyObject(selectors.site_news_index_page)
        context["contact_page"] = SimpleLazyObject(selectors.site_contact_page)
        context["hero_image"] = selectors.hero_image(self)
        return context


class NewsIndexPage(CachedPageMixin, RoutablePageMixin, Page):
    """The "berita" section: paginated news, filter by hashtag and category, RSS and Atom."""

    intro = models.TextField("pengantar", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "indeks berita"
        verbose_name_plural = "indeks berita"

    def route(self, request, path_components):
        # A news item from the tenant's memo, else in one query with its image (Wagtail's
        # Page.route takes two, the page and then its specific row); the feeds and other
        # sub-routes come first, as in RoutablePageMixin.route, anything else goes the usual way.
        if path_components and self.live:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                from . import selectors

                news = selectors.news_page_for_route(self, path_components[0])
                if news is not None:
                    return news.route(request, path_components[1:])
        return super().route(request, path_components)

    @path("")
    def index(self, request):
        from . import selectors

        tagar = query_param(request, "tagar", 60)
        category = query_param(request, "kategori", 16)
        news = selectors.news_list(index_page=self, tagar=tagar, category=category)
        paginator = Paginator(news, NEWS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("halaman", 1))
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404("Halaman tidak ditemukan.") from exc
        return self.render(
            request,
            context_overrides={
                "news_page": page_obj,
                "tagar": tagar,
                "category": category,
                "category_label": CATEGORY_SHORT_LABELS.get(category, ""),
                "categories": list(CATEGORY_SHORT_LABELS.items()),
            },
        )

    @path("rss/")
    def rss(self, request):
        from .feeds import NewsRssFeed

        return NewsRssFeed(self)(request)

    @path("atom/")
    def atom(self, request):
        from .feeds import NewsAtomFeed

        return NewsAtomFeed(self)(request)


class NewsPage(CachedPageMixin, Page):
    """A news item or press release, classified by Pasal 11 and themed by hashtags (Pasal 9e)."""

    date = models.DateField("tanggal", default=timezone.localdate)
    lead = models.TextField(
        "teras berita", max_length=600, help_text="Ringkasan satu-dua kalimat di awal berita."
    )
    category = models.CharField(
        "kategori pesan (Pasal 11)",
        max_length=16,
        choices=NewsCategory.choices,
        help_text="Pilih jenis materi pesan menurut Pasal 11.",
        error_messages={"blank": CATEGORY_REQUIRED, "invalid_choice": CATEGORY_REQUIRED},
    )
    tagar = models.CharField(
        "tagar",
        max_length=255,
        validators=[validate_tagar],
        error_messages={"blank": TAGAR_REQUIRED},
        help_text="Minimal satu tagar tema pesan, dipisah spasi, mis. #SintangSehat #Imunisasi.",
    )
    author_name = models.CharField(
        "penulis",
        max_length=120,
        blank=True,
        help_text="Nama penulis yang ditampilkan, mis. untuk berita lama yang diimpor.",
    )
    image = _image_fk("gambar utama")
    image_alt = models.CharField("teks alternatif gambar utama", max_length=250, blank=True)
    image_caption = models.CharField("keterangan gambar", max_length=300, blank=True)
    image_credit = models.CharField("kredit foto", max_length=120, blank=True)
    body = StreamField(body_blocks(), verbose_name="isi", blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("author_name"),
        FieldPanel("category"),
        FieldPanel("tagar"),
        FieldPanel("lead"),
        MultiFieldPanel(
            [
                FieldPanel("image"),
                FieldPanel("image_alt"),
                FieldPanel("image_caption"),
                FieldPanel("image_credit"),
            ],
            heading="Gambar utama",
        ),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("lead"),
        index.SearchField("tagar"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("date"),
    ]

    base_form_class = NewsPageForm

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "berita"
        verbose_name_plural = "berita"
        ordering = ["-date"]

    def clean(self):
        super().clean()
        if self.tagar:
            self.tagar = normalise_tagar(self.tagar)
        _clean_image_alt(self.image, self.image_alt, "image_alt")

    @property
    def tagar_list(self) -> list[str]:
        return split_tagar(self.tagar)

    @property
    def category_label(self) -> str:
        return CATEGORY_SHORT_LABELS.get(self.category, "")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The index this page was routed through (selectors.news_page_for_route), else its parent.
        news_index = getattr(self, "news_index", None)
        context["news_index"] = news_index if news_index is not None else self.get_parent().specific
        return context


class StandardPage(CachedPageMixin, Page):
    """Profile, vision and mission, structure, services: an intro and a free body."""

    intro = models.TextField("pengantar", blank=True)
    body = StreamField(body_blocks(), verbose_name="isi", blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = "halaman standar"
        verbose_name_plural = "halaman standar"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["children"] = selectors.public(self.get_children().live()).specific()
        return context


class ContactPage(CachedPageMixin, Page):
    """The instansi's contact details (from its identity settings) and extra notes."""

    intro = models.TextField("pengantar", blank=True)
    body = StreamField(body_blocks(), verbose_name="isi", blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "halaman kontak"
        verbose_name_plural = "halaman kontak"


@register_setting(icon="site")
class IdentitySettings(BaseGenericSetting):
    """Who the instansi is on its website: name, logo, colours, contacts, head of instansi."""

    name = models.CharField("nama instansi", max_length=200)
    short_name = models.CharField("nama singkat", max_length=60, blank=True)
    tagline = models.CharField("slogan", max_length=200, blank=True)
    logo = _image_fk("logo")
    primary_colour = models.CharField(
        "warna utama",
        max_length=7,
        default="#0B5CAB",
        validators=[validate_hex_colour],
        help_text="Warna kepala situs dan tautan, format #RRGGBB.",
    )
    primary_text_colour = models.CharField(
        "warna teks di atas warna utama",
        max_length=7,
        default="#FFFFFF",
        validators=[validate_hex_colour],
        help_text="Kontras dengan warna utama minimal 4,5 : 1 (WCAG 2.1 AA).",
    )
    address = models.TextField("alamat", blank=True)
    phone = models.CharField("telepon", max_length=40, blank=True)
    email = models.EmailField("e-mail", blank=True)
    office_hours = models.CharField("jam layanan", max_length=200, blank=True)
    head_name = models.CharField("nama kepala instansi", max_length=200, blank=True)
    head_title = models.CharField("jabatan kepala instansi", max_length=200, blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("tagline")],
            heading="Nama",
        ),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("primary_colour"), FieldPanel("primary_text_colour")],
            heading="Logo dan warna",
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("office_hours"),
            ],
            heading="Kontak",
        ),
        MultiFieldPanel(
            [FieldPanel("head_name"), FieldPanel("head_title")], heading="Kepala instansi"
        ),
    ]

    select_related = ["logo"]  # every page shows the logo: load() fetches it in the same query

    class Meta:
        verbose_name = "identitas instansi"
        verbose_name_plural = "identitas instansi"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        super().clean()
        errors = {}
        colours_valid = all(
            len(c or "") == 7 and c.startswith("#")
            for c in (self.primary_colour, self.primary_text_colour)
        )
        if colours_valid:
            try:
                pair = contrast_ratio(self.primary_colour, self.primary_text_colour)
                on_white = contrast_ratio(self.primary_colour, "#FFFFFF")
            except ValueError:
                return
            if pair < MIN_CONTRAST:
                errors["primary_text_colour"] = (
                    f"Kontras warna teks dengan warna utama hanya {_ratio(pair)} : 1; "
                    f"minimal {_ratio(MIN_CONTRAST)} : 1 agar terbaca (WCAG 2.1 AA)."
                )
            if on_white < MIN_CONTRAST:
                errors["primary_colour"] = (
                    f"Warna utama dipakai untuk tautan di atas latar putih; kontrasnya hanya "
                    f"{_ratio(on_white)} : 1, minimal {_ratio(MIN_CONTRAST)} : 1 (WCAG 2.1 AA). "
                    "Pilih warna yang lebih gelap."
                )
        if errors:
            raise ValidationError(errors)


# The WordPress import's models live in their own package and belong to this app.
from .wordpress.models import (  # noqa: E402, F401
    WordPressCategoryMap,
    WordPressImportRecord,
    WordPressImportRun,
    WordPressUrl,
)
