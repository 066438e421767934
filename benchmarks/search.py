"""Search: query time of the regency-wide search over 50 instansi × 2,000 pages.

The index rows (`cms.portal.models.PortalSearchEntry`) are inserted directly, for instansi
seeded as rows without schemas (`bsr…`, removed afterwards): titles, summaries and bodies
drawn from an Indonesian vocabulary with a skewed (Zipf-like) frequency, so that some words
match a tenth of the corpus and others a handful of rows. The same texts go into the news
index (`PortalNewsItem.search_text`) so the portal's former substring search
(`search_text__contains`, unranked) runs over the same corpus in the same run as the baseline.

What is timed, per query, repeated: the selector's work for one results page as the view does
it (count of the ranked candidates, the first ten ranked entries with their instansi,
highlighted snippets for those ten, and whether there are more matches than are ranked),
and the same through Django's test client for `GET /cari/?q=…` (routing and template included).
Figures are printed with the ratio to the baseline; RESULTS.md is not written by this script
unless `--write` is given.

Usage: python benchmarks/search.py [--instansi 50] [--pages 2000] [--repeat 15] [--keep] [--reuse]
       [--write]
"""

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import migrate, setup_django, write_section  # noqa: E402

PREFIX = "bsr"
VOCABULARY = [
    "pelayanan",
    "layanan",
    "kesehatan",
    "masyarakat",
    "jalan",
    "jembatan",
    "banjir",
    "bencana",
    "sekolah",
    "pendidikan",
    "guru",
    "murid",
    "puskesmas",
    "rumah",
    "sakit",
    "vaksinasi",
    "imunisasi",
    "anak",
    "ibu",
    "hamil",
    "gizi",
    "stunting",
    "desa",
    "kelurahan",
    "kecamatan",
    "bupati",
    "wakil",
    "sekretaris",
    "daerah",
    "dinas",
    "badan",
    "kantor",
    "anggaran",
    "belanja",
    "pendapatan",
    "pajak",
    "retribusi",
    "izin",
    "usaha",
    "perizinan",
    "investasi",
    "pasar",
    "pedagang",
    "harga",
    "beras",
    "minyak",
    "pupuk",
    "petani",
    "nelayan",
    "perikanan",
    "peternakan",
    "sapi",
    "kambing",
    "ayam",
    "hutan",
    "sungai",
    "danau",
    "air",
    "bersih",
    "sampah",
    "lingkungan",
    "taman",
    "kota",
    "lampu",
    "listrik",
    "internet",
    "sinyal",
    "aplikasi",
    "informasi",
    "publik",
    "pengaduan",
    "aspirasi",
    "warga",
    "penduduk",
    "kependudukan",
    "akta",
    "kelahiran",
    "kartu",
    "keluarga",
    "ktp",
    "elektronik",
    "pemilu",
    "pilkada",
    "kampanye",
    "pengumuman",
    "lelang",
    "pengadaan",
    "barang",
    "jasa",
    "kontrak",
    "proyek",
    "pembangunan",
    "perbaikan",
    "pemeliharaan",
    "rehabilitasi",
    "renovasi",
    "gedung",
    "kantor",
    "balai",
    "festival",
    "budaya",
    "seni",
    "tari",
    "musik",
    "olahraga",
    "sepak",
    "bola",
    "turnamen",
    "pemuda",
    "karang",
    "taruna",
    "koperasi",
    "umkm",
    "pelatihan",
    "kerja",
    "lowongan",
    "pegawai",
    "aparatur",
    "disiplin",
    "apel",
    "upacara",
    "kunjungan",
    "rapat",
    "koordinasi",
    "sosialisasi",
    "penyuluhan",
    "bantuan",
    "sosial",
    "sembako",
    "lansia",
    "disabilitas",
    "perempuan",
    "perlindungan",
    "kekerasan",
    "keamanan",
    "ketertiban",
    "lalu",
    "lintas",
    "parkir",
    "angkutan",
    "terminal",
    "pelabuhan",
    "bandara",
    "transportasi",
    "pariwisata",
    "wisata",
    "pantai",
    "gunung",
    "kuliner",
    "hotel",
    "penginapan",
    "cuaca",
    "hujan",
    "kemarau",
    "kebakaran",
    "lahan",
    "asap",
    "kabut",
]  # noqa: SIM905 - a paragraph reads better than 150 quoted words
QUERIES = [
    ("kata umum", "layanan"),  # matches "pelayanan" and "layanan": the most frequent stem
    ("kata sedang", "jembatan"),
    ("kata jarang", "kabut"),
    ("dua kata", "vaksinasi anak"),
    ("frasa", '"air bersih"'),
    ("tak ada", "zzzkata"),
]


