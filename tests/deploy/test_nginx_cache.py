"""The deploy stack's nginx micro-cache, run for real with deploy/nginx/simpul.conf in front of a
stand-in application that answers the way Simpul's shared pages do (cms.caching.pages'
SHARED_CACHE_CONTROL): readers never queue behind a refresh, and no copy is served more than
a second past its expiry, however quiet the site has been."""

import http.server
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cms.caching.pages import SHARED_CACHE_CONTROL
from tests.faults.harness import free_port, wait_for_port

from .nginx import BASE_DOMAIN, NGINX, write_config

HOST = f"humas.{BASE_DOMAIN}"
UPSTREAM_SECONDS = 0.4  # how long the stand-in takes to render a page


class _App(http.server.ThreadingHTTPServer):
    """Page version n on its n-th request, after UPSTREAM_SECONDS."""

    daemon_threads = True

    def __init__(self, port: int):
        self.hits = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the stdlib's name
        with self.server.lock:
            self.server.hits += 1
            body = f"versi {self.server.hits}".encode()
        time.sleep(UPSTREAM_SECONDS)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", SHARED_CACHE_CONTROL)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def edge(tmp_path: Path):
    """(nginx base URL, the stand-in application) with the deploy config."""
    app_port, edge_port = free_port(), free_port()
    app = _App(app_port)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    conf = write_config(tmp_path, upstream_port=app_port, listen_port=edge_port)
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(edge_port, proc, seconds=10)
    except RuntimeError as exc:
        raise RuntimeError((tmp_path / "error.log").read_text()) from exc
    base = f"http://127.0.0.1:{edge_port}"
    yield base, app
    proc.terminate()
    proc.wait(timeout=10)
    app.shutdown()


def _get(base: str, path: str = "/berita/") -> tuple[str, str]:
    """(X-Cache-Status, body) of an anonymous GET through nginx."""
    request = urllib.request.Request(base + path, headers={"Host": HOST})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.headers["X-Cache-Status"], response.read().decode()


def _sleep_until(wall_time: float) -> None:
    time.sleep(max(0.0, wall_time - time.time()))


def _fetch_second(base: str) -> int:
    """A fresh copy fetched now, and the whole second it was stored in: nginx counts whole
    seconds, so a copy stored in second S with a 1 s lifetime expires when second S + 2
    begins, and may be served while it refreshes for the whole of that second."""
    assert _get(base)[0] == "MISS"
    return int(time.time())


def test_an_expired_page_is_refreshed_once_while_readers_get_the_copy_at_once(edge):
    base, app = edge
    stored = _fetch_second(base)
    assert _get(base) == ("HIT", "versi 1")
    _sleep_until(stored + 2.05)
    # The first reader after expiry starts one refresh in the background; it and everyone
    # arriving while it runs get the previous copy (the refresh takes 0.4 s).
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: _get(base), range(8)))
    assert {body for _, body in answers} == {"versi 1"}
    assert {status for status, _ in answers} <= {"STALE", "UPDATING"}
    deadline = time.monotonic() + 5
    seen = []
    while (answer := _get(base))[1] != "versi 2":
        seen.append(answer)
        assert time.monotonic() < deadline, f"the background refresh never landed: {seen}"
        time.sleep(0.1)
    assert app.hits == 2  # one upstream request for the nine readers of the expired copy


def test_after_a_quiet_spell_the_page_is_fetched_before_it_is_served(edge):
    base, app = edge
    stored = _fetch_second(base)
    _sleep_until(stored + 3.05)  # past its second of validity and its stale-while-revalidate one
    assert _get(base) == ("EXPIRED", "versi 2")
    assert app.hits == 2


def test_pages_with_a_session_or_a_cookie_are_not_taken_from_the_cache(edge):
    base, app = edge
    _get(base)
    request = urllib.request.Request(  # noqa: S310
        base + "/berita/", headers={"Host": HOST, "Cookie": "sessionid=abc"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        assert response.headers["X-Cache-Status"] == "BYPASS"
        assert response.read().decode() == "versi 2"
