"""In the deploy stack a document leaves through nginx's internal location once Wagtail's serve
view has checked its privacy (SIMPUL_DOCUMENTS_X_ACCEL): the app answers with
X-Accel-Redirect, nginx sends the file, and no client reaches the internal location itself."""

import http.client
import http.server
import subprocess
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import schema_context

from tests.conftest import tenant_client
from tests.deploy.nginx import BASE_DOMAIN, NGINX, write_config
from tests.faults.harness import free_port, wait_for_port

from .test_media import PDF, media_root, private_document  # noqa: F401 - fixtures


@pytest.fixture
def x_accel(settings):
    from wagtail.utils.sendfile import _get_sendfile

    settings.SENDFILE_BACKEND = "simpul.sendfile_nginx"
    _get_sendfile.clear()
    yield
    _get_sendfile.clear()


@pytest.mark.django_db
def test_the_app_hands_a_public_document_to_nginx_after_the_check(
    media_root,  # noqa: F811
    private_document,  # noqa: F811
    x_accel,
):
    from wagtail.documents.models import Document

    with schema_context("humas"):
        public = Document(title="Laporan tahunan")
        public.file.save("laporan-tahunan.pdf", ContentFile(PDF), save=False)
        public.save()
    client = tenant_client("humas")
    name = public.file.name.rsplit("/", 1)[-1]
    served = client.get(f"/documents/{public.pk}/{name}")
    assert served.status_code == 200
    assert served["X-Accel-Redirect"] == f"/_dokumen/humas/documents/{name}"
    assert served["Content-Type"] == "application/pdf"

    private_name = private_document.file.name.rsplit("/", 1)[-1]
    refused = client.get(f"/documents/{private_document.pk}/{private_name}")
    assert refused.status_code == 302 and "X-Accel-Redirect" not in refused


class _App(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers every request as the serve view does after its check."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.send_response(200)
        self.send_header("X-Accel-Redirect", "/_dokumen/humas/documents/nota.pdf")
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _get(port: int, path: str) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers={"Host": f"humas.{BASE_DOMAIN}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.getheader("Content-Type", "")


def test_nginx_sends_the_file_and_refuses_the_internal_location(tmp_path: Path):
    media = tmp_path / "media"
    (media / "humas" / "documents").mkdir(parents=True)
    (media / "humas" / "documents" / "nota.pdf").write_bytes(PDF)
    app_port, port = free_port(), free_port()
    app = _App(("127.0.0.1", app_port), _Handler)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    conf = write_config(tmp_path, upstream_port=app_port, listen_port=port)
    conf.write_text(conf.read_text().replace("/app/var/media/", f"{media}/"))
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc, seconds=10)
        status, body, content_type = _get(port, "/documents/7/nota.pdf")
        assert (status, body) == (200, PDF)
        assert content_type == "application/pdf"
        assert _get(port, "/_dokumen/humas/documents/nota.pdf")[0] == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        app.shutdown()