def _words(rng: random.Random, weights: list[float], count: int) -> str:
    return " ".join(rng.choices(VOCABULARY, weights=weights, k=count))


def seed(instansi_count: int, pages: int) -> list[int]:
    """`instansi_count` schema-less instansi with `pages` search entries and news items each."""
    from django.db import connection, transaction

    from cms.portal.models import PortalNewsItem, PortalSearchEntry
    from cms.portal.services import SEARCH_VECTOR
    from tenants.models import Instansi

    seeded = Instansi.objects.filter(schema_name__startswith=PREFIX)
    if (
        seeded.count() == instansi_count
        and PortalSearchEntry.objects.filter(instansi__in=seeded).count() == instansi_count * pages
    ):
        print("  reusing the seeded rows of an earlier run (--keep)", flush=True)
        return list(seeded.values_list("pk", flat=True))
    drop()
    rng = random.Random(20261202)  # noqa: S311 - benchmark data
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(VOCABULARY))]
    rng.shuffle(weights)
    # Keep the measured words where the comments above say they are.
    weights[VOCABULARY.index("layanan")] = weights[VOCABULARY.index("pelayanan")] = 0.6
    weights[VOCABULARY.index("kabut")] = 0.002
    rows = Instansi.objects.bulk_create(
        Instansi(schema_name=f"{PREFIX}{i:03d}", name=f"Instansi Cari {i:03d}")
        for i in range(instansi_count)
    )
    today = date.today()
    started = time.perf_counter()
    for inst in rows:
        entries, news = [], []
        for n in range(pages):
            title = _words(rng, weights, 6).capitalize()
            summary = _words(rng, weights, 25)
            body = _words(rng, weights, 120)
            day = today - timedelta(days=n % 700)
            kind = "berita" if n % 3 else "halaman"
            entries.append(
                PortalSearchEntry(
                    instansi=inst,
                    kind=kind,
                    object_id=n + 1,
                    title=title,
                    summary=summary,
                    body=body,
                    url_path=f"/halaman-{n}/",
                    date=day,
                    fingerprint="bench",
                )
            )
            news.append(
                PortalNewsItem(
                    instansi=inst,
                    page_id=n + 1,
                    title=title,
                    lead=summary,
                    url_path=f"/halaman-{n}/",
                    category="kegiatan",
                    date=day,
                    first_published_at=started_at(day),
                    last_published_at=started_at(day),
                    search_text=" ".join([title, summary]).lower(),
                )
            )
        with transaction.atomic():
            PortalSearchEntry.objects.bulk_create(entries, batch_size=1000)
            PortalNewsItem.objects.bulk_create(news, batch_size=1000)
            PortalSearchEntry.objects.filter(instansi=inst).update(search_vector=SEARCH_VECTOR)
    # The vectors were written by an UPDATE after the insert: vacuum the dead row versions as
    # autovacuum would in a running regency, or every scan reads twice the pages.
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {PortalSearchEntry._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {PortalNewsItem._meta.db_table}")
    print(
        f"  seeded {instansi_count} × {pages} entries in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return [inst.pk for inst in rows]


def started_at(day: date):
    from datetime import datetime
    from datetime import time as dtime

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, dtime(8, 0)))


def drop() -> None:
    from cms.portal.models import PortalNewsItem, PortalSearchEntry
    from tenants.models import Instansi

    rows = Instansi.objects.filter(schema_name__startswith=PREFIX)
    PortalSearchEntry.objects.filter(instansi__in=rows).delete()
    PortalNewsItem.objects.filter(instansi__in=rows).delete()
    rows.delete()


