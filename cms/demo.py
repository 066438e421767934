"""Demo content for `make demo`: identity, profile pages and news with generated images.

Runs inside one instansi's schema (core.steps.demo_steps) on every `provision_demo`, so
everything is looked up by slug first and only what is missing is made. Images are drawn with
Pillow on the spot: nothing is downloaded.
"""

import hashlib
import io
from datetime import datetime, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model

from . import services
from .models import IdentitySettings, NewsCategory, NewsIndexPage, NewsPage, StandardPage
from .provisioning import build_site

# Colour pairs with at least 4.5:1 contrast (checked by IdentitySettings.clean()).
PALETTE = ["#0B5CAB", "#00695C", "#8E2430", "#4A2A8A", "#7A4100", "#1F4E79", "#2E5E1E"]

PROFILE_PAGES = [
    (
        "visi-misi",
        "Visi dan Misi",
        "Visi: pelayanan publik yang terbuka, cepat, dan terpercaya. Misi: menyebarkan "
        "informasi yang faktual, menjawab masukan masyarakat, dan mendukung kebijakan daerah.",
    ),
    (
        "struktur-organisasi",
        "Struktur Organisasi",
        "Kepala instansi dibantu sekretaris, kepala bidang, dan kepala subbagian.",
    ),
    (
        "layanan",
        "Layanan",
        "Layanan informasi publik, pengaduan, dan konsultasi pada jam kerja.",
    ),
]


def photo_credit(short: str) -> str:
    """The demo's photo credit: the instansi's public-relations desk, named once ("Humas
    Setda", not "Humas Humas Setda")."""
    return short if short.lower().startswith("humas") else f"Humas {short}"


def _news_items(name: str, short: str) -> list[dict]:
    tag = "".join(ch for ch in short.title() if ch.isalnum()) or "Instansi"
    return [
        {
            "slug": "demo-kegiatan-rapat-koordinasi",
            "title": f"{short} gelar rapat koordinasi pelayanan publik",
            "lead": f"{name} menggelar rapat koordinasi untuk mempercepat pelayanan kepada "
            "masyarakat dan menyepakati target triwulan berikutnya.",
            "category": NewsCategory.KEGIATAN,
            "tagar": f"#{tag} #PelayananPublik",
            "days_ago": 3,
        },
        {
            "slug": "demo-isu-musim-hujan",
            "title": "Waspada banjir di musim hujan, warga diminta siaga",
            "lead": "Curah hujan tinggi diperkirakan berlangsung sepanjang bulan ini; warga "
            "bantaran sungai diminta memantau informasi resmi.",
            "category": NewsCategory.ISU,
            "tagar": "#SiagaBanjir #MusimHujan",
            "days_ago": 35,
        },
        {
            "slug": "demo-kebijakan-satu-data",
            "title": "Kebijakan Satu Data Indonesia mulai diterapkan di daerah",
            "lead": "Pemerintah pusat dan provinsi menetapkan standar data bersama; instansi "
            "daerah menyesuaikan tata kelola datanya.",
            "category": NewsCategory.KEBIJAKAN,
            "tagar": "#SatuDataIndonesia #KebijakanPusat",
            "days_ago": 70,
        },
    ]


def _colour_for(slug: str) -> str:
    return PALETTE[int(hashlib.sha256(slug.encode()).hexdigest(), 16) % len(PALETTE)]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without scalable default font
        return ImageFont.load_default()


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def draw_news_image(title: str, colour: str) -> bytes:
    """A 1200×675 JPEG: a gradient in the instansi's colour with the headline on it."""
    width, height = 1200, 675
    base = _hex_to_rgb(colour)
    image = PILImage.new("RGB", (width, height), base)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (1 - 0.45 * shade)) for c in base),
        )
    font = _font(56)
    words, lines, line = title.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 160 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = height - 80 - 70 * len(lines)
    for text in lines:
        draw.text((80, y), text, font=font, fill=(255, 255, 255))
        y += 70
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def draw_logo(short: str, colour: str) -> bytes:
    """A round 256×256 PNG logo with the instansi's initials."""
    size = 256
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([4, 4, size - 4, size - 4], fill=_hex_to_rgb(colour), outline=(255, 255, 255))
    initials = "".join(w[0] for w in short.split()[:2]).upper() or short[:2].upper()
    font = _font(110)
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(
        ((size - (box[2] - box[0])) / 2 - box[0], (size - (box[3] - box[1])) / 2 - box[1]),
        initials,
        font=font,
        fill=(255, 255, 255),
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _image(title: str, filename: str, data: bytes):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    image = Image(title=title, description=title)
    image.file = ImageFile(io.BytesIO(data), name=filename)
    image.save()
    return image


def create_demo_content(instansi) -> None:
    """Give one instansi a home page with identity, profile pages and three news (Pasal 11)."""
    home = build_site(instansi)
    short = instansi.short_name or instansi.name
    colour = _colour_for(instansi.schema_name)

    identity = IdentitySettings.objects.first()
    if identity.logo_id is None:
        identity.logo = _image(
            f"Logo {short}", f"logo-{instansi.schema_name}.png", draw_logo(short, colour)
        )
        identity.primary_colour = colour
        identity.primary_text_colour = "#FFFFFF"
        identity.phone = identity.phone or "(0565) 21000"
        identity.head_name = identity.head_name or "Drs. Kepala Instansi, M.Si."
        identity.head_title = identity.head_title or f"Kepala {short}"
        identity.address = f"Jl. Pemuda No. 1\n{instansi.name}"
        identity.full_clean()
        identity.save()
        services.identity_changed(schema_name=instansi.schema_name)

    profil = StandardPage.objects.child_of(home).filter(slug="profil").first()
    if profil is not None:
        existing = set(profil.get_children().values_list("slug", flat=True))
        for slug, title, intro in PROFILE_PAGES:
            if slug not in existing:
                profil.add_child(instance=StandardPage(title=title, slug=slug, intro=intro))

    news_index = NewsIndexPage.objects.child_of(home).first()
    if news_index is None:
        return
    existing = set(news_index.get_children().values_list("slug", flat=True))
    today = timezone.localdate()
    for item in _news_items(instansi.name, short):
        if item["slug"] in existing:
            continue
        day = today - timedelta(days=item["days_ago"])
        image = _image(
            item["title"],
            f"{item['slug']}.jpg",
            draw_news_image(item["title"], colour),
        )
        page = NewsPage(
            title=item["title"],
            slug=item["slug"],
            date=day,
            lead=item["lead"],
            category=item["category"],
            tagar=item["tagar"],
            image=image,
            image_alt=f"Ilustrasi berita: {item['title']}",
            image_credit=photo_credit(short),
            body=[
                (
                    "paragraph",
                    f"<p>{item['lead']}</p><p>Informasi lebih lanjut dapat "
                    "diperoleh melalui kanal resmi instansi.</p>",
                ),
                (
                    "quote",
                    {"quote": "Informasi yang faktual adalah hak masyarakat.", "source": short},
                ),
            ],
            first_published_at=timezone.make_aware(datetime.combine(day, time(9, 0))),
        )
        news_index.add_child(instance=page)
        page.save_revision().publish()
