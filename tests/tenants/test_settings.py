"""Production settings: refuse to start without a secret, send the secure headers."""

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def _load_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, settings.DEBUG, "
            "settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.DATABASES['default']['CONN_MAX_AGE'])",
        ],
        env=subprocess_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _load_settings(DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_production_settings_are_secure():
    result = _load_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    secure, hsts, debug, language, tz, conn_max_age = result.stdout.split()
    assert secure == "True" and int(hsts) >= 31536000 and debug == "False"
    assert language == "id" and tz == "Asia/Jakarta" and int(conn_max_age) > 0


def test_time_zone_from_environment():
    result = _load_settings(SIMPUL_TIME_ZONE="Asia/Makassar")
    assert result.stdout.split()[4] == "Asia/Makassar"


def test_public_pages_send_security_headers(db):
    from tests.conftest import tenant_client

    response = tenant_client(None).get("/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
