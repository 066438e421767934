"""The citizen's inquiry to the end: the tracking page in plain words, the answer mailed when it
is ready, rating the answer once and asking one follow-up that reopens the inquiry."""

import re

import pytest
from django.test import Client, override_settings

from core.models import OutboxMessage
from core.outbox import outbox_deliver
from inbox import selectors, services
from inbox.models import Inquiry, InquiryEvent, Referral
from inbox.services.citizen import CITIZEN_OUTBOX_KIND
from tenants.models import Instansi
from tests.conftest import login_client, tenant_client

from .helpers import random_ip

pytestmark = pytest.mark.django_db

EMAIL = "dewi@example.org"


@pytest.fixture(autouse=True)
def _own_address(monkeypatch):
    """Each test speaks from its own address: per-IP counts of other runs do not apply."""
    ip = random_ip()
    original = Client.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.defaults.setdefault("REMOTE_ADDR", ip)

    monkeypatch.setattr(Client, "__init__", init)


def _instansi(slug: str) -> Instansi:
    return Instansi.objects.get(schema_name=slug)


def _ask(contact: str = EMAIL) -> Inquiry:
    return services.inquiry_create(
        actor=None,
        instansi=_instansi("humas"),
        kind="pertanyaan",
        channel="situs",
        body="Kapan jadwal imunisasi anak di puskesmas?",
        citizen_name="Dewi",
        citizen_contact=contact,
    )


def _refer(inquiry: Inquiry) -> Referral:
    return services.inquiry_refer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, to_instansi="dinkes"
    )


def _related_answer(referral: Referral, text: str = "Setiap Selasa pukul 08.00.") -> None:
    services.referral_answer(
        actor=None,
        instansi=_instansi("dinkes"),
        referral_id=referral.pk,
        answer=text,
        answered_by_name="Petugas Dinkes",
    )


def _page(inquiry: Inquiry, client=None) -> str:
    response = (client or tenant_client(None)).get(f"/lacak/{inquiry.tracking_code}/")
    assert response.status_code == 200
    return response.content.decode()


def _citizen_mails(*inquiries: Inquiry) -> list[OutboxMessage]:
    """The citizen mails about these inquiries (browser tests leave committed ones behind)."""
    keys = "|".join(str(i.pk) for i in inquiries)
    return list(
        OutboxMessage.objects.filter(
            kind=CITIZEN_OUTBOX_KIND, key__regex=rf"^warga:({keys}):"
        ).order_by("pk")
    )


def test_page_speaks_plain_words_in_every_state():
    inquiry = _ask()
    html = _page(inquiry)
    assert "Sedang ditelaah" in html and "Bagian Humas dan Protokol Setda" in html
    assert "paling lambat" in html  # the expected answer time after the receipt
    assert "Nilai jawaban ini" not in html and "pertanyaan lanjutan" not in html.lower()

    referral = _refer(inquiry)
    html = _page(inquiry)
    assert "Diteruskan ke instansi yang berwenang" in html
    assert "Dinas Kesehatan" in html  # the related instansi is named
    assert "Dinas Kesehatan wajib menjawab dalam 24 jam" in html and "paling lambat" in html
    assert "Bagian Humas dan Protokol Setda" in html  # and the receiving one

    _related_answer(referral)
    html = _page(inquiry)
    assert "Sudah dijawab" in html
    assert "Dijawab instansi terkait" not in html
    # Never "answered" without the answer: the related instansi's answer is shown at once.
    assert "Setiap Selasa pukul 08.00." in html
    assert "Nilai jawaban ini" in html and "Ajukan pertanyaan lanjutan" in html
    assert EMAIL not in html and "Dewi" not in html

    services.inquiry_reply(
        actor=None,
        instansi=_instansi("humas"),
        inquiry_id=inquiry.pk,
        reply="Jadwal imunisasi: Selasa pukul 08.00 di puskesmas terdekat.",
    )
    html = _page(inquiry)
    assert "Jadwal imunisasi: Selasa" in html and "Setiap Selasa pukul 08.00." in html

    services.inquiry_close(actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk)
    html = _page(inquiry)
    assert "Ditutup" in html and "Jadwal imunisasi: Selasa" in html


def test_tracking_page_query_count(django_assert_max_num_queries):
    inquiry = _ask()
    _related_answer(_refer(inquiry))
    client = tenant_client(None)
    client.get(f"/lacak/{inquiry.tracking_code}/")  # warm the host lookup
    with django_assert_max_num_queries(12):
        _page(inquiry, client)


def test_citizen_is_mailed_once_when_the_answer_is_ready(mailoutbox):
    inquiry = _ask()
    referral = _refer(inquiry)
    assert _citizen_mails(inquiry) == []  # nothing to read yet
    _related_answer(referral)
    services.inquiry_reply(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, reply="Selasa pagi."
    )
    rows = _citizen_mails(inquiry)
    assert len(rows) == 1  # the relayed reply does not mail a second time
    assert rows[0].recipient_list == [EMAIL]
    assert outbox_deliver(message_id=rows[0].pk) is True
    assert outbox_deliver(message_id=rows[0].pk) is False  # exactly once
    citizen = [m for m in mailoutbox if m.to == [EMAIL]]
    assert len(citizen) == 1
    assert inquiry.tracking_code in citizen[0].subject
    link = re.search(r"https?://\S+/lacak/\S+/", citizen[0].body).group(0)
    assert link.endswith(f"/lacak/{inquiry.tracking_code}/") and "humas." in link


