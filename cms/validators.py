"""Validation rules of the public website: hashtags (Pasal 9e) and accessible colour contrast."""

import re

from django.core.exceptions import ValidationError

# A hashtag is "#" followed by letters and digits only (Unicode letters allowed, no spaces,
# no punctuation, no underscore), as the social-media platforms link them.
TAGAR_RE = re.compile(r"^#[^\W_]{1,50}$")
HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text


def split_tagar(value: str) -> list[str]:
    """The hashtags of a field written as `#satu #dua` (commas also accepted as separators)."""
    return [part for part in re.split(r"[\s,]+", value or "") if part]


def validate_tagar(value: str) -> None:
    """At least one hashtag; every one `#` + letters/digits, at most 10, no repeats."""
    tags = split_tagar(value)
    if not tags:
        raise ValidationError(
            "Isikan minimal satu tagar tema pesan (Pasal 9e), mis. #SintangSehat.",
            code="tagar_required",
        )
    bad = [t for t in tags if not TAGAR_RE.match(t)]
    if bad:
        raise ValidationError(
            "Tagar tidak sah: %(bad)s. Tagar diawali tanda # lalu huruf atau angka saja, "
            "tanpa spasi atau tanda baca (mis. #PekanImunisasi2026).",
            code="tagar_invalid",
            params={"bad": ", ".join(bad)},
        )
    if len(tags) > 10:
        raise ValidationError("Paling banyak 10 tagar.", code="tagar_too_many")
    lowered = [t.lower() for t in tags]
    if len(set(lowered)) != len(lowered):
        raise ValidationError("Ada tagar yang ditulis dua kali.", code="tagar_duplicate")


def normalise_tagar(value: str) -> str:
    return " ".join(split_tagar(value))


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR_RE.match(value or ""):
        raise ValidationError(
            "Warna ditulis dalam format heksadesimal #RRGGBB, mis. #0B5CAB.", code="colour"
        )


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of `#RRGGBB`."""
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio between two `#RRGGBB` colours (1.0 to 21.0)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
