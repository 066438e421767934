"""Builders for evaluation tests: role users in an instansi, seeded activity for every source."""

import datetime as dt
import io
import itertools
import re
import zlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.conftest import TEST_PASSWORD, tenant_client, verify_two_factor

_seq = itertools.count(1)
NARRATIVE = {
    "policy_overview": "Kebijakan layanan informasi melalui akun resmi dan situs instansi.",
    "content_discussion": "Materi pesan didominasi kegiatan instansi dan isu kesehatan.",
    "comments_discussion": "Komentar masyarakat umumnya menanyakan jadwal layanan.",
    "obstacles_internal": "Petugas pengelola baru dua orang.",
    "obstacles_external": "Jaringan internet di kecamatan terpencil lemah.",
    "recommendations_plan": "Menambah petugas dan menyusun kalender konten.",
}


def make_user(slug: str, username: str, groups=(), superuser: bool = False):
    """A user of `slug`'s schema with the test password, in the named groups."""
    with schema_context(slug):
        User = get_user_model()
        if superuser:
            user = User.objects.create_superuser(
                username=username, password=TEST_PASSWORD, email=f"{username}@{slug}.localhost"
            )
        else:
            user = User.objects.create_user(
                username=username,
                password=TEST_PASSWORD,
                email=f"{username}@{slug}.localhost",
                is_staff=True,
            )
        for name in groups:
            group, _ = Group.objects.get_or_create(name=name)
            user.groups.add(group)
        return user


def logged_in(slug: str, user):
    """A client signed in as `user`, past two-factor where the user's role requires it."""
    client = tenant_client(slug)
    with schema_context(slug):
        client.force_login(user)
        verify_two_factor(client, user)
    return client


def admin_user(slug: str):
    with schema_context(slug):
        return get_user_model().objects.get(username="admin")


def aware(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_default_timezone())


# --- seeding other areas' data (their own models and services) --------------------------------


def seed_inbox(instansi, other, *, year: int, comments: int, questions: int, referred: int):
    """Inquiries received by `instansi` in `year` (plus noise outside it), referrals to `other`."""
    from inbox.models import Inquiry, Referral

    def inquiry(kind, created_at):
        return Inquiry.objects.create(
            instansi=instansi,
            kind=kind,
            channel=Inquiry.Channel.SITUS,
            body="Mohon informasi jadwal layanan.",
            tracking_code=f"EV{next(_seq):08d}{instansi.pk}",
            created_at=created_at,
        )

    for i in range(comments):
        inquiry(Inquiry.Kind.KOMENTAR, aware(year, 1 + i % 11, 3))
    for i in range(questions):
        inquiry(Inquiry.Kind.PERTANYAAN, aware(year, 2 + i % 10, 5))
    inquiry(Inquiry.Kind.KOMENTAR, aware(year - 1, 12, 30))  # outside the year
    for i in range(referred):
        source = inquiry(Inquiry.Kind.PERTANYAAN, aware(year, 3, 10 + i))
        requested = aware(year, 3, 10 + i, 10)
        Referral.objects.create(
            inquiry=source,
            from_instansi=instansi,
            to_instansi=other,
            requested_at=requested,
            due_at=requested + dt.timedelta(hours=24),
            status=Referral.Status.ANSWERED,
            answered_at=requested + dt.timedelta(hours=3 + i),
        )


FEEDBACK_PLAN = [
    # kind, channel, topics, month: what humas received in the year (Pasal 9h analysis)
    ("kritik", "situs", ["antrean", "layanan"], 2),
    ("kritik", "telepon", ["antrean"], 3),
    ("saran", "email", ["antrean", "jadwal"], 4),
    ("pertanyaan", "situs", ["jadwal"], 5),
    ("komentar", "portal", [], 6),
]


