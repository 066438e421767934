"""deploy/nginx/simpul.conf run for real: media only from the host's own folder and its public
folders, documents never straight from disk, and no path (encoded or not) climbs out."""

import http.client
import subprocess
from pathlib import Path

import pytest

from tests.deploy.nginx import BASE_DOMAIN, NGINX, write_config
from tests.faults.harness import free_port, wait_for_port

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def edge(tmp_path: Path):
    """(port of nginx with the deploy config, media folder) - no application behind it."""
    media = tmp_path / "media"
    for relative, data in {
        "humas/original_images/foto.png": b"foto",
        "humas/images/foto.width-400.png": b"rendisi",
        "humas/registri/sk/2026/sk-akun.pdf": PDF,
        "humas/documents/nota-dinas-internal.pdf": PDF,
        "diskominfo/evaluasi/laporan-2026-1.zip": b"zip",
        "dinkes/original_images/foto.png": b"foto dinkes",
    }.items():
        (media / relative).parent.mkdir(parents=True, exist_ok=True)
        (media / relative).write_bytes(data)
    port = free_port()
    conf = write_config(tmp_path, upstream_port=free_port(), listen_port=port)
    conf.write_text(conf.read_text().replace("/app/var/media/", f"{media}/"))
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc, seconds=10)
    except RuntimeError as exc:
        raise RuntimeError((tmp_path / "error.log").read_text()) from exc
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def _get(port: int, slug: str, raw_path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (curl --path-as-is)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest("GET", raw_path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", f"{slug}.{BASE_DOMAIN}")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_public_media_is_served_on_its_own_host_only(edge):
    assert _get(edge, "humas", "/media/humas/original_images/foto.png") == (200, b"foto")
    assert _get(edge, "humas", "/media/humas/images/foto.width-400.png") == (200, b"rendisi")
    assert _get(edge, "humas", "/media/humas/registri/sk/2026/sk-akun.pdf") == (200, PDF)
    assert _get(edge, "dinkes", "/media/humas/original_images/foto.png")[0] == 404


def test_documents_and_exports_are_never_served_from_disk(edge):
    assert _get(edge, "humas", "/media/humas/documents/nota-dinas-internal.pdf")[0] == 404
    assert _get(edge, "diskominfo", "/media/diskominfo/evaluasi/laporan-2026-1.zip")[0] == 404


@pytest.mark.parametrize(
    "raw_path",
    [
        "/media/dinkes/../humas/original_images/foto.png",
        "/media/dinkes/..%2fhumas/original_images/foto.png",
        "/media/dinkes/..%2Fhumas/registri/sk/2026/sk-akun.pdf",
        "/media/dinkes/%2e%2e/humas/original_images/foto.png",
        "/media/dinkes/original_images/../../humas/original_images/foto.png",
        "/media/dinkes/original_images/..%2f..%2fhumas/original_images/foto.png",
        "/media/dinkes/original_images/%2e%2e%2f%2e%2e%2fhumas/original_images/foto.png",
        "/media/dinkes/original_images/..%5c..%5chumas/original_images/foto.png",
        "/media/dinkes/registri/sk/../../../humas/documents/nota-dinas-internal.pdf",
    ],
)
def test_no_path_climbs_into_another_instansis_folder(edge, raw_path):
    status, body = _get(edge, "dinkes", raw_path)
    assert status == 404, (status, body[:100])
