"""Real resources of instansi B (dinkes), made with the project's own services and factories.

The isolation matrix puts their real ids and codes into every parametrised URL, so a refusal
means "not yours", never "there is no such id". Everything B owns carries `MARK` in a field
that its pages show; what must stay private even on the public portal (the citizen's name and
contact, an unreleased evaluation, a restricted page, a private document) carries `SECRET`.

Ids of tenant-schema rows are per schema: the same number on A's host may be A's own row.
`Foreign.shadowed` records, per caller schema, which of B's ids A (or Diskominfo) also has, so
the matrix knows when a 404 is required and when A's own object may answer (without B's text).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context

B = "dinkes"  # the instansi whose resources are attacked
A = "humas"  # an ordinary other instansi
SUPER = "diskominfo"  # the super-tenant
THIRD = "disdik"  # a third instansi, for referrals that involve B but not A

MARK = "QZXDINKES"
SECRET = "QZXRAHASIA"

# Keys of rows in the public schema: their ids are global, so another instansi asking for one
# must always be refused, whatever it owns itself.
GLOBAL_KEYS = frozenset(
    {
        "inquiry",
        "referral",
        "referral_out",
        "code",
        "request_id",
        "report",
        "token",
        "news_item",
        "job",
    }
)

# A tiny WordPress export of B: one private post (imported without being published), one draft
# page, a category; the import leaves a run, its records and the map of old addresses, all with
# MARK (the old addresses too: they are B's), and the private post's text with SECRET.
WXR = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Situs lama {MARK}</title>
  <link>https://lama-dinkes.example</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://lama-dinkes.example</wp:base_site_url>
  <wp:author><wp:author_login>admin</wp:author_login>
    <wp:author_display_name>Admin {MARK}</wp:author_display_name></wp:author>
  <wp:category><wp:category_nicename>kegiatan-qzx</wp:category_nicename>
    <wp:category_parent></wp:category_parent>
    <wp:cat_name>Kegiatan {MARK}</wp:cat_name></wp:category>
  <item>
    <title>Catatan privat {MARK} {SECRET}</title>
    <link>https://lama-dinkes.example/{MARK}/catatan-privat/</link>
    <dc:creator>admin</dc:creator>
    <guid isPermaLink="false">https://lama-dinkes.example/?p=7</guid>
    <content:encoded><![CDATA[<p>Isi privat {SECRET} {MARK}</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>7</wp:post_id>
    <wp:post_date>2024-05-14 08:00:00</wp:post_date>
    <wp:post_date_gmt>2024-05-14 01:00:00</wp:post_date_gmt>
    <wp:post_name>catatan-privat</wp:post_name>
    <wp:status>private</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>post</wp:post_type>
    <wp:post_password></wp:post_password>
    <category domain="category" nicename="kegiatan-qzx">Kegiatan {MARK}</category>
  </item>
  <item>
    <title>Halaman draf {MARK}</title>
    <link>https://lama-dinkes.example/{MARK}/halaman-draf/</link>
    <dc:creator>admin</dc:creator>
    <guid isPermaLink="false">https://lama-dinkes.example/?page_id=9</guid>
    <content:encoded><![CDATA[<p>Draf {SECRET}</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>9</wp:post_id>
    <wp:post_date>2024-05-15 08:00:00</wp:post_date>
    <wp:post_date_gmt>2024-05-15 01:00:00</wp:post_date_gmt>
    <wp:post_name>halaman-draf</wp:post_name>
    <wp:status>draft</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>page</wp:post_type>
    <wp:post_password></wp:post_password>
  </item>
</channel>
</rss>
""".encode()


@dataclass(repr=False)
class Foreign:
    values: dict[str, str]
    # schema -> keys whose id also names a row of that schema (A's own object may answer)
    shadowed: dict[str, set[str]]
    # bytes of B's stored files (a body containing one leaks it, compressed text or not)
    blobs: list[bytes] = field(default_factory=list)
    rows: dict[str, object] = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<resources of {B}: {len(self.values)} values>"


