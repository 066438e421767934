"""Audience figures (admin entry, CSV import, API), audience_total and registry_health."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import SimpulError
from tenants.registry import services
from tenants.registry.models import AudienceFigure
from tenants.registry.selectors import audience_total, registry_health
from tests.conftest import login_client
from tests.registry.factories import PETUGAS_NIP, make_account, make_decree


@pytest.fixture
def accounts(in_humas):
    decree = make_decree(in_humas)
    ig = make_account(decree, in_humas, url="https://instagram.com/khalayakig")
    fb = make_account(decree, in_humas, url="https://facebook.com/khalayakfb")
    return decree, ig, fb


def test_audience_total_sums_latest_figure_per_active_account(accounts, in_humas):
    decree, ig, fb = accounts
    assert audience_total(year=2026) is None
    services.audience_record(actor=in_humas, account=ig, month="2026-02", followers=100)
    services.audience_record(actor=in_humas, account=ig, month="2026-05", followers=150)
    services.audience_record(actor=in_humas, account=fb, month="2026-03", followers=40)
    assert audience_total(year=2026) == 190
    assert audience_total(year=2025) is None
    # Correcting a month replaces its figure; retired accounts no longer count.
    services.audience_record(actor=in_humas, account=ig, month="2026-05", followers=160)
    assert AudienceFigure.objects.filter(account=ig).count() == 2
    assert audience_total(year=2026) == 200
    services.account_retire(actor=in_humas, account=fb, decree=decree)
    assert audience_total(year=2026) == 160


@pytest.mark.parametrize(
    "month,followers,fragment",
    [
        ("2026-13", 5, "tidak sah"),
        ("kemarin", 5, "tidak sah"),
        ("2099-01", 5, "bulan mendatang"),
        ("2025-12", 5, "baru resmi sejak"),
        ("2026-02", -1, "negatif"),
        ("2026-02", "banyak", "bilangan bulat"),
    ],
)
def test_audience_bad_input(accounts, in_humas, month, followers, fragment):
    with pytest.raises(SimpulError, match=fragment):
        services.audience_record(
            actor=in_humas, account=accounts[1], month=month, followers=followers
        )
    assert AudienceFigure.objects.count() == 0


def test_csv_import_is_all_or_nothing(accounts, in_humas):
    _, ig, fb = accounts
    good = "akun,bulan,pengikut\nhttps://www.instagram.com/KhalayakIG/,2026-02,1.200\n@khalayakfb,2026-02,300\n"
    assert services.audience_import_csv(actor=in_humas, data=good.encode()) == 2
    assert AudienceFigure.objects.get(account=ig).followers == 1200
    bad = (
        "akun;bulan;pengikut\ninstagram.com/khalayakig;2026-03;10\ninstagram.com/takada;2026-03;5\n"
    )
    with pytest.raises(SimpulError, match="Baris 3: akun"):
        services.audience_import_csv(actor=in_humas, data=bad.encode())
    assert not AudienceFigure.objects.filter(month=dt.date(2026, 3, 1)).exists()
    with pytest.raises(SimpulError, match="Kolom CSV"):
        services.audience_import_csv(actor=in_humas, data=b"a,b\n1,2\n")
    with pytest.raises(SimpulError, match="Baris 2: Bulan"):
        services.audience_import_csv(
            actor=in_humas, data=b"akun,bulan,pengikut\n@khalayakfb,20-02,5\n"
        )


def test_csv_import_through_the_admin(accounts):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = login_client("humas")
    upload = SimpleUploadedFile("khalayak.csv", b"akun,bulan,pengikut\n@khalayakig,2026-04,77\n")
    response = admin.post("/admin/registri/khalayak/impor/", {"file": upload})
    assert response.status_code == 302
    bad = SimpleUploadedFile("khalayak.csv", b"akun,bulan,pengikut\n@siapa,2026-04,77\n")
    response = admin.post("/admin/registri/khalayak/impor/", {"file": bad})
    assert response.status_code == 200 and "tidak ditemukan" in response.content.decode()


def test_registry_health_shape_and_counts(accounts, in_humas):
    decree, ig, fb = accounts
    today = dt.date(2026, 7, 15)
    services.appointment_create(
        actor=in_humas,
        decree=decree,
        person_name="Sri",
        nip=PETUGAS_NIP,
        position="Pranata Humas",
        role="petugas",
        end_date=dt.date(2026, 6, 30),
    )
    services.appointment_create(
        actor=in_humas,
        decree=decree,
        person_name="Agus",
        nip="198001012005011001",
        position="Kabag",
        role="pejabat",
    )
    services.audience_record(actor=in_humas, account=ig, month="2026-06", followers=10)
    health = registry_health(today=today)
    assert health == {
        "active_decree": True,
        "decrees": 1,
        "accounts_active": 2,
        "accounts_without_active_decree": 0,
        "officers_active": 1,
        "appointments_expired": 1,
        "accounts_missing_audience_last_month": 1,
    }
    services.decree_revoke(actor=in_humas, decree=decree, note="Dicabut")
    health = registry_health(today=today)
    assert health["active_decree"] is False
    assert health["accounts_without_active_decree"] == 2


def test_registry_health_of_an_empty_registry(in_humas):
    assert registry_health() == {
        "active_decree": False,
        "decrees": 0,
        "accounts_active": 0,
        "accounts_without_active_decree": 0,
        "officers_active": 0,
        "appointments_expired": 0,
        "accounts_missing_audience_last_month": 0,
    }
    assert timezone.localdate()  # selectors default to the regency's today
