"""WordPress post content → the StreamField blocks of cms/blocks.py.

WordPress stores a post's body as the editor wrote it: classic-editor HTML with blank lines for
paragraphs and shortcodes (`[caption]`, `[gallery]`, `[embed]`, `[video]`, `[audio]`), or
Gutenberg markup whose blocks are HTML comments (`<!-- wp:image {"id":5} -->…`). Here both
become rich text (only what `RICH_TEXT_FEATURES` allows, canonicalised by Wagtail's own
Draftail converter: no scripts, no styles), image, video, quote and document blocks. Links to
the old site are rewritten to their new place, links to uploads to the imported file, and
links to gambling or spam sites are left out and reported.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from urllib.parse import parse_qs, urlparse

from bs4 import BeautifulSoup, NavigableString, Tag

from cms.blocks import RICH_TEXT_FEATURES

# --- what the converter needs from the import ---------------------------------------------------


class Resolver(Protocol):
    def image(self, *, wp_id: int | None, url: str) -> Any | None: ...

    def document(self, *, wp_id: int | None, url: str) -> Any | None: ...

    def file_url(self, url: str) -> str | None: ...

    def internal(self, url: str) -> str | None: ...

    def on_site(self, url: str) -> bool: ...


@dataclass
class Converted:
    blocks: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spam: list[str] = field(default_factory=list)
    text: str = ""

    def as_json(self) -> str:
        return json.dumps(self.blocks)


# --- spam ----------------------------------------------------------------------------------------

# Words of the gambling spam that hacked Indonesian government sites carry (in a domain or in a
# link's text). "bet" only as a whole word of the domain ("bet88", "bet-online"): as a substring
# it is in "alphabet" and "diabetes".
SPAM_WORDS = ("slot", "gacor", "togel", "judi", "casino", "kasino", "poker", "maxwin", "sbobet")
SPAM_TEXT = re.compile(
    r"\b(slot\w*|gacor|togel|judi\s*(online|bola)?|casino|kasino|poker|maxwin|sbobet|"
    r"bandar\s*(togel|judi|slot|bola)|scatter|jackpot)\b",
    re.IGNORECASE,
)


def is_spam_link(href: str, text: str = "") -> bool:
    host = urlparse(href).netloc.lower() if "//" in href else ""
    if host:
        if any(word in host for word in SPAM_WORDS):
            return True
        tokens = re.split(r"[.\-]", host)
        if any(re.fullmatch(r"bet\d*|\d*bet", token) for token in tokens):
            return True
    return bool(SPAM_TEXT.search(text or ""))


# --- Gutenberg blocks ------------------------------------------------------------------------------

BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<ns>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)"
    r"\s+(?P<attrs>\{(?:(?!-->).)*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)


@dataclass
class Block:
    name: str | None  # None: freeform HTML between blocks (the classic editor's content)
    attrs: dict = field(default_factory=dict)
    html: str = ""  # the block's markup with its inner blocks' comments taken out
    inner: list["Block"] = field(default_factory=list)


def parse_blocks(content: str) -> list[Block]:
    """WordPress's block grammar (class-wp-block-parser), enough for post content."""
    root = Block(name="root")
    stack: list[tuple[Block, int]] = [(root, 0)]
    position = 0
    for match in BLOCK_COMMENT.finditer(content):
        parent = stack[-1][0]
        text = content[position : match.start()]
        if text:
            if parent is root:
                if text.strip():
                    root.inner.append(Block(name=None, html=text))
            else:
                parent.html += text
        position = match.end()
        name = (match.group("ns") or "core/") + match.group("name")
        try:
            attrs = json.loads(match.group("attrs")) if match.group("attrs") else {}
        except ValueError:
            attrs = {}
        if match.group("closer"):
            if len(stack) > 1:
                block, _ = stack.pop()
                stack[-1][0].inner.append(block)
                if stack[-1][0] is not root:
                    stack[-1][0].html += block.html
            continue
        block = Block(name=name, attrs=attrs if isinstance(attrs, dict) else {})
        if match.group("void"):
            parent.inner.append(block)
        else:
            stack.append((block, match.start()))
    tail = content[position:]
    while len(stack) > 1:  # an unclosed block: keep what it held
        block, _ = stack.pop()
        block.html += tail
        tail = ""
        stack[-1][0].inner.append(block)
    if tail.strip():
        root.inner.append(Block(name=None, html=tail))
    return root.inner


