"""Redis stopped during 100 submissions: all 100 stored, the notices delivered after restart.

Runs its own throwaway redis-server (never the machine's shared one), a web server and, once
Redis is back, a Celery worker, all pointed at it. Not in a test transaction: the processes see
committed data only; everything made here carries a unique marker.
"""

import shutil
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery

from inbox.models import Inquiry, Notification
from tenants.models import ApiToken, Instansi
from tenants.services import api_token_create
from tests.conftest import ROOT, _free_port, _wait_for_port, subprocess_env

from .helpers import live_request

pytestmark = pytest.mark.worker


def _start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--bind",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, proc, seconds=10)
    return proc


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_redis_down_during_100_submissions(django_db_setup, django_db_blocker):
    marker = f"redis-mati-{uuid.uuid4().hex[:8]}"
    redis_port, web_port = _free_port(), _free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = subprocess_env(
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_RESULT_BACKEND=redis_url,
        SIMPUL_PUBLIC_PORT=str(web_port),
    )
    with django_db_blocker.unblock():
        token, key = api_token_create(
            instansi=Instansi.objects.get(schema_name="dinkes"), name=marker
        )
    redis = web = worker = None
    try:
        redis = _start_redis(redis_port)
        web = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "runserver",
                f"127.0.0.1:{web_port}",
                "--noreload",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(web_port, web)
        live = f"http://localhost:{web_port}"
        headers = {"Authorization": f"Token {key}"}

        # One submission with Redis up: queued and stored as usual.
        status, _ = live_request(
            live,
            "dinkes",
            "POST",
            "/api/v1/inquiries/",
            {"kind": "saran", "body": f"{marker} sebelum"},
            headers,
        )
        assert status == 201

        redis.kill()
        redis.wait(timeout=5)
        for n in range(100):
            status, data = live_request(
                live,
                "dinkes",
                "POST",
                "/api/v1/inquiries/",
                {"kind": "pertanyaan", "body": f"{marker} #{n}"},
                {**headers, "Idempotency-Key": f"{marker}-{n}"},
            )
            assert status == 201, data

        with django_db_blocker.unblock():
            stored = Inquiry.objects.filter(body__startswith=f"{marker} #").count()
            unsent = Notification.objects.filter(
                inquiry__body__startswith=f"{marker} #", sent_at__isnull=True
            ).count()
        assert stored == 100
        assert unsent == 100

        # Redis back, a worker up, the periodic sweeper runs: everything is delivered once.
        redis = _start_redis(redis_port)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "simpul",
                "worker",
                "--pool=solo",
                "--loglevel=warning",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{marker}@%h",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sender = Celery(broker=redis_url)
        sender.send_task("core.tasks.sweep_outbox", kwargs={"older_than_seconds": 0})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with django_db_blocker.unblock():
                unsent = Notification.objects.filter(
                    inquiry__body__startswith=marker, sent_at__isnull=True
                ).count()
            if unsent == 0:
                break
            time.sleep(0.5)
        assert unsent == 0
        with django_db_blocker.unblock():
            notices = Notification.objects.filter(inquiry__body__startswith=marker)
            assert notices.count() == 101
            assert set(notices.values_list("attempts", flat=True)) == {1}
    finally:
        _stop(worker)
        _stop(web)
        _stop(redis)
        with django_db_blocker.unblock():
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.created_at)