def seed_feedback(instansi, *, year: int) -> None:
    """Tagged inquiries of `instansi` in `year` (and one outside it), the pejabat's advice."""
    from inbox.models import FeedbackRecommendation, Inquiry

    for kind, channel, topics, month in [*FEEDBACK_PLAN, ("saran", "email", ["lama"], 0)]:
        Inquiry.objects.create(
            instansi=instansi,
            kind=kind,
            channel=channel,
            topics=topics,
            body="Masukan untuk analisis.",
            tracking_code=f"FB{next(_seq):08d}{instansi.pk}",
            created_at=aware(year, month, 12) if month else aware(year - 1, 12, 20),
        )
    FeedbackRecommendation.objects.create(
        instansi=instansi,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 7, 1),
        findings="Antrean paling sering dikeluhkan.",
        recommendations="Buka pendaftaran daring.",
        follow_up="Usulan anggaran perubahan.",
        recorded_by_name="Pejabat Uji",
    )
    FeedbackRecommendation.objects.create(  # a period of the previous year: not this report's
        instansi=instansi,
        period_start=dt.date(year - 1, 1, 1),
        period_end=dt.date(year - 1, 12, 31),
        recommendations="Rekomendasi tahun lalu.",
    )


def seed_registry(slug: str, *, year: int, followers: list[int]):
    """An SK, one active account per number, follower figures (the latest month counts)."""
    from tenants.registry.models import AudienceFigure
    from tests.registry.factories import make_account, make_decree

    with schema_context(slug):
        decree = make_decree(date=dt.date(year, 1, 2), effective_date=dt.date(year, 1, 3))
        for n in followers:
            account = make_account(decree, url=f"https://instagram.com/{slug}ev{next(_seq)}")
            AudienceFigure.objects.create(
                account=account, month=dt.date(year, 3, 1), followers=n // 2
            )
            AudienceFigure.objects.create(account=account, month=dt.date(year, 6, 1), followers=n)


def seed_sop(slug: str, *, year: int, published: int, shares_per_item: int):
    """Assignments published in `year` through the SOP, with shares recorded at its last step."""
    from sop.models import Assignment, Share, Sop

    with schema_context(slug):
        user = get_user_model().objects.get(username="admin")
        sop = Sop.objects.first()
        if sop is None:
            from sop.services import sop_create_from_template

            sop = sop_create_from_template(actor=None, template_key="sintang")
        for i in range(published):
            at = aware(year, 1 + i % 11, 8)
            assignment = Assignment.objects.create(
                sop=sop,
                event=f"Kegiatan {i}",
                place="Aula",
                event_at=at,
                assignee=user,
                created_by=user,
                published_at=at,
            )
            for k in range(shares_per_item):
                Share.objects.create(
                    assignment=assignment,
                    account_label="Instagram",
                    post_url=f"https://instagram.com/p/{slug}{assignment.pk}x{k}",
                    recorded_by=user,
                    recorded_at=at,
                )


# --- PDF text --------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text of a PDF (pypdf when installed, else the decompressed content streams)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        chunks = []
        for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
            try:
                chunks.append(zlib.decompress(raw))
            except zlib.error:
                chunks.append(raw)
        return " ".join(
            m.decode("latin-1") for c in chunks for m in re.findall(rb"\((.*?)\) Tj", c)
        )
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


NEWS_PLAN = {
    "humas": {"kegiatan": 3, "isu": 1, "kebijakan": 2},
    "dinkes": {"kegiatan": 1, "isu": 0, "kebijakan": 1},
    "disdik": {},
}


def seed_news(instansi, *, year: int) -> dict:
    """Publish news pages in several schemas (the portal index follows, as after a commit).

    Returns an independent count per schema: live news pages first published in `year`, by
    category, read from each schema's own pages.
    """
    from cms.models import NewsPage
    from cms.selectors import news_index_page
    from cms.services import page_changed

    counts = {}
    for slug, plan in NEWS_PLAN.items():
        with schema_context(slug):
            index = news_index_page()
            for category, n in plan.items():
                for i in range(n):
                    page = NewsPage(
                        title=f"Berita {category} {i}",
                        slug=f"ev-{category}-{i}-{next(_seq)}",
                        lead="Teras berita uji.",
                        category=category,
                        tagar=f"#SimpulUji #{category.capitalize()}",
                    )
                    index.add_child(instance=page)
                    page.save_revision().publish()
                    page_changed(schema_name=slug, page_id=page.pk)
            live = NewsPage.objects.live().filter(first_published_at__year=year)
            counts[slug] = {
                c: live.filter(category=c).count() for c in ("kegiatan", "isu", "kebijakan")
            }
    return counts
