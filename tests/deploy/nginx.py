"""deploy/nginx/simpul.conf made runnable in a test's folder: its site for the base domain
`sintang.go.id`, proxying to a given upstream, inside a minimal nginx.conf."""

import getpass
import os
import shutil
from pathlib import Path

from tests.conftest import ROOT

BASE_DOMAIN = "sintang.go.id"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def write_config(folder: Path, *, upstream_port: int, listen_port: int) -> Path:
    """nginx.conf in `folder` (cache, temp files, pid and error log there too)."""
    template = (ROOT / "deploy" / "nginx" / "simpul.conf").read_text()
    assert "*.${SIMPUL_BASE_DOMAIN}" in template
    site = (
        template.replace("${SIMPUL_BASE_DOMAIN}", BASE_DOMAIN)
        .replace("server web:8000;", f"server 127.0.0.1:{upstream_port};")
        .replace("/var/cache/nginx/simpul", str(folder / "cache"))
        .replace("listen 80 default_server;", f"listen 127.0.0.1:{listen_port};")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        # As root, nginx's workers would drop to `nobody` and could not write the cache here.
        (f"user {getpass.getuser()};\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"{site}\n}}\n"
    )
    return conf
