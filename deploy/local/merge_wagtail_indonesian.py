#!/usr/bin/env python3
"""Build locale/id/LC_MESSAGES/{django,djangojs}.mo from Wagtail's Indonesian catalogues plus ours.

Wagtail ships its Indonesian translations as `id_ID`, while Simpul's LANGUAGE_CODE is `id`
(Django's own catalogue is `id`, and gettext does not fall back from `id` to `id_ID`), so the
admin would show English. This merges every `wagtail/**/locale/id_ID/LC_MESSAGES/<domain>.mo`
into one catalogue per domain under the project's LOCALE_PATHS, copying entries verbatim
(plurals included). `djangojs` is the admin's JavaScript catalogue (Wagtail's JavaScriptCatalog
reads LOCALE_PATHS after `wagtail.admin`'s own folder, where only `id_ID` exists).

Wagtail's `id_ID` catalogue lacks about two thirds of the admin's messages and words some
others awkwardly; `locale/id/wagtail_additions/<domain>.po` holds Simpul's translations of
Wagtail's msgids and wins over Wagtail's. Edit those files, never the .mo. Run this again after
upgrading Wagtail or editing the additions (`make install` does when they changed); the
result is committed, so a clean clone has compiled catalogues. `--check` exits 1 when the
committed catalogues are not what the sources build.
"""

import ast
import re
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale" / "id"
DOMAINS = ("django", "djangojs")
HEADER = (
    b"Content-Type: text/plain; charset=UTF-8\n"
    b"Content-Transfer-Encoding: 8bit\n"
    b"Language: id\n"
    b"Plural-Forms: nplurals=1; plural=0;\n"
)


def read_mo(path: Path) -> dict[bytes, bytes]:
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    entries = {}
    for index in range(count):
        olen, ooff = struct.unpack(
            order + "2I", data[originals + 8 * index : originals + 8 * index + 8]
        )
        tlen, toff = struct.unpack(
            order + "2I", data[translations + 8 * index : translations + 8 * index + 8]
        )
        entries[data[ooff : ooff + olen]] = data[toff : toff + tlen]
    return entries


def build_mo(entries: dict[bytes, bytes]) -> bytes:
    keys = sorted(entries)
    ids = b"\0".join(keys) + b"\0"
    strs = b"\0".join(entries[k] for k in keys) + b"\0"
    start = 7 * 4 + 16 * len(keys)
    offsets, id_off, str_off = [], 0, 0
    for key in keys:
        offsets.append((len(key), start + id_off, len(entries[key]), start + len(ids) + str_off))
        id_off += len(key) + 1
        str_off += len(entries[key]) + 1
    output = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    output += b"".join(struct.pack("<2I", olen, ooff) for olen, ooff, _, _ in offsets)
    output += b"".join(struct.pack("<2I", tlen, toff) for _, _, tlen, toff in offsets)
    return output + ids + strs


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def read_po(path: Path) -> dict[bytes, bytes]:
    """The translated, non-fuzzy entries of a .po file as .mo keys and values (gettext's rules:
    `context\\x04msgid`, plural forms joined by NUL)."""
    entries: dict[bytes, bytes] = {}
    current: dict = {}
    fuzzy = False
    last = None

    def flush() -> None:
        nonlocal current, fuzzy, last
        strs = current.get("msgstr", {})
        if current.get("msgid") and strs and all(strs.values()) and not fuzzy:
            key = current["msgid"]
            if "msgid_plural" in current:
                key += "\0" + current["msgid_plural"]
            if "msgctxt" in current:
                key = current["msgctxt"] + "\x04" + key
            value = "\0".join(strs[index] for index in sorted(strs))
            entries[key.encode()] = value.encode()
        current, fuzzy, last = {}, False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            if current.get("msgstr"):
                flush()
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            if current.get("msgstr"):
                flush()
        elif match := _KEYWORD.match(line):
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and current.get("msgstr"):
                flush()
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                current.setdefault("msgstr", {})[int(index or 0)] = value
                last = ("msgstr", int(index or 0))
            else:
                current[keyword] = value
                last = (keyword, None)
        elif line.startswith('"') and last:
            value = ast.literal_eval(line)
            if last[0] == "msgstr":
                current["msgstr"][last[1]] += value
            else:
                current[last[0]] += value
        else:
            raise SystemExit(f"{path}:{number}: cannot read {line!r}")
    flush()
    return entries


def additions_path(domain: str) -> Path:
    return LOCALE / "wagtail_additions" / f"{domain}.po"


def build(domain: str) -> tuple[bytes, int, int]:
    import django
    import wagtail

    # Django's own Indonesian stays authoritative: project catalogues take precedence over
    # every app's, so a message Django already translates is not copied from Wagtail.
    django_ids: set[bytes] = set()
    for catalogue in Path(django.__file__).parent.glob(f"**/locale/id/LC_MESSAGES/{domain}.mo"):
        django_ids.update(read_mo(catalogue))
    merged: dict[bytes, bytes] = {}
    catalogues = sorted(
        Path(wagtail.__file__).parent.glob(f"**/locale/id_ID/LC_MESSAGES/{domain}.mo")
    )
    for catalogue in catalogues:
        for key, value in read_mo(catalogue).items():
            if key and key in django_ids:
                continue
            merged.setdefault(key, value)
    additions = read_po(additions_path(domain)) if additions_path(domain).exists() else {}
    merged.update(additions)
    merged[b""] = HEADER
    return build_mo(merged), len(catalogues), len(additions)


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for domain in DOMAINS:
        data, catalogues, additions = build(domain)
        target = LOCALE / "LC_MESSAGES" / f"{domain}.mo"
        if check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(str(target.relative_to(ROOT)))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(
            f"{domain}: {catalogues} Wagtail catalogues + {additions} of Simpul's "
            f"→ {target.relative_to(ROOT)}"
        )
    if stale:
        print("out of date (run deploy/local/merge_wagtail_indonesian.py):", *stale)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