def test_direct_answer_mails_and_phone_contact_does_not():
    by_mail = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=by_mail.pk, answer="Selasa."
    )
    by_phone = _ask(contact="0812 3456 7890")
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=by_phone.pk, answer="Selasa."
    )
    rows = _citizen_mails(by_mail, by_phone)
    assert [r.key for r in rows] == [f"warga:{by_mail.pk}:jawaban:1"]


def test_rating_once_with_comment_and_staff_sees_it():
    inquiry = _ask()
    _related_answer(_refer(inquiry))
    client = tenant_client(None)
    url = f"/lacak/{inquiry.tracking_code}/nilai/"
    r = client.post(url, {"nilai-rating": "4", "nilai-comment": "Jelas, terima kasih."})
    assert r.status_code == 302
    inquiry.refresh_from_db()
    assert (inquiry.rating, inquiry.rating_comment) == (4, "Jelas, terima kasih.")
    html = client.get(r["Location"]).content.decode()
    assert "Terima kasih atas penilaian Anda." in html and "Penilaian Anda: 4 dari 5." in html
    assert "Nilai jawaban ini" not in html

    r = client.post(url, {"nilai-rating": "1"})
    assert r.status_code == 400
    assert "Penilaian hanya dapat diberikan sekali" in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.rating == 4
    assert InquiryEvent.objects.filter(inquiry=inquiry, action="dinilai").count() == 1

    admin = login_client("humas")
    html = admin.get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/").content.decode()
    assert "Penilaian warga" in html and "Jelas, terima kasih." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Pilih nilai 1 sampai 5."),
        ({"nilai-rating": "9"}, "Pilih nilai 1 sampai 5."),
        ({"nilai-rating": "x' OR 1=1"}, "Pilih nilai 1 sampai 5."),
        ({"nilai-rating": "3", "nilai-comment": "a" * 1001}, "paling banyak 1000 karakter"),
    ],
)
def test_bad_rating_gets_an_indonesian_message(data, message):
    inquiry = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
    )
    r = tenant_client(None).post(f"/lacak/{inquiry.tracking_code}/nilai/", data)
    assert r.status_code == 400
    assert message in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.rating is None


def test_no_rating_or_follow_up_before_an_answer():
    inquiry = _ask()
    client = tenant_client(None)
    r = client.post(f"/lacak/{inquiry.tracking_code}/nilai/", {"nilai-rating": "5"})
    assert r.status_code == 400 and "setelah pesan Anda dijawab" in r.content.decode()
    r = client.post(f"/lacak/{inquiry.tracking_code}/lanjutan/", {"lanjutan-question": "Kapan?"})
    assert r.status_code == 400 and "setelah pesan Anda dijawab" in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.rating is None and inquiry.follow_up == ""


def test_another_inquirys_code_cannot_rate_this_one():
    mine = _ask()
    theirs = _ask()
    for inquiry in (mine, theirs):
        services.inquiry_answer(
            actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
        )
    client = tenant_client(None)
    # Whatever the form carries, the code in the address names the inquiry rated.
    r = client.post(
        f"/lacak/{mine.tracking_code}/nilai/",
        {"nilai-rating": "2", "inquiry": theirs.pk, "code": theirs.tracking_code},
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.rating == 2 and theirs.rating is None
    r = client.post("/lacak/AAAA-BBBB-CCCC/nilai/", {"nilai-rating": "5"})
    assert r.status_code == 404
    assert client.get(f"/lacak/{mine.tracking_code}/nilai/").status_code == 405


# The form limit counts per client for the whole regency within an hour: earlier tests of a
# run can spend it, and this test is about the follow-up rule, not the limit.
@override_settings(SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR=1000)
def test_follow_up_reopens_to_the_related_instansi_with_a_fresh_clock(mailoutbox):
    inquiry = _ask()
    first = _refer(inquiry)
    _related_answer(first)
    client = tenant_client("humas")  # the form works on the instansi's site too
    r = client.post(
        f"/lacak/{inquiry.tracking_code}/lanjutan/",
        {"lanjutan-question": "Apakah perlu membawa buku KIA?"},
    )
    assert r.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.REFERRED
    assert inquiry.follow_up == "Apakah perlu membawa buku KIA?"
    again = inquiry.referrals.filter(status=Referral.Status.PENDING).get()
    assert again.to_instansi.schema_name == "dinkes" and again.pk != first.pk
    assert again.requested_at == inquiry.follow_up_at
    assert (again.due_at - again.requested_at).total_seconds() == 24 * 3600
    html = client.get(r["Location"]).content.decode()
    assert "Pertanyaan lanjutan Anda telah kami terima" in html
    assert "Dinas Kesehatan wajib menjawab" in html and "Apakah perlu membawa buku KIA?" in html
    assert "Ajukan pertanyaan lanjutan" not in html  # one follow-up only

    # The staff of both instansi see it in the inquiry detail.
    for slug in ("humas", "dinkes"):
        page = login_client(slug).get(f"/admin/kotak-masuk/pesan/{inquiry.pk}/")
        assert "Pertanyaan lanjutan warga" in page.content.decode()
    assert inquiry.notifications.filter(kind="lanjutan", instansi__schema_name="humas").exists()
    assert inquiry.notifications.filter(referral=again, kind="rujukan_baru").exists()

    r = client.post(f"/lacak/{inquiry.tracking_code}/lanjutan/", {"lanjutan-question": "Dan lagi?"})
    assert r.status_code == 400  # a second follow-up is refused while the first is open
    # The second answer mails the citizen again (a new round), once.
    _related_answer(again, "Ya, bawa buku KIA.")
    keys = [m.key for m in _citizen_mails(inquiry)]
    assert keys == [f"warga:{inquiry.pk}:jawaban:1", f"warga:{inquiry.pk}:jawaban:2"]
    r = client.post(f"/lacak/{inquiry.tracking_code}/lanjutan/", {"lanjutan-question": "Dan lagi?"})
    body = r.content.decode()
    # On failure, say which message the citizen got instead (the page's error summary).
    said = re.findall(r"<li>([^<]{0,200})</li>", body)[:5]
    assert r.status_code == 400 and "hanya dapat diajukan sekali" in body, said


def test_follow_up_after_a_direct_answer_returns_to_the_receiving_instansi():
    inquiry = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
    )
    services.inquiry_close(actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk)
    services.inquiry_follow_up(tracking_code=inquiry.tracking_code, question="Jam berapa?")
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.RECEIVED and inquiry.closed_at is None
    assert not inquiry.referrals.exists()
    html = _page(inquiry)
    assert "Sedang ditelaah" in html and "Jam berapa?" in html