# --- shortcodes ----------------------------------------------------------------------------------

SHORTCODE = re.compile(
    r"\[(?P<name>gallery|caption|wp_caption|embed|video|audio|playlist)\b(?P<attrs>[^\]]*)\]"
    r"(?:(?P<inner>(?:(?!\[(?:gallery|caption|wp_caption|embed|video|audio|playlist)\b).)*?)"
    r"\[/(?P=name)\])?",
    re.DOTALL,
)
ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
OTHER_SHORTCODE = re.compile(r"\[(/?)([a-z_][a-z0-9_-]*)((?:\s+[^\]]*)?)\]")
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
EMPTY_PARAGRAPH = re.compile(r'<p data-block-key="[^"]*">(?:\s|<br/?>)*</p>')


def shortcode_attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in ATTR.finditer(text)
    }


# --- plain HTML helpers -----------------------------------------------------------------------------

BLOCK_START = re.compile(
    r"^\s*(?:<(?:p|div|h[1-6]|ul|ol|li|table|blockquote|figure|pre|hr|dl|address|section|"
    r"iframe|script|style|form|article|aside|header|footer|nav)\b|\x00\d+\x00\s*$)",
    re.IGNORECASE,
)
VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "youtube-nocookie.com")
REMOVE_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "svg",
    "canvas",
    "head",
    "meta",
    "link",
    "iframe",
    "audio",
    "video",
    "source",
    "map",
    "template",
}
KEEP = {"p", "h2", "h3", "b", "i", "ol", "ul", "li", "a", "br"}
RENAME = {"strong": "b", "em": "i", "h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3"}
BLOCK_LEVEL = {"p", "h2", "h3", "ol", "ul"}


def autop(text: str) -> str:
    """The classic editor's paragraphs: blank lines separate them, single newlines are <br>."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    return "\n".join(out)


def is_video_url(url: str) -> bool:
    host = urlparse(url).netloc.lower()
    return any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS)


def video_watch_url(src: str) -> str:
    """An embed player's address (`/embed/ID`) as the watch address Wagtail's embed finder reads."""
    parsed = urlparse(src if "//" not in src or ":" in src.split("//")[0] else "https:" + src)
    match = re.match(r"^/embed/([\w-]+)", parsed.path)
    if "youtube" in parsed.netloc and match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"^/video/(\d+)", parsed.path)
    if "player.vimeo.com" in parsed.netloc and match:
        return f"https://vimeo.com/{match.group(1)}"
    return parsed.geturl()


def wp_image_id(tag: Tag) -> int | None:
    for cls in tag.get("class") or []:
        match = re.fullmatch(r"wp-image-(\d+)", cls)
        if match:
            return int(match.group(1))
    return None


def plain_text(html: str) -> str:
    if "<" not in html and "&" not in html:
        return re.sub(r"\s+", " ", html).strip()
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text(" ")).strip()


@cache
def _converter():
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    return ContentstateConverter(features=RICH_TEXT_FEATURES)


def canonical_rich_text(html: str) -> str:
    """What Wagtail's editor itself would store for this HTML (its whitelist, its markup)."""
    converter = _converter()
    return converter.to_database_format(converter.from_database_format(html))


# --- the conversion ---------------------------------------------------------------------------------


