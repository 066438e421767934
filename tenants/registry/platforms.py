"""The closed list of platforms an official account may use, mapped to Lampiran A categories.

Also the rules that turn the many spellings of an account's address into one canonical URL:
scheme, host case, `www.`/`m.` prefixes, host aliases (twitter.com → x.com), trailing slash,
fragments and tracking parameters (utm_*, fbclid, igshid, si, …).
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Lampiran A of Perbup KoBar 20/2017: the kinds of account an instansi may run.
CATEGORY_LABELS = {
    "blog": "Blog",
    "mikroblog": "Mikroblog",
    "berbagi_media": "Berbagi media",
    "jejaring_sosial": "Jejaring sosial",
    "kolaborasi": "Situs kolaborasi (wiki)",
    "forum": "Forum",
}


@dataclass(frozen=True)
class Platform:
    code: str
    label: str
    category: str
    hosts: tuple[str, ...] = ()  # canonical host first; empty: any host (websites, blogs, wikis)
    profile: str = ""  # canonical profile URL for a handle; "" when handles do not make URLs
    case_insensitive_path: bool = False


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "facebook",
        "Facebook",
        "jejaring_sosial",
        ("facebook.com", "fb.com", "fb.me"),
        "https://facebook.com/{handle}",
        True,
    ),
    Platform(
        "instagram",
        "Instagram",
        "berbagi_media",
        ("instagram.com", "instagr.am"),
        "https://instagram.com/{handle}",
        True,
    ),
    Platform(
        "x",
        "X (Twitter)",
        "mikroblog",
        ("x.com", "twitter.com"),
        "https://x.com/{handle}",
        True,
    ),
    Platform(
        "threads",
        "Threads",
        "mikroblog",
        ("threads.net", "threads.com"),
        "https://threads.net/@{handle}",
        True,
    ),
    Platform(
        "youtube",
        "YouTube",
        "berbagi_media",
        ("youtube.com",),
        "https://youtube.com/@{handle}",
        True,
    ),
    Platform(
        "tiktok",
        "TikTok",
        "berbagi_media",
        ("tiktok.com",),
        "https://tiktok.com/@{handle}",
        True,
    ),
    Platform(
        "linkedin",
        "LinkedIn",
        "jejaring_sosial",
        ("linkedin.com",),
        "https://linkedin.com/company/{handle}",
        True,
    ),
    Platform(
        "soundcloud",
        "SoundCloud",
        "berbagi_media",
        ("soundcloud.com",),
        "https://soundcloud.com/{handle}",
        True,
    ),
    Platform(
        "flickr",
        "Flickr",
        "berbagi_media",
        ("flickr.com",),
        "https://flickr.com/photos/{handle}",
        False,
    ),
    Platform(
        "slideshare",
        "SlideShare",
        "berbagi_media",
        ("slideshare.net",),
        "https://slideshare.net/{handle}",
        True,
    ),
    Platform("plurk", "Plurk", "mikroblog", ("plurk.com",), "https://plurk.com/{handle}", True),
    Platform("website", "Situs web", "blog"),
    Platform("blog", "Blog", "blog"),
    Platform("wiki", "Wiki", "kolaborasi"),
    Platform("forum", "Forum (mis. Kaskus)", "forum"),
)
PLATFORM_BY_CODE = {p.code: p for p in PLATFORMS}
PLATFORM_CHOICES = [(p.code, p.label) for p in PLATFORMS]
_PLATFORM_OF_HOST = {host: p for p in PLATFORMS for host in p.hosts}

# Query parameters that only track a click, never name the account (any host).
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "igsh", "si", "mc_cid", "mc_eid", "_ga"}
)
# On the platforms' own hosts the share buttons add more; there they never name an account.
PLATFORM_SHARE_PARAMS = frozenset(
    {
        "feature",
        "ref",
        "ref_src",
        "ref_url",
        "s",
        "t",
        "hl",
        "mibextid",
        "_rdr",
        "is_from_webapp",
        "sender_device",
        "app",
    }
)
HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "touch.", "mbasic.")
HANDLE_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# Profile paths that are not account names.
_NOT_HANDLES = frozenset(
    {"channel", "c", "user", "company", "in", "pages", "profile.php", "photos", "people", "watch"}
)


class UrlError(ValueError):
    """An address or handle that cannot name an account; the message is for the user."""


def category_of(platform: str) -> str:
    return PLATFORM_BY_CODE[platform].category if platform in PLATFORM_BY_CODE else "blog"


def _is_tracking(key: str, on_platform: bool) -> bool:
    key = key.lower()
    return (
        key.startswith("utm_")
        or key in TRACKING_PARAMS
        or (on_platform and key in PLATFORM_SHARE_PARAMS)
    )


def normalize_handle(handle: str) -> str:
    """A handle without `@`, spaces or case (platform handles are case-insensitive)."""
    handle = (handle or "").strip().lstrip("@").strip().lower()
    if not handle:
        return ""
    if not HANDLE_RE.match(handle):
        raise UrlError(
            "Nama akun hanya boleh berisi huruf, angka, titik, garis bawah atau tanda hubung "
            f"(tanpa spasi), paling panjang 100 karakter. Tertulis: «{handle}»."
        )
    return handle


def canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                changed = True
    platform = _PLATFORM_OF_HOST.get(host)
    return platform.hosts[0] if platform else host


def platform_for_url(url: str) -> Platform | None:
    """The platform whose host serves `url` (None for other hosts: websites, blogs, forums)."""
    return _PLATFORM_OF_HOST.get(urlsplit(url).hostname or "")


def normalize_url(raw: str) -> str:
    """One canonical spelling for an account address, or UrlError with a message to show."""
    raw = (raw or "").strip()
    if not raw:
        raise UrlError("Alamat (URL) akun wajib diisi.")
    if len(raw) > 500:
        raise UrlError("Alamat (URL) akun terlalu panjang (paling banyak 500 karakter).")
    typed = raw  # messages quote what the user wrote, not the address completed from it
    if any(ch.isspace() for ch in raw):
        raise UrlError(f"Alamat «{typed}» mengandung spasi; periksa kembali.")
    if "://" not in raw:
        if raw.startswith("//"):
            raw = raw[2:]
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"Alamat «{typed}» tidak dapat dibaca sebagai alamat web.") from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise UrlError("Alamat akun harus diawali http:// atau https://.")
    host = parts.hostname or ""
    if (
        not host
        or "." not in host
        or not re.fullmatch(r"[a-z0-9.-]+", host)
        or host.startswith((".", "-"))
        or ".." in host
        or not re.search(r"\.[a-z]{2,}$", host)
    ):
        raise UrlError(
            f"«{typed}» bukan alamat web yang lengkap; tulis seperti https://instagram.com/namaakun."
        )
    if parts.username or parts.password:
        raise UrlError("Alamat akun tidak boleh memuat nama pengguna atau kata sandi.")
    host = canonical_host(host)
    platform = _PLATFORM_OF_HOST.get(host)
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "").rstrip("/")
    if platform and platform.case_insensitive_path:
        path = path.lower()
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=False)
        if not _is_tracking(k, platform is not None)
    ]
    return urlunsplit(("https", netloc, path, urlencode(sorted(query)), ""))


def handle_from_url(url: str) -> str:
    """The account name a canonical platform URL names ("" when it names none)."""
    platform = platform_for_url(url)
    if platform is None:
        return ""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    for segment in segments:
        candidate = segment.lstrip("@")
        if candidate.lower() in _NOT_HANDLES:
            continue
        if HANDLE_RE.match(candidate):
            return candidate.lower()
        return ""
    return ""


def profile_url(platform: str, handle: str) -> str:
    """The canonical URL of `handle` on `platform` ("" when the platform has no profile URLs)."""
    spec = PLATFORM_BY_CODE.get(platform)
    if spec is None or not spec.profile or not handle:
        return ""
    return normalize_url(spec.profile.format(handle=handle))


def resolve_account_address(*, platform: str, url: str = "", handle: str = "") -> tuple[str, str]:
    """(canonical URL, handle) for an account given its URL, its handle, or both.

    The URL must be on the platform's own host when the platform has one, and a given handle
    must agree with the one the URL names.
    """
    spec = PLATFORM_BY_CODE.get(platform)
    if spec is None:
        raise UrlError(f"Platform {platform!r} tidak dikenal.")
    handle = normalize_handle(handle)
    if url:
        canonical = normalize_url(url)
        host = urlsplit(canonical).hostname
        if spec.hosts and host not in spec.hosts:
            raise UrlError(
                f"Alamat {canonical} bukan alamat {spec.label}; "
                f"akun {spec.label} beralamat di {spec.hosts[0]}."
            )
        if not spec.hosts and host in _PLATFORM_OF_HOST:
            other = _PLATFORM_OF_HOST[host]
            raise UrlError(f"Alamat {canonical} adalah akun {other.label}; pilih platform itu.")
        url_handle = handle_from_url(canonical)
        if spec.hosts and not url_handle:
            raise UrlError(f"Alamat {canonical} tidak menunjuk akun {spec.label} tertentu.")
        if handle and url_handle and handle != url_handle:
            raise UrlError(
                f"Nama akun @{handle} tidak sesuai dengan alamat {canonical} (@{url_handle})."
            )
        return canonical, handle or url_handle
    if not handle:
        raise UrlError("Isi alamat (URL) akun atau nama akunnya.")
    canonical = profile_url(platform, handle)
    if not canonical:
        raise UrlError(f"Untuk {spec.label}, alamat (URL) lengkap wajib diisi.")
    return canonical, handle
