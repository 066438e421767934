"""Helpers for inbox tests: API clients with a real token of one instansi."""

from tenants.models import Instansi
from tenants.services import api_token_create
from tests.conftest import tenant_client


def api_client(slug: str):
    """A test client on `slug`'s host that sends a fresh API token of `slug`."""
    instansi = Instansi.objects.get(schema_name=slug)
    _, key = api_token_create(instansi=instansi, name=f"uji-{slug}")
    client = tenant_client(slug)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def post(client, path: str, data: dict | None = None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(path, data or {}, content_type="application/json", **extra)


def live_request(
    live_server_url: str,
    slug: str | None,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict | None = None,
) -> tuple[int, dict]:
    """One HTTP request to the live server for `slug`'s host (Python does not resolve
    *.localhost, so connect to 127.0.0.1 and send the Host header)."""
    import http.client
    import json
    from urllib.parse import urlparse

    from tests.conftest import host_of

    port = urlparse(live_server_url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Host": f"{host_of(slug)}:{port}", "Content-Type": "application/json"}
        all_headers.update(headers or {})
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw.decode(errors="replace")}
        return response.status, parsed
    finally:
        conn.close()


def random_ip() -> str:
    """A fresh client address, so per-IP limits counted by earlier runs never interfere."""
    import secrets

    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