class ContentConverter:
    """Turns one item's content into blocks; one instance per item."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self.out = Converted()
        self._rich: list[str] = []
        self._specials: list[tuple[str, dict, str]] = []

    # entry point
    def convert(self, content: str) -> Converted:
        if "<!-- wp:" in content:
            for block in parse_blocks(content):
                self._block(block)
        else:
            self._html(content, classic=True)
        self._flush()
        return self.out

    # output
    def _warn(self, message: str) -> None:
        if message not in self.out.warnings:
            self.out.warnings.append(message)

    def _flush(self) -> None:
        html = "".join(self._rich).strip()
        self._rich = []
        if not html:
            return
        html = EMPTY_PARAGRAPH.sub("", canonical_rich_text(html))
        text = plain_text(html)
        if not text:
            return
        self.out.text = (self.out.text + " " + text).strip()
        if self.out.blocks and self.out.blocks[-1]["type"] == "paragraph":
            self.out.blocks[-1]["value"] += html
        else:
            self.out.blocks.append({"type": "paragraph", "value": html})

    def _emit(self, kind: str, value: dict) -> None:
        self._flush()
        self.out.blocks.append({"type": kind, "value": value})

    def _image(self, *, wp_id: int | None, url: str, alt: str = "", caption: str = "") -> None:
        image = self.resolver.image(wp_id=wp_id, url=url)
        if image is None:
            self._warn(f"Gambar tidak ditemukan dan tidak diimpor: {url or wp_id}")
            return
        alt = (alt or "").strip() or image.title
        self._emit(
            "image",
            {"image": image.pk, "alt": alt[:250], "caption": caption.strip()[:300], "credit": ""},
        )

    def _video(self, url: str, caption: str = "") -> None:
        url = url.strip()
        if is_video_url(url):
            self._emit("video", {"video": video_watch_url(url), "caption": caption.strip()[:300]})
        elif self.resolver.on_site(url) or "/wp-content/" in url:
            self._warn(f"Berkas video/audio tidak diimpor (jenis berkas tidak didukung): {url}")
        elif url:
            # Other embeds (social media posts, maps): a plain link keeps the reference.
            self._rich.append(f'<p><a href="{_attr(url)}">{_text(caption or url)}</a></p>')

    def _document(self, *, wp_id: int | None, url: str, title: str = "") -> None:
        document = self.resolver.document(wp_id=wp_id, url=url)
        if document is None:
            self._warn(f"Dokumen tidak ditemukan dan tidak diimpor: {url or wp_id}")
            return
        self._emit("document", {"document": document.pk, "title": (title or "").strip()[:200]})

    # Gutenberg
    def _block(self, block: Block) -> None:
        name = block.name
        if name is None:
            self._html(block.html, classic=True)
            return
        short = name.removeprefix("core/")
        attrs = block.attrs
        if short in (
            "paragraph",
            "heading",
            "list",
            "list-item",
            "table",
            "preformatted",
            "code",
            "verse",
            "freeform",
            "html",
            "missing",
        ):
            self._html(block.html, classic=short in ("freeform", "missing"))
        elif short == "shortcode":
            self._html(block.html, classic=True)
        elif short == "image":
            self._gutenberg_image(block)
        elif short == "gallery":
            if block.inner:
                for inner in block.inner:
                    self._block(inner)
            else:  # the gallery of WordPress before 5.9: ids in the attributes
                for image_id in attrs.get("ids") or []:
                    self._image(wp_id=_as_int(image_id), url="")
        elif short == "file":
            soup = BeautifulSoup(block.html, "html.parser")
            link = soup.find("a")
            url = attrs.get("href") or (link.get("href") if link else "") or ""
            self._document(
                wp_id=_as_int(attrs.get("id")), url=url, title=link.get_text() if link else ""
            )
        elif short == "embed" or name.startswith("core-embed/"):
            soup = BeautifulSoup(block.html, "html.parser")
            caption = soup.find("figcaption")
            url = attrs.get("url") or soup.get_text(" ").strip().split(" ")[0]
            self._video(url, caption.get_text(" ").strip() if caption else "")
        elif short in ("video", "audio"):
            soup = BeautifulSoup(block.html, "html.parser")
            media = soup.find(["video", "audio", "source"])
            self._video(attrs.get("src") or (media.get("src") if media else "") or "")
        elif short in ("quote", "pullquote"):
            self._quote(block.html)
        elif short in ("more", "nextpage", "separator", "spacer"):
            return
        elif block.inner:  # columns, group, cover, media-text, buttons and plugin containers
            if block.html.strip():
                self._html(BLOCK_COMMENT.sub("", _outside_inner(block)), classic=False)
            for inner in block.inner:
                self._block(inner)
        elif block.html.strip():
            self._warn(f"Blok “{name}” diubah menjadi teks biasa.")
            self._html(block.html, classic=False)
        else:
            self._warn(f"Blok dinamis “{name}” tidak dapat diimpor dan dilewati.")

    def _gutenberg_image(self, block: Block) -> None:
        soup = BeautifulSoup(block.html, "html.parser")
        img = soup.find("img")
        caption = soup.find("figcaption")
        if img is None and not block.attrs.get("id"):
            return
        self._image(
            wp_id=_as_int(block.attrs.get("id")) or (wp_image_id(img) if img else None),
            url=img.get("src", "") if img else "",
            alt=img.get("alt", "") if img else "",
            caption=caption.get_text(" ").strip() if caption else "",
        )

    def _quote(self, html: str) -> None:
        soup = BeautifulSoup(BLOCK_COMMENT.sub("", html), "html.parser")
        cite = soup.find("cite")
        source = cite.get_text(" ").strip() if cite else ""
        if cite:
            cite.decompose()
        paragraphs = [p.get_text(" ").strip() for p in soup.find_all("p")]
        text = "\n\n".join(p for p in paragraphs if p) or soup.get_text(" ").strip()
        if text:
            self._emit("quote", {"quote": re.sub(r"[ \t]+", " ", text), "source": source[:200]})

    # classic HTML and shortcodes
    def _html(self, html: str, *, classic: bool) -> None:
        specials: list[tuple[str, dict, str]] = []

        def keep(match: re.Match) -> str:
            specials.append(
                (
                    match.group("name"),
                    shortcode_attrs(match.group("attrs")),
                    match.group("inner") or "",
                )
            )
            return f"\n\n\x00{len(specials) - 1}\x00\n\n"

        html = SHORTCODE.sub(keep, html)
        html = self._strip_other_shortcodes(html)
        if classic:
            html = autop(html)
        parts = PLACEHOLDER.split(html)
        for index, part in enumerate(parts):
            if index % 2:
                self._shortcode(*specials[int(part)])
            elif part.strip():
                self._fragment(part)

    def _strip_other_shortcodes(self, html: str) -> str:
        names = {m.group(2) for m in OTHER_SHORTCODE.finditer(html)}
        for name in names:
            opening = re.compile(rf"\[{re.escape(name)}((?:\s+[^\]]*)?)\]")
            closing = f"[/{name}]"
            if closing in html or any("=" in m.group(1) for m in opening.finditer(html)):
                html = opening.sub("", html).replace(closing, "")
                self._warn(f"Shortcode [{name}] tidak dikenal dan dihapus (isinya dipertahankan).")
        return html

    def _shortcode(self, name: str, attrs: dict, inner: str) -> None:
        if name in ("caption", "wp_caption"):
            soup = BeautifulSoup(inner, "html.parser")
            img = soup.find("img")
            if img is None:
                self._fragment(inner)
                return
            link = img.find_parent("a")
            (link or img).extract()
            caption = attrs.get("caption") or soup.get_text(" ").strip()
            match = re.fullmatch(r"attachment_(\d+)", attrs.get("id", ""))
            self._image(
                wp_id=(wp_image_id(img) or (int(match.group(1)) if match else None)),
                url=img.get("src", ""),
                alt=img.get("alt", ""),
                caption=caption,
            )
        elif name == "gallery":
            ids = [
                _as_int(v)
                for v in re.split(r"[,\s]+", attrs.get("ids", "") or attrs.get("include", ""))
            ]
            ids = [i for i in ids if i]
            if not ids:
                self._warn("Galeri tanpa daftar gambar (ids) dilewati.")
            for image_id in ids:
                self._image(wp_id=image_id, url="")
        elif name == "embed":
            self._video(inner.strip() or attrs.get("src", ""))
        elif name in ("video", "audio"):
            src = attrs.get("src") or next(
                (
                    attrs[k]
                    for k in ("mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a")
                    if attrs.get(k)
                ),
                "",
            )
            self._video(src)
        elif name == "playlist":
            self._warn("Daftar putar [playlist] tidak dapat diimpor dan dilewati.")

    def _fragment(self, html: str) -> None:
        soup = BeautifulSoup(html, "html.parser")
        for node in list(soup.contents):
            self._node(node)

    def _node(self, node) -> None:
        if isinstance(node, NavigableString):
            if type(node) is NavigableString and node.strip():
                self._rich.append(f"<p>{_text(str(node))}</p>")
            return
        if not isinstance(node, Tag):
            return
        name = node.name.lower()
        if name in REMOVE_WITH_CONTENT and name != "iframe":
            return
        if name in ("figure", "div", "section", "article", "center") and node.find(
            ["img", "iframe", "figure", "blockquote"]
        ):
            for child in list(node.contents):
                self._node(child)
            return
        if name == "figure":
            return self._figure(node)
        if name == "blockquote":
            return self._quote(str(node))
        if name == "iframe":
            src = node.get("src", "")
            if is_video_url(src):
                self._video(src)
            else:
                self._warn(
                    f"Sematan iframe dari {urlparse(src).netloc or 'alamat tak dikenal'} dihapus."
                )
            return
        # Media inside a paragraph (or a link around it) come out as blocks after its text.
        media = []
        for img in node.find_all("img") if name != "img" else [node]:
            media.append(("image", img))
        for frame in node.find_all("iframe"):
            media.append(("iframe", frame))
        for kind, el in media:
            (el.find_parent("a") if kind == "image" and el.find_parent("a") else el).extract()
        if name != "img" and node.get_text().strip():
            self._rich.append(self._clean(node))
        for kind, el in media:
            if kind == "image":
                self._image(wp_id=wp_image_id(el), url=el.get("src", ""), alt=el.get("alt", ""))
            elif is_video_url(el.get("src", "")):
                self._video(el.get("src", ""))
            else:
                self._warn(
                    f"Sematan iframe dari {urlparse(el.get('src', '')).netloc or 'alamat tak dikenal'} dihapus."
                )

    def _figure(self, node: Tag) -> None:
        img = node.find("img")
        caption = node.find("figcaption")
        if img is not None:
            self._image(
                wp_id=wp_image_id(img),
                url=img.get("src", ""),
                alt=img.get("alt", ""),
                caption=caption.get_text(" ").strip() if caption else "",
            )
        elif node.get_text().strip():
            self._rich.append(self._clean(node))

    def _clean(self, node: Tag) -> str:
        """One element as rich text the editor allows; links rewritten, spam left out."""
        for el in node.find_all(REMOVE_WITH_CONTENT):
            el.decompose()
        for el in node.find_all("table"):
            self._warn("Tabel diubah menjadi paragraf teks (isi tabel tidak didukung).")
            for row in el.find_all("tr"):
                cells = [c.get_text(" ").strip() for c in row.find_all(["td", "th"])]
                p = BeautifulSoup("", "html.parser").new_tag("p")
                p.string = " | ".join(c for c in cells if c)
                row.replace_with(p)
            el.unwrap()
        elements = [node, *node.find_all(True)]
        for el in elements:
            if el.name is None:
                continue
            tag = el.name.lower()
            tag = RENAME.get(tag, tag)
            el.name = tag
            if tag == "a":
                self._link(el)
                continue
            if tag == "blockquote" or tag == "pre":
                el.name = "p"
                el.attrs = {}
            elif tag not in KEEP:
                if el is node:
                    el.name = "p"
                    el.attrs = {}
                else:
                    el.unwrap()
            else:
                el.attrs = {}
        return str(node)

    def _link(self, el: Tag) -> None:
        href = (el.get("href") or "").strip()
        text = el.get_text(" ").strip()
        el.attrs = {}
        if not href or href.lower().startswith(("javascript:", "data:", "#")):
            el.unwrap()
            return
        if is_spam_link(href, text):
            self.out.spam.append(href)
            self._warn(f"Tautan judi/spam tidak diimpor: {href} (“{text[:60]}”)")
            el.decompose()
            return
        if "/wp-content/uploads/" in href:
            document = self.resolver.document(wp_id=None, url=href)
            if document is not None:
                el.attrs = {"linktype": "document", "id": str(document.pk)}
                return
            new = self.resolver.file_url(href)
            if new:
                el.attrs = {"href": new}
            else:
                self._warn(f"Berkas yang ditautkan tidak ditemukan, tautannya dilepas: {href}")
                el.unwrap()
            return
        if self.resolver.on_site(href):
            el.attrs = {"href": self.resolver.internal(href) or _path_of(href)}
            return
        el.attrs = {"href": href}


def _outside_inner(block: Block) -> str:
    """A container's own text without that of its inner blocks (already added to its html)."""
    html = block.html
    for inner in block.inner:
        html = html.replace(inner.html, "", 1)
    return html if BeautifulSoup(html, "html.parser").get_text().strip() else ""


def _path_of(url: str) -> str:
    parsed = urlparse(url)
    path = parsed.path or "/"
    return path + (f"?{parsed.query}" if parsed.query else "")


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def query_id(url: str, key: str) -> int | None:
    values = parse_qs(urlparse(url).query).get(key)
    return _as_int(values[0]) if values else None


def convert(content: str, resolver: Resolver) -> Converted:
    return ContentConverter(resolver).convert(content)
