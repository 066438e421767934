"""The deploy stack's files are valid: compose config, nginx syntax, gunicorn config, image recipe."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"


def test_compose_file_validates():
    result = subprocess.run(
        ["docker-compose", "-f", str(DEPLOY / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env={**os.environ, "SECRET_KEY": "x" * 40},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    for service in ("postgres", "redis", "migrate", "web", "worker", "beat", "nginx"):
        assert re.search(rf"^  {service}:$", result.stdout, re.M), service


def test_compose_refuses_to_run_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        ["docker-compose", "-f", str(DEPLOY / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_nginx_config_is_valid_with_wildcard_hosts(tmp_path: Path):
    template = (DEPLOY / "nginx" / "simpul.conf").read_text()
    assert "*.${SIMPUL_BASE_DOMAIN}" in template
    site = (
        template.replace("${SIMPUL_BASE_DOMAIN}", "sintang.go.id")
        .replace("server web:8000;", "server 127.0.0.1:8000;")
        .replace("/var/cache/nginx/simpul", str(tmp_path / "cache"))
        .replace("listen 80 default_server;", "listen 127.0.0.1:18080;")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n{site}\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_loads():
    namespace: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    assert namespace["bind"].startswith("0.0.0.0:") and namespace["workers"] >= 1


def test_dockerfile_is_multi_stage_and_non_root():
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("FROM ") >= 2
    assert re.search(r"^USER simpul$", text, re.M)
    assert "collectstatic" in text and "gunicorn" in text
