"""On a phone (390×844, headless Chromium): no console page scrolls sideways."""

import datetime as dt

import pytest

from tests.conftest import browser_login, url_for

pytestmark = pytest.mark.e2e
PHONE_YEAR = 2023


@pytest.fixture
def a_report(django_db_blocker):
    """A committed report of humas (with an open extension request) for the report page."""
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from evaluation import services
    from evaluation.models import AnnualReport, ReportingPeriod
    from tenants.models import Instansi
    from tests.evaluation.factories import admin_user

    with django_db_blocker.unblock():
        AnnualReport.objects.filter(instansi__schema_name="humas", year=PHONE_YEAR).delete()
        ReportingPeriod.objects.update_or_create(
            year=PHONE_YEAR, defaults={"deadline": timezone.localdate() - dt.timedelta(days=1)}
        )
        actor = admin_user("humas")
        with schema_context("humas"):
            report = services.report_start(
                instansi=Instansi.objects.get(schema_name="humas"), year=PHONE_YEAR, actor=actor
            )
            services.extension_request(
                report=report,
                actor=actor,
                reason="Pejabat pengelola baru dilantik sehingga laporan tertunda.",
                until=timezone.localdate() + dt.timedelta(days=14),
            )
    yield report
    with django_db_blocker.unblock():
        AnnualReport.objects.filter(pk=report.pk).delete()
        ReportingPeriod.objects.filter(year=PHONE_YEAR).delete()


@pytest.fixture
def many_instansi(django_db_blocker):
    """60 more (schema-less) instansi with snapshots: the table has pages and page links."""
    from evaluation.models import AnnualReport, InstansiSnapshot
    from tenants.models import Instansi

    from .test_console_queries import add_instansi

    with django_db_blocker.unblock():
        rows = add_instansi(60, start=900)
    yield rows
    with django_db_blocker.unblock():
        ids = [inst.pk for inst in rows]
        InstansiSnapshot.objects.filter(instansi_id__in=ids).delete()
        AnnualReport.objects.filter(instansi_id__in=ids).delete()
        Instansi.objects.filter(pk__in=ids).delete()


def test_no_console_page_is_wider_than_a_phone(
    live_server_url, browser, a_report, many_instansi, django_db_blocker
):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.set_default_timeout(15000)
    try:
        browser_login(
            phone, live_server_url, "diskominfo", "/console/", django_db_blocker=django_db_blocker
        )
        too_wide = {}
        for path in (
            "/console/",
            "/console/?halaman=2&urut=news_total&arah=turun",
            "/console/instansi/humas/",
            f"/console/laporan/{a_report.pk}/",
            f"/console/pengaturan/{PHONE_YEAR}/",
        ):
            response = phone.goto(url_for(live_server_url, "diskominfo", path))
            assert response.status < 400, (path, response.status)
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                too_wide[path] = (
                    width,
                    phone.evaluate(
                        """() => [...document.querySelectorAll('body *')]
                             .filter(e => e.getBoundingClientRect().right > 390)
                             .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
                    ),
                )
        assert too_wide == {}
    finally:
        context.close()