def one_page(query: str) -> tuple[int, int]:
    """What `cms.portal.views.search_context` asks of the database for page one."""
    from cms.portal.selectors import portal_search, portal_search_snippets

    results = portal_search(query=query)
    count = results.count()
    entries = list(results[:10])
    snippets = portal_search_snippets(query=query, entry_ids=[e.pk for e in entries])
    return count, len(snippets)


def substring_page(query: str) -> int:
    """The former portal search: every word a substring of `search_text`, newest first."""
    from cms.portal.selectors import portal_news_list

    results = portal_news_list(query=query.strip('"'))
    count = results.count()
    list(results[:10])
    return count


def _get(client, query: str) -> int:
    from django.db import reset_queries

    response = client.get("/cari/", {"q": query})
    reset_queries()
    if response.status_code != 200:
        raise RuntimeError(f"/cari/?q={query} answered {response.status_code}")
    return response.status_code


def one_page_more(query: str) -> tuple[int, int]:
    from cms.portal.selectors import MAX_RANKED, portal_search_has_more

    count, snippets = one_page(query)
    if count >= MAX_RANKED:
        portal_search_has_more(query=query)
    return count, snippets


def timed(fn, repeat: int) -> tuple[float, float, object]:
    fn()  # warm: plans, caches, buffers
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instansi", type=int, default=50)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the seeded rows")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip migrating (which removes schema-less rows) and reuse rows kept by --keep",
    )
    parser.add_argument("--write", action="store_true", help="write the RESULTS.md section")
    args = parser.parse_args()
    # DEBUG on: the page's static URLs need no collectstatic manifest; the query log it keeps
    # is emptied after every request (`_get`).
    setup_django(DEBUG="1")
    if not args.reuse:
        migrate()
    from django.test import Client

    from tenants.models import Instansi

    print(f"-- seeding {args.instansi} instansi × {args.pages} pages", flush=True)
    seed(args.instansi, args.pages)
    # Only the seeded instansi are searched (others of the bench database are archived).
    others = list(
        Instansi.objects.active()
        .exclude(schema_name__startswith=PREFIX)
        .values_list("pk", flat=True)
    )
    Instansi.objects.filter(pk__in=others).update(is_active=False)
    lines = [
        "| query | matches | search p50 ms | p95 ms | `/cari/` p50 ms | substring p50 ms "
        "| search ÷ substring |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        client = Client(HTTP_HOST="localhost")
        for label, query in QUERIES:
            p50, p95, (count, _) = timed(lambda q=query: one_page_more(q), args.repeat)
            view50, _, _ = timed(lambda q=query: _get(client, q), args.repeat)
            sub50, _, sub_count = timed(lambda q=query: substring_page(q), args.repeat)
            ratio = p50 / sub50 if sub50 else float("nan")
            line = (
                f"| {label}: `{query}` | {count} (substring: {sub_count}) | {p50:.1f} | "
                f"{p95:.1f} | {view50:.1f} | {sub50:.1f} | {ratio:.2f} |"
            )
            print(line, flush=True)
            lines.append(line)
    finally:
        Instansi.objects.filter(pk__in=others).update(is_active=True)
        if not args.keep:
            drop()
    body = (
        f"{args.instansi} instansi × {args.pages} entries ({args.instansi * args.pages:,} rows; "
        "'matches' is capped at the ranked candidates, the newest 1,000; "
        "6-word titles, 25-word summaries, 120-word bodies). 'search' is the selector's work "
        "for one results page (count, ten ranked entries, ten snippets); `/cari/` is the "
        "same through Django's test client; 'substring' is the former unranked "
        "`search_text__contains` over the same texts (the baseline of this run).\n\n"
        + "\n".join(lines)
    )
    print(body)
    if args.write:
        write_section(
            "search",
            f"python benchmarks/search.py --instansi {args.instansi} --pages {args.pages}",
            body,
        )


if __name__ == "__main__":
    main()
