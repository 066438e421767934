"""The deploy stack's files are valid: compose config, nginx syntax, gunicorn config, image recipe."""

import os
import re
import subprocess
from pathlib import Path

from tests.conftest import ROOT

from .nginx import NGINX, write_config

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
    conf = write_config(tmp_path, upstream_port=8000, listen_port=18080)
    result = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
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