def _state_models():
    """(key, model) of every B row whose state the matrix checks before and after."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        Page,
        PageViewRestriction,
        Revision,
        Site,
        Task,
        TaskState,
        Workflow,
        WorkflowState,
    )

    from cms.models import IdentitySettings
    from cms.wordpress.models import WordPressImportRun
    from sop.models import Assignment, Sop
    from tenants.registry.models import (
        Appointment,
        AudienceFigure,
        OfficialAccount,
        SuratKeputusan,
    )

    return {
        "wordpress_run": WordPressImportRun,
        "decree": SuratKeputusan,
        "account": OfficialAccount,
        "appointment": Appointment,
        "audience": AudienceFigure,
        "sop": Sop,
        "assignment": Assignment,
        "page": Page,
        "live_page": Page,
        "private_page": Page,
        "news_index": Page,
        "revision": Revision,
        "workflow": Workflow,
        "task": Task,
        "workflow_state": WorkflowState,
        "task_state": TaskState,
        "image": get_image_model(),
        "document": get_document_model(),
        "collection": Collection,
        "page_restriction": PageViewRestriction,
        "redirect": Redirect,
        "user": get_user_model(),
        "group": Group,
        "site": Site,
        "settings": IdentitySettings,
    }


def _extra_models():
    from wagtail.admin.models import EditingSession
    from wagtail.models import CollectionViewRestriction, UploadedFile

    return {
        "collection_restriction": CollectionViewRestriction,
        "uploaded": UploadedFile,
        "session": EditingSession,
    }


def build() -> Foreign:
    """Make B's resources (inside the caller's transaction) and return their ids."""
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        Page,
        PageViewRestriction,
        Site,
        UploadedFile,
    )

    from cms.models import IdentitySettings
    from cms.portal.indexing import search_reconcile
    from cms.portal.models import PortalNewsItem
    from cms.selectors import news_index_page
    from cms.services import page_changed, portal_reconcile
    from evaluation import services as evaluation
    from evaluation.models import ConsoleJob
    from inbox import services as inbox
    from sop import services as sop
    from tenants.models import Instansi
    from tenants.registry import services as registry
    from tenants.services import api_token_create
    from tests.cms.factories import make_image, make_news
    from tests.evaluation.factories import NARRATIVE
    from tests.registry.factories import PETUGAS_NIP, make_account, make_decree, pdf_bytes
    from tests.sop.factories import sintang_people

    instansi = {i.schema_name: i for i in Instansi.objects.all()}
    year = timezone.localdate().year
    blobs: list[bytes] = []
    rows: dict[str, object] = {}
    with schema_context(B):
        admin = get_user_model().objects.get(username="admin")
        decree_pdf = pdf_bytes(f"Keputusan {MARK}")
        from django.core.files.uploadedfile import SimpleUploadedFile

        decree = make_decree(
            title=f"Penetapan Akun Resmi {MARK}",
            pdf=SimpleUploadedFile("sk.pdf", decree_pdf, content_type="application/pdf"),
        )
        blobs.append(decree_pdf)
        account = make_account(
            decree, url="https://instagram.com/qzxdinkes", display_name=f"Akun {MARK}"
        )
        appointment = registry.appointment_create(
            actor=admin,
            decree=decree,
            person_name=f"Petugas {MARK}",
            nip=PETUGAS_NIP,
            position="Pranata Humas",
            role="petugas",
            account_ids=[account.pk],
        )
        audience = registry.audience_record(
            actor=admin, account=account, month=dt.date(year, 1, 1), followers=4242
        )
        people = sintang_people("qzx")
        the_sop = sop.sop_activate(
            actor=admin,
            sop=sop.sop_create_from_template(
                actor=admin, template_key="sintang", title=f"SOP {MARK}"
            ),
        )
        assignment = sop.assignment_create(
            actor=people["kasubbag"],
            event=f"Liputan {MARK}",
            place="Aula Dinkes",
            event_at=timezone.now(),
            assignee=people["staf"],
        )
        page = sop.assignment_start_draft(
            actor=people["staf"], assignment=assignment, title=f"Draf {MARK} {SECRET}"
        )
        workflow_state = page.get_workflow().start(page, people["staf"])
        task_state = workflow_state.current_task_state
        image = make_image(title=f"Foto {MARK}")
        image.file.open("rb")
        blobs.append(image.file.read())
        image.file.close()
        image_path = image.file.url.removeprefix("/media/")
        live_page = make_news(title=f"Berita {MARK}", image=image)
        page_changed(schema_name=B, page_id=live_page.pk)
        private_page = make_news(title=f"Berita terbatas {MARK}", lead=f"Isi {SECRET}")
        page_restriction = PageViewRestriction.objects.create(
            page=private_page, restriction_type=PageViewRestriction.PASSWORD, password="qzx-sandi"
        )
        collection = Collection.get_first_root_node().add_child(name=f"Koleksi {MARK}")
        collection_restriction = CollectionViewRestriction.objects.create(
            collection=collection,
            restriction_type=CollectionViewRestriction.PASSWORD,
            password="qzx-sandi",
        )
        document_bytes = f"Dokumen {MARK} {SECRET}".encode()
        document = get_document_model()(
            title=f"Dokumen {MARK}",
            collection=collection,
            file=ContentFile(document_bytes, name="qzx-dinkes.txt"),
        )
        document.save()
        blobs.append(document_bytes)
        redirect = Redirect.objects.create(
            old_path="/qzx-lama", redirect_link=f"https://example.org/{MARK}"
        )
        user = get_user_model().objects.create_user(
            "petugas_qzx",
            email="qzxrahasia@dinkes.localhost",
            password="sandi-kuat-qzx-2026",
            first_name=f"Nama {MARK}",
            is_staff=True,
        )
        group = Group.objects.create(name=f"Grup {MARK}")
        identity = IdentitySettings.load()
        identity.tagline = f"Slogan {MARK}"
        identity.save()
        page_ct = ContentType.objects.get_for_model(Page)
        session = EditingSession.objects.create(
            user=user, content_type=page_ct, object_id=str(page.pk), last_seen_at=timezone.now()
        )
        uploaded = UploadedFile.objects.create(
            file=ContentFile(b"qzx", name="qzx.png"),
            for_content_type=ContentType.objects.get_for_model(get_image_model()),
            uploaded_by_user=user,
        )
        reset_uid = urlsafe_base64_encode(force_bytes(user.pk))
        reset_token = default_token_generator.make_token(user)
        site = Site.objects.get(is_default_site=True)
        report = evaluation.report_start(instansi=instansi[B], year=year, actor=admin)
        report = evaluation.report_update(
            report=report, actor=admin, data={**NARRATIVE, "policy_overview": f"Laporan {MARK}"}
        )
        evaluation.report_submit(report=report, actor=admin)
        wordpress_run = _wordpress_import(admin)
        news_index = news_index_page()
        rows.update(
            {
                "decree": decree,
                "account": account,
                "appointment": appointment,
                "audience": audience,
                "sop": the_sop,
                "assignment": assignment,
                "page": page,
                "live_page": live_page,
                "private_page": private_page,
                "news_index": news_index,
                "revision": page.latest_revision,
                "workflow": workflow_state.workflow,
                "task": task_state.task,
                "workflow_state": workflow_state,
                "task_state": task_state,
                "image": image,
                "document": document,
                "collection": collection,
                "collection_restriction": collection_restriction,
                "page_restriction": page_restriction,
                "redirect": redirect,
                "user": user,
                "group": group,
                "site": site,
                "settings": identity,
                "session": session,
                "uploaded": uploaded,
                "wordpress_run": wordpress_run,
            }
        )
    with schema_context(SUPER):
        evaluator = get_user_model().objects.get(username="admin")
        started = evaluation.evaluation_start(report=report, actor=evaluator)
        evaluation.evaluation_save(
            report=report,
            actor=evaluator,
            scores={str(c.pk): 70 for c in started.rubric.criteria.all()},
            recommendations=[f"Rekomendasi {SECRET} sebelum rilis"],
        )
    with schema_context(THIRD):
        incoming = inbox.inquiry_create(
            actor=None,
            instansi=instansi[THIRD],
            kind="pertanyaan",
            channel="situs",
            body=f"Pertanyaan rujukan {MARK}",
            citizen_name=f"Warga {SECRET}",
            citizen_contact="qzxrahasia.rujukan@example.org",
        )
        inbox.inquiry_refer(
            actor=None,
            instansi=instansi[THIRD],
            inquiry_id=incoming.pk,
            to_instansi=instansi[B],
            note=f"kewenangan kesehatan {MARK}",
        )
    with schema_context(B):
        inquiry = inbox.inquiry_create(
            actor=None,
            instansi=instansi[B],
            kind="pertanyaan",
            channel="situs",
            body=f"Kapan jadwal imunisasi {MARK}?",
            citizen_name=f"Ratna {SECRET}",
            citizen_contact="qzxrahasia@example.org",
        )
        outgoing = inbox.inquiry_create(
            actor=None,
            instansi=instansi[B],
            kind="kritik",
            channel="situs",
            body=f"Sekolah rusak {MARK}",
            citizen_name=f"Budi {SECRET}",
        )
        inbox.inquiry_refer(
            actor=None,
            instansi=instansi[B],
            inquiry_id=outgoing.pk,
            to_instansi=instansi[THIRD],
            note="kewenangan pendidikan",
        )
    # B's referral to the third instansi is overdue: it is on Diskominfo's regency-wide list of
    # late referrals (by design), which must show who and when, never what or whose.
    from datetime import timedelta

    from inbox.models import Referral

    Referral.objects.filter(inquiry=outgoing).update(
        requested_at=timezone.now() - timedelta(hours=48),
        due_at=timezone.now() - timedelta(hours=24),
    )
    # What the periodic jobs do for every instansi (cms.tasks.portal_reconcile_all): the
    # portal's news and the regency search catch up with B's pages, so the portal's pages,
    # feeds and search hold everything of B that they would in production.
    portal_reconcile(schema_name=B)
    search_reconcile(schema_name=B)
    token, _ = api_token_create(instansi=instansi[B], name=f"Token {MARK}")
    job = ConsoleJob.objects.create(kind=ConsoleJob.Kind.REFRESH, year=year)
    news_item = PortalNewsItem.objects.get(instansi=instansi[B], page_id=live_page.pk)
    rows.update(
        {
            "inquiry": inquiry,
            "referral": incoming.referrals.get(),
            "referral_out": outgoing.referrals.get(),
            "report": report,
            "token": token,
            "job": job,
        }
    )
    values = {key: str(row.pk) for key, row in rows.items()}
    values.update(
        {
            "code": inquiry.tracking_code,
            "request_id": inquiry.public_request_id,  # Open311's name for it
            "year": str(year),
            "news_item": str(news_item.pk),
            "slug": B,
            "service_code": f"{B}.pertanyaan",
            "reset_uid": reset_uid,
            "reset_token": reset_token,
            "image_path": image_path,
            "document_filename": document.filename,
            "live_path": live_page.url_path.split("/", 2)[2],
            "private_path": private_page.url_path.split("/", 2)[2],
            "news_index_path": news_index.url_path.split("/", 2)[2],
        }
    )
    return Foreign(values=values, shadowed=_shadowed(rows, year), blobs=blobs, rows=rows)


def _wordpress_import(admin):
    """B's import of its old site, as the admin screen starts it and the worker runs it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.wordpress import services as wordpress

    run = wordpress.wordpress_import_start(
        actor=admin,
        export_file=SimpleUploadedFile(f"ekspor-{MARK}.xml", WXR, content_type="text/xml"),
    )
    run = wordpress.wordpress_import_execute(run_id=run.pk, fetch_remote=False)
    assert run.status == run.Status.SELESAI, run.error
    return run


