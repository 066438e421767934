"""The admin home lists each role's waiting work, and nothing of another instansi's.

Rows are made with the models directly (as a user's earlier actions would have left them); the
dashboard is read through the real admin view of each host, as each role signs in.
"""

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from evaluation.roles import EVALUATOR_GROUP
from sop import blueprints
from tests.evaluation.factories import admin_user, logged_in, make_user

pytestmark = pytest.mark.django_db


def panel(html: str, name: str) -> str | None:
    """The HTML of the panel `name`, or None when the dashboard does not show it."""
    match = re.search(
        rf'<section class="simpul-work-panel"[^>]*data-panel="{name}".*?</section>', html, re.S
    )
    return match.group(0) if match else None


def home(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def work(instansi):
    """Waiting work for humas, a secret of disdik's, a late referral and a report to evaluate."""
    from inbox.models import Inquiry, Referral
    from tenants.models import RegistryReminder

    now = timezone.now()
    tag = uuid.uuid4().hex[:6].upper()
    humas, dinkes, disdik = instansi["humas"], instansi["dinkes"], instansi["disdik"]

    def inquiry(owner, body, created_at, status=Inquiry.Status.RECEIVED):
        return Inquiry.objects.create(
            instansi=owner,
            kind=Inquiry.Kind.PERTANYAAN,
            channel=Inquiry.Channel.SITUS,
            body=body,
            status=status,
            tracking_code=f"D{tag}{uuid.uuid4().hex[:8]}",
            created_at=created_at,
        )

    waiting = inquiry(humas, f"Jadwal posyandu {tag}", now - dt.timedelta(hours=2))
    inquiry(humas, f"Sudah dijawab {tag}", now, status=Inquiry.Status.ANSWERED)
    referred = Inquiry.Status.REFERRED
    asked = inquiry(dinkes, f"Beasiswa sekolah {tag}", now - dt.timedelta(hours=1), referred)
    Referral.objects.create(
        inquiry=asked,
        from_instansi=dinkes,
        to_instansi=humas,
        requested_at=now - dt.timedelta(hours=1),
        due_at=now + dt.timedelta(hours=23),
    )
    late = inquiry(humas, f"Jalan rusak {tag}", now - dt.timedelta(hours=30), referred)
    Referral.objects.create(
        inquiry=late,
        from_instansi=humas,
        to_instansi=disdik,
        requested_at=now - dt.timedelta(hours=30),
        due_at=now - dt.timedelta(hours=6),
    )
    secret = inquiry(disdik, f"RAHASIA-DISDIK {tag}", now - dt.timedelta(hours=3))
    RegistryReminder.objects.create(
        instansi=humas,
        kind=RegistryReminder.Kind.APPOINTMENT_EXPIRED,
        object_key=f"uji-{tag}",
        message=f"Penunjukan Budi {tag} melewati tanggal akhir",
    )
    RegistryReminder.objects.create(
        instansi=disdik,
        kind=RegistryReminder.Kind.ACCOUNT_WITHOUT_DECREE,
        object_key=f"uji-{tag}",
        message=f"RAHASIA-DISDIK akun {tag}",
    )
    from evaluation.models import AnnualReport

    report = AnnualReport.objects.create(
        instansi=dinkes,
        year=timezone.localdate().year - 1,
        status=AnnualReport.Status.SUBMITTED,
        submitted_at=now - dt.timedelta(days=3),
    )
    return {
        "tag": tag,
        "waiting": waiting,
        "asked": asked,
        "late": late,
        "secret": secret,
        "report": report,
    }


@pytest.fixture
def sop_step():
    """The Sintang SOP in force at humas with one assignment whose step 3 (Kasubbag) started
    90 minutes ago; putting the SOP in force gives its role groups admin access."""
    from sop import services
    from sop.models import Assignment, StepRecord
    from tests.sop.factories import sintang_people

    with schema_context("humas"):
        sop = services.sop_create_from_template(actor=None, template_key="sintang")
        people = sintang_people(prefix=f"d{uuid.uuid4().hex[:6]}")
        sop = services.sop_activate(actor=None, sop=sop)
        step = sop.steps.select_related("role").get(role__name=blueprints.KASUBBAG, order=3)
        assignment = Assignment.objects.create(
            sop=sop,
            event="Peresmian jembatan",
            place="Balai desa",
            event_at=timezone.now(),
            assignee=people["staf"],
            created_by=people["kasubbag"],
        )
        StepRecord.objects.create(
            assignment=assignment,
            step=step,
            state=StepRecord.State.BERJALAN,
            attempt=1,
            started_at=timezone.now() - dt.timedelta(minutes=90),
        )
    return {**people, "step": step, "assignment": assignment}


def test_humas_admin_sees_its_waiting_work_titled_with_its_name(work, instansi):
    html = home(logged_in("humas", admin_user("humas")))
    title = re.search(r'<h1 class="w-h1 w-mt-0">\s*(.*?)\s*</h1>', html).group(1)
    assert title == instansi["humas"].name

    inquiries = panel(html, "pesan-menunggu")
    assert f"Jadwal posyandu {work['tag']}" in inquiries
    assert f"/admin/kotak-masuk/pesan/{work['waiting'].pk}/" in inquiries
    assert "Sisa 21 jam" in inquiries or "Sisa 22 jam" in inquiries  # 24 h from receipt
    assert f"Sudah dijawab {work['tag']}" not in inquiries
    # The referred message shows the other instansi's 24-hour clock, late here.
    assert f"Jalan rusak {work['tag']}" in inquiries
    assert f"{instansi['disdik'].name}: Terlambat 6 jam" in inquiries, inquiries

    referrals = panel(html, "rujukan-menunggu")
    assert f"Beasiswa sekolah {work['tag']}" in referrals
    assert f"Dari {instansi['dinkes'].name}" in referrals
    assert "Sisa 22 jam" in referrals or "Sisa 23 jam" in referrals
    assert f"/admin/kotak-masuk/pesan/{work['asked'].pk}/" in referrals

    reminders = panel(html, "pengingat-registri")
    assert f"Penunjukan Budi {work['tag']} melewati tanggal akhir" in reminders
    assert "/admin/registri/pengingat/" in reminders

    report = panel(html, "laporan-tahunan")
    year = timezone.localdate().year - 1
    assert f"Laporan Tahunan {year}" in report and "Batas waktu" in report

    # Diskominfo's panels are not an instansi's.
    assert panel(html, "rujukan-terlambat") is None
    assert panel(html, "laporan-dievaluasi") is None


def test_an_instansi_dashboard_shows_nothing_of_another(work):
    for slug in ("humas", "dinkes"):
        html = home(logged_in(slug, admin_user(slug)))
        assert "RAHASIA-DISDIK" not in html
        assert work["secret"].tracking_code not in html
    dinkes = home(logged_in("dinkes", admin_user("dinkes")))
    assert f"Jadwal posyandu {work['tag']}" not in dinkes
    assert f"Penunjukan Budi {work['tag']}" not in dinkes
    # Dinkes sees its own referred message with humas's clock, not humas's inbox.
    assert f"Beasiswa sekolah {work['tag']}" in panel(dinkes, "pesan-menunggu")


def test_sop_steps_wait_for_the_role_that_does_them(sop_step):
    kasubbag = home(logged_in("humas", sop_step["kasubbag"]))
    steps = panel(kasubbag, "langkah-sop")
    assert "Langkah 3 · Peresmian jembatan" in steps
    standard = sop_step["step"].standard_minutes
    assert "Standar waktu" in steps and "menunggu 1 jam 30 mnt" in steps
    if standard < 90:
        assert "Terlambat" in steps
    assert f"/admin/sop/penugasan/{sop_step['assignment'].pk}/" in steps

    staf = panel(home(logged_in("humas", sop_step["staf"])), "langkah-sop")
    assert "Peresmian jembatan" not in staf
    assert "Tidak ada langkah SOP yang menunggu Anda." in staf


def test_diskominfo_evaluator_sees_late_referrals_and_reports_to_evaluate(work, instansi):
    evaluator = make_user("diskominfo", f"ev{uuid.uuid4().hex[:6]}", [EVALUATOR_GROUP])
    html = home(logged_in("diskominfo", evaluator))
    late = panel(html, "rujukan-terlambat")
    assert f"{instansi['disdik'].name} · {work['late'].tracking_code}" in late
    assert "Terlambat 6 jam" in late
    reports = panel(html, "laporan-dievaluasi")
    assert f"{instansi['dinkes'].name} · {work['report'].year}" in reports
    assert f"/console/laporan/{work['report'].pk}/" in reports
    assert "Menunggu 3 hari" in reports


def test_avatar_is_local_never_gravatar(work):
    html = home(logged_in("humas", admin_user("humas")))
    assert "gravatar" not in html.lower()
    assert "/static/wagtailadmin/images/default-user-avatar.png" in html


def test_dashboard_queries_do_not_grow_with_the_work(work, instansi):
    """Same query count with one or eleven waiting messages (no query per item)."""
    from inbox.models import Inquiry, Referral

    client = logged_in("humas", admin_user("humas"))
    home(client)  # warm per-process memos (site, identity)
    with CaptureQueriesContext(connection) as few:
        home(client)
    now = timezone.now()
    for index in range(10):
        inquiry = Inquiry.objects.create(
            instansi=instansi["humas"],
            kind=Inquiry.Kind.KRITIK,
            channel=Inquiry.Channel.TELEPON,
            body=f"Keluhan antrean {index}",
            status=Inquiry.Status.REFERRED,
            tracking_code=f"Q{work['tag']}{index:03d}",
            created_at=now - dt.timedelta(minutes=index),
        )
        Referral.objects.create(
            inquiry=inquiry,
            from_instansi=instansi["humas"],
            to_instansi=instansi["dinkes"],
            requested_at=now,
            due_at=now + dt.timedelta(hours=24),
        )
    with CaptureQueriesContext(connection) as many:
        html = home(client)
    assert "Keluhan antrean 9" in panel(html, "pesan-menunggu")
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 35  # 26 measured: the panels add one or two queries each
