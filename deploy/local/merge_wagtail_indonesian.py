#!/usr/bin/env python3
"""Build locale/id/LC_MESSAGES/django.mo from Wagtail's Indonesian catalogues.

Wagtail ships its Indonesian translations as `id_ID`, while Simpul's LANGUAGE_CODE is `id`
(Django's own catalogue is `id`, and gettext does not fall back from `id` to `id_ID`), so the
admin would show English. This merges every `wagtail/**/locale/id_ID/LC_MESSAGES/django.mo`
into one catalogue under the project's LOCALE_PATHS, copying entries verbatim (plurals
included). Run it again after upgrading Wagtail; the result is committed.
"""

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


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


def write_mo(entries: dict[bytes, bytes], path: Path) -> None:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(output + ids + strs)


def main() -> None:
    import django
    import wagtail

    # Django's own Indonesian stays authoritative: project catalogues take precedence over
    # every app's, so a message Django already translates is not copied from Wagtail.
    django_ids: set[bytes] = set()
    for catalogue in Path(django.__file__).parent.glob("**/locale/id/LC_MESSAGES/django.mo"):
        django_ids.update(read_mo(catalogue))
    merged: dict[bytes, bytes] = {}
    catalogues = sorted(Path(wagtail.__file__).parent.glob("**/locale/id_ID/LC_MESSAGES/django.mo"))
    for catalogue in catalogues:
        for key, value in read_mo(catalogue).items():
            if key and key in django_ids:
                continue
            merged.setdefault(key, value)
    target = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.mo"
    write_mo(merged, target)
    print(
        f"{len(merged)} messages from {len(catalogues)} Wagtail catalogues → {target.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    sys.exit(main())