def _shadowed(rows: dict[str, object], year: int) -> dict[str, set[str]]:
    from evaluation.models import AnnualReport
    from tenants.models import Instansi

    models = {**_state_models(), **_extra_models()}
    shadowed: dict[str, set[str]] = {}
    for schema in (A, SUPER):
        with schema_context(schema):
            shadowed[schema] = {
                key
                for key, model in models.items()
                if key in rows and model.objects.filter(pk=rows[key].pk).exists()
            }
        # the report is addressed by year on the caller's host: the caller's own report
        if AnnualReport.objects.filter(
            instansi=Instansi.objects.get(schema_name=schema), year=year
        ).exists():
            shadowed[schema].add("year")
    return shadowed


def state(foreign: Foreign) -> dict:
    """Every B row as stored now: the matrix compares it before and after the attacks."""
    from evaluation.models import AnnualReport, Evaluation
    from inbox.models import Inquiry, Referral
    from tenants.models import ApiToken

    snapshot: dict = {}
    with schema_context(B):
        for key, model in {**_state_models(), **_extra_models()}.items():
            snapshot[key] = list(model.objects.filter(pk=foreign.rows[key].pk).values())
        snapshot["decree_count"] = _count("tenants.registry.models", "SuratKeputusan")
        snapshot["audience_count"] = _count("tenants.registry.models", "AudienceFigure")
        snapshot["assignment_count"] = _count("sop.models", "Assignment")
        snapshot["sop_count"] = _count("sop.models", "Sop")
        snapshot["page_count"] = _count("wagtail.models", "Page")
        for name in ("WordPressImportRun", "WordPressImportRecord", "WordPressUrl"):
            snapshot[name] = _count("cms.wordpress.models", name)
        snapshot["enrolment_codes"] = list(
            _model("tenants.access.models", "TwoFactorEnrolmentCode").objects.values()
        )
        snapshot["wordpress_categories"] = list(
            _model("cms.wordpress.models", "WordPressCategoryMap").objects.values()
        )
    for key, model in (
        ("inquiry", Inquiry),
        ("referral", Referral),
        ("referral_out", Referral),
        ("report", AnnualReport),
        ("token", ApiToken),
    ):
        snapshot[key] = list(model.objects.filter(pk=foreign.rows[key].pk).values())
    snapshot["evaluation"] = list(Evaluation.objects.filter(report=foreign.rows["report"]).values())
    snapshot["b_inquiries"] = list(
        Inquiry.objects.filter(instansi__schema_name=B).values("pk", "status", "updated_at")
    )
    return snapshot


def _model(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(module), name)


def _count(module: str, name: str) -> int:
    return _model(module, name).objects.count()
