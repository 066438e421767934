"""Reading a WordPress eXtended RSS export (WXR 1.0–1.2, what Tools › Export writes)."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - expat with its entity-expansion limits
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO
from urllib.parse import urlparse

from core.errors import SimpulError

NOT_WXR = "Berkas ini bukan ekspor WordPress (WXR) yang sah"


@dataclass
class Term:
    slug: str
    name: str
    parent: str = ""


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str = ""
    link: str = ""
    guid: str = ""
    slug: str = ""
    parent: int = 0
    menu_order: int = 0
    date: datetime | None = None  # the site's local time, as written
    date_gmt: datetime | None = None
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    password: str = ""
    attachment_url: str = ""
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0

    @property
    def thumbnail_id(self) -> int | None:
        value = self.meta.get("_thumbnail_id", "")
        return int(value) if value.isdigit() else None


@dataclass
class Export:
    title: str = ""
    site_url: str = ""
    wxr_version: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def host(self) -> str:
        return urlparse(self.site_url).netloc.lower()

    def of_type(self, *post_types: str) -> list[Item]:
        return [item for item in self.items if item.post_type in post_types]


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _text(el: ET.Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _int(value: str) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


def _children(el: ET.Element) -> dict[str, list[ET.Element]]:
    out: dict[str, list[ET.Element]] = {}
    for child in el:
        ns, name = _local(child.tag)
        prefix = "excerpt" if "excerpt" in ns else ("content" if "purl.org/rss" in ns else "")
        out.setdefault(f"{prefix}:{name}" if prefix else name, []).append(child)
    return out


def _first(children: dict, name: str) -> str:
    found = children.get(name)
    return _text(found[0]) if found else ""


def _item(el: ET.Element) -> Item | None:
    c = _children(el)
    wp_id = _int(_first(c, "post_id"))
    if not wp_id:
        return None
    item = Item(
        wp_id=wp_id,
        post_type=_first(c, "post_type").strip(),
        status=_first(c, "status").strip(),
        title=_first(c, "title").strip(),
        link=_first(c, "link").strip(),
        guid=_first(c, "guid").strip(),
        slug=_first(c, "post_name").strip(),
        parent=_int(_first(c, "post_parent")),
        menu_order=_int(_first(c, "menu_order")),
        date=_date(_first(c, "post_date")),
        creator=_first(c, "creator").strip(),
        content=_first(c, "content:encoded"),
        excerpt=_first(c, "excerpt:encoded"),
        password=_first(c, "post_password"),
        attachment_url=_first(c, "attachment_url").strip(),
        comments=len(c.get("comment", [])),
    )
    gmt = _date(_first(c, "post_date_gmt"))
    item.date_gmt = gmt.replace(tzinfo=UTC) if gmt else None
    for cat in c.get("category", []):
        term = Term(slug=cat.get("nicename", "").strip(), name=(cat.text or "").strip())
        if cat.get("domain") == "category":
            item.categories.append(term)
        elif cat.get("domain") == "post_tag":
            item.tags.append(term)
    for meta in c.get("postmeta", []):
        mc = _children(meta)
        item.meta[_first(mc, "meta_key")] = _first(mc, "meta_value")
    return item


def parse(source: str | IO[bytes]) -> Export:
    """The whole export, read in one pass; an item is dropped from memory once it is read."""
    export = Export()
    try:
        for event, el in ET.iterparse(source, events=("end",)):  # noqa: S314 - see import
            ns, name = _local(el.tag)
            if name == "item":
                item = _item(el)
                if item is not None:
                    export.items.append(item)
                el.clear()
            elif name == "author" and "wordpress.org/export" in ns:
                c = _children(el)
                login = _first(c, "author_login").strip()
                export.authors[login] = _first(c, "author_display_name").strip() or login
                el.clear()
            elif name == "category" and "wordpress.org/export" in ns:
                c = _children(el)
                export.categories.append(
                    Term(
                        slug=_first(c, "category_nicename").strip(),
                        name=_first(c, "cat_name").strip(),
                        parent=_first(c, "category_parent").strip(),
                    )
                )
                el.clear()
            elif name == "tag" and "wordpress.org/export" in ns:
                c = _children(el)
                export.tags.append(
                    Term(slug=_first(c, "tag_slug").strip(), name=_first(c, "tag_name").strip())
                )
                el.clear()
            elif name == "wxr_version":
                export.wxr_version = (el.text or "").strip()
            elif name == "base_site_url":
                export.site_url = (el.text or "").strip()
            elif name == "title" and event == "end" and not export.title and not ns:
                # The channel's title comes before any item's.
                export.title = (el.text or "").strip()
    except ET.ParseError as exc:
        raise SimpulError(f"{NOT_WXR}: {exc}.", field="export_file") from exc
    if not export.wxr_version:
        raise SimpulError(f"{NOT_WXR}: versi WXR tidak ditemukan.", field="export_file")
    return export


def uploads_path(url: str) -> str:
    """`2024/05/foto.jpg` for any address under wp-content/uploads, else ''."""
    path = urlparse(url).path if "://" in url or url.startswith("/") else url
    marker = "/wp-content/uploads/"
    index = path.find(marker)
    if index < 0:
        return ""
    return path[index + len(marker) :]


SIZE_SUFFIX = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")


def original_upload(path: str) -> str:
    """The original of a resized copy: `2024/05/foto-300x200.jpg` → `2024/05/foto.jpg`."""
    return SIZE_SUFFIX.sub("", path)


def attachment_sizes(item: Item) -> list[str]:
    """The resized copies WordPress made of an image (from its serialised metadata)."""
    meta = item.meta.get("_wp_attachment_metadata", "")
    return re.findall(r's:4:"file";s:\d+:"([^"/]+)"', meta)
