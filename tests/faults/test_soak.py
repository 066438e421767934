"""Load with correctness (`make soak`): 64 readers across tenants plus inquiry writers.

Runs only with `--run-soak` (10 minutes; `--soak-seconds` shortens it). A gunicorn server on
the test database serves the test regency plus two instansi with demo content; 64 reader
threads browse their sites, the portal and the API while writer threads submit inquiries
through the API. At the end: 0 errors, every accepted inquiry stored exactly as sent, and the
server's memory (RSS of gunicorn and its workers) flat between the first and the last minute.
"""

import random
import statistics
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.conftest import TEST_PASSWORD, _test_database_url

from . import harness

pytestmark = pytest.mark.soak

READERS = 64
WRITERS = 4
WRITE_PAUSE = 0.5  # seconds between two inquiries of one writer
WARM_UP = 15  # seconds of traffic before memory is measured
# Flat: the last minute's RSS may exceed the first minute's by this share plus this slack.
RSS_GROWTH_SHARE = 0.15
RSS_SLACK_MB = 40


def _rss_mb(root_pid: int) -> float:
    """Resident memory of a process and its children (gunicorn master and workers), in MB."""
    pids = {root_pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == root_pid:
            pids.add(int(stat.parent.name))
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@pytest.fixture(scope="module")
def regency(django_db_setup, django_db_blocker):
    """Two committed instansi with demo content and API tokens, next to the test regency."""
    from django_tenants.utils import schema_context

    from tenants.models import Instansi
    from tenants.services import api_token_create, instansi_provision

    tag = uuid.uuid4().hex[:5]
    slugs = [f"sk{tag}a", f"sk{tag}b"]
    with django_db_blocker.unblock():
        try:
            tokens = {}
            for slug in slugs:
                instansi = instansi_provision(
                    slug=slug, name=f"Dinas Uji Beban {slug}", admin_password=TEST_PASSWORD
                ).instansi
                for step in harness.own_demo_steps():
                    with schema_context(slug):
                        step.run(instansi)
                tokens[slug] = api_token_create(instansi=instansi, name="uji-beban")[1]
            connection.set_schema_to_public()
            readable = [i.schema_name for i in Instansi.objects.active()]
            yield {"slugs": slugs, "tokens": tokens, "hosts": readable}
        finally:
            connection.set_schema_to_public()
            harness.purge_instansi(slugs)


def _read_targets(base: str, regency: dict) -> list[tuple[str, str, dict]]:
    """(url, host, headers) a citizen or an integration reads; all must answer 200."""
    targets = [(f"{base}/", "localhost", {})]
    for slug in regency["hosts"]:
        host = f"{slug}.localhost"
        targets += [(f"{base}/", host, {}), (f"{base}/berita/", host, {})]
    for slug, token in regency["tokens"].items():
        host = f"{slug}.localhost"
        targets += [
            (f"{base}/tanya/", host, {}),
            (f"{base}/api/v1/inquiries/?limit=5", host, {"Authorization": f"Token {token}"}),
        ]
    # News pages of the demo content, found through the news section's links.
    page = requests.get(
        f"{base}/berita/", headers={"Host": f"{regency['slugs'][0]}.localhost"}, timeout=30
    )
    for href in sorted(set(_links(page.text, "/berita/")))[:4]:
        targets.append((base + href, f"{regency['slugs'][0]}.localhost", {}))
    return targets


def _links(html: str, prefix: str) -> list[str]:
    from bs4 import BeautifulSoup

    return [
        a["href"]
        for a in BeautifulSoup(html, "html.parser").find_all("a", href=True)
        if a["href"].startswith(prefix) and a["href"].count("/") == 3 and "?" not in a["href"]
    ]


def test_soak_readers_and_writers(regency, request, tmp_path, django_db_blocker, capsys):
    from django.conf import settings

    from inbox.models import Inquiry

    seconds = request.config.getoption("--soak-seconds")
    env = harness.app_env(
        DATABASE_URL=_test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        SIMPUL_CACHE_PREFIX=f"soak-{uuid.uuid4().hex[:6]}",
        # The soak measures the app, not the citizen form's per-IP limit (one client IP here).
        SIMPUL_THROTTLE_ANON="100000/min",
    )
    stop = threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: Counter = Counter()
    error_samples: list[str] = []
    sent: dict[str, tuple[str, str]] = {}  # tracking code -> (slug, body)
    write_errors: list[str] = []
    retries: list[str] = []
    rss: list[tuple[float, float]] = []

    with harness.app_server(
        env, tmp_path / "gunicorn.log", gunicorn=True, workers=3, threads=8
    ) as server:
        targets = _read_targets(server.url, regency)
        for url, host, headers in targets:  # every target works before the load starts
            response = requests.get(url, headers={"Host": host, **headers}, timeout=30)
            assert response.status_code == 200, (url, host, response.status_code)

        def reader(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            while not stop.is_set():
                url, host, headers = rng.choice(targets)
                started = time.perf_counter()
                try:
                    response = session.get(url, headers={"Host": host, **headers}, timeout=30)
                    status = response.status_code
                except requests.RequestException as exc:
                    status = exc.__class__.__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors[status] += 1
                        if len(error_samples) < 10:
                            error_samples.append(f"{status} {host}{url[len(server.url) :]}")

        def writer(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            while not stop.is_set():
                slug = rng.choice(regency["slugs"])
                body = f"Pesan uji beban {uuid.uuid4()}"
                # As the API asks of its clients: an Idempotency-Key, and the same request sent
                # again when the connection dropped (a kept-alive connection closed by the
                # server just as the request left). The key makes the retry safe.
                headers = {
                    "Host": f"{slug}.localhost",
                    "Authorization": f"Token {regency['tokens'][slug]}",
                    "Idempotency-Key": str(uuid.uuid4()),
                }
                payload = {"kind": rng.choice(["pertanyaan", "saran", "kritik"]), "body": body}
                for attempt in range(2):
                    try:
                        response = session.post(
                            f"{server.url}/api/v1/inquiries/",
                            headers=headers,
                            json=payload,
                            timeout=30,
                        )
                    except requests.ConnectionError as exc:
                        if attempt == 0:
                            with lock:
                                retries.append(exc.__class__.__name__)
                            continue
                        write_errors.append(exc.__class__.__name__)
                        break
                    except requests.RequestException as exc:
                        write_errors.append(exc.__class__.__name__)
                        break
                    if response.status_code == 201:
                        with lock:
                            sent[response.json()["tracking_code"]] = (slug, body)
                    else:
                        write_errors.append(f"{response.status_code} {response.text[:120]}")
                    break
                stop.wait(WRITE_PAUSE)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
        threads += [threading.Thread(target=writer, args=(1000 + i,)) for i in range(WRITERS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            while time.monotonic() - started < seconds:
                time.sleep(2)
                elapsed = time.monotonic() - started
                if elapsed >= min(WARM_UP, seconds / 4):
                    rss.append((elapsed, _rss_mb(server.proc.pid)))
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        duration = time.monotonic() - started

    with django_db_blocker.unblock():
        stored = dict(
            Inquiry.objects.filter(tracking_code__in=list(sent)).values_list(
                "tracking_code", "body"
            )
        )
        stored_owner = dict(
            Inquiry.objects.filter(tracking_code__in=list(sent)).values_list(
                "tracking_code", "instansi__schema_name"
            )
        )
        per_instansi = {
            slug: Inquiry.objects.filter(instansi__schema_name=slug).count()
            for slug in regency["slugs"]
        }
    lost = [code for code in sent if code not in stored]
    altered = [
        code
        for code, (slug, body) in sent.items()
        if code in stored and (stored[code] != body or stored_owner[code] != slug)
    ]
    window = max(2.0, min(60.0, duration / 4))
    measured_from = rss[0][0] if rss else 0.0
    first = [mb for t, mb in rss if t <= measured_from + window]
    last = [mb for t, mb in rss if t >= duration - window]
    first_mb = statistics.mean(first) if first else 0.0
    last_mb = statistics.mean(last) if last else 0.0
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    summary = (
        f"\nSOAK {duration:.0f} s: {READERS} pembaca, {WRITERS} penulis, "
        f"{len(regency['hosts'])} instansi + portal\n"
        f"  baca   : {len(latencies)} permintaan ({len(latencies) / duration:.0f}/s), "
        f"galat {sum(errors.values())} {dict(errors)}\n"
        f"  latensi: p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms\n"
        f"  tulis  : {len(sent)} pesan diterima, {len(write_errors)} galat, "
        f"{len(retries)} dikirim ulang (kunci idempotensi yang sama), "
        f"{len(lost)} hilang, {len(altered)} berubah; per instansi {per_instansi}\n"
        f"  memori : RSS menit pertama {first_mb:.0f} MB, menit terakhir {last_mb:.0f} MB "
        f"(jendela {window:.0f} s)\n"
    )
    with capsys.disabled():
        print(summary)
    (harness.ROOT / "var").mkdir(exist_ok=True)
    (harness.ROOT / "var" / "soak-summary.txt").write_text(summary, encoding="utf-8")

    assert not errors, error_samples
    assert not write_errors, write_errors[:5]
    assert sent, "no inquiry was written"
    assert not lost and not altered, (lost[:5], altered[:5])
    assert sum(per_instansi.values()) == len(sent)  # nothing extra either
    assert last_mb <= first_mb * (1 + RSS_GROWTH_SHARE) + RSS_SLACK_MB, summary