def test_empty_follow_up_gets_an_indonesian_message():
    inquiry = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
    )
    r = tenant_client(None).post(
        f"/lacak/{inquiry.tracking_code}/lanjutan/", {"lanjutan-question": "   "}
    )
    assert r.status_code == 400 and "Pertanyaan lanjutan wajib diisi." in r.content.decode()


def test_citizen_forms_are_csrf_protected():
    inquiry = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
    )
    client = tenant_client(None)
    client.handler.enforce_csrf_checks = True
    r = client.post(f"/lacak/{inquiry.tracking_code}/nilai/", {"nilai-rating": "5"})
    assert r.status_code == 403
    html = client.get(f"/lacak/{inquiry.tracking_code}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    r = client.post(
        f"/lacak/{inquiry.tracking_code}/nilai/",
        {"nilai-rating": "5", "csrfmiddlewaretoken": token},
    )
    assert r.status_code == 302


@override_settings(SIMPUL_INQUIRY_FORM_LIMIT_PER_HOUR=2)
def test_citizen_forms_are_rate_limited():
    inquiry = _ask()
    services.inquiry_answer(
        actor=None, instansi=_instansi("humas"), inquiry_id=inquiry.pk, answer="Selasa."
    )
    client = tenant_client(None)
    url = f"/lacak/{inquiry.tracking_code}/lanjutan/"
    for _ in range(2):
        client.post(f"/lacak/{inquiry.tracking_code}/nilai/", {"nilai-rating": "5"})
    r = client.post(url, {"lanjutan-question": "Jam berapa?"})
    assert r.status_code == 400 and "Terlalu banyak" in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.follow_up == ""


def test_feedback_figures():
    from datetime import date

    humas = _instansi("humas")
    rated, reopened, plain = _ask(), _ask(), _ask()
    for inquiry in (rated, reopened, plain):
        services.inquiry_answer(actor=None, instansi=humas, inquiry_id=inquiry.pk, answer="Selasa.")
    services.inquiry_rate(tracking_code=rated.tracking_code, rating=5)
    services.inquiry_rate(tracking_code=reopened.tracking_code, rating=2)
    services.inquiry_follow_up(tracking_code=reopened.tracking_code, question="Jam berapa?")
    # A year of their own: browser tests leave committed inquiries of humas behind.
    year = 2001
    Inquiry.objects.filter(pk__in=[rated.pk, reopened.pk, plain.pk]).update(
        created_at=rated.created_at.replace(year=year)
    )
    figures = selectors.inquiry_feedback_figures(
        instansi=humas, start=date(year, 1, 1), end=date(year + 1, 1, 1)
    )
    assert figures["rating_average"] == 3.5 and figures["rating_count"] == 2
    assert (figures["answered"], figures["reopened"]) == (3, 1)
    assert figures["reopen_rate"] == pytest.approx(1 / 3, abs=0.001)

    # The annual report's figures read them through the evaluation's one source module.
    from evaluation import sources

    feedback = sources.feedback_summary(humas, year=year)
    assert feedback["rating_average"] == 3.5
    assert feedback["reopen_rate"] == pytest.approx(1 / 3, abs=0.001)
