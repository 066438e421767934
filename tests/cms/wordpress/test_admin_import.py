"""The "Impor WordPress" admin screens (cms/wordpress/views.py) and the Celery task."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from cms.models import NewsPage
from cms.wordpress.models import WordPressCategoryMap, WordPressImportRun
from tests.conftest import login_client

from .conftest import EXPORT, UPLOADS


def _uploads_zip() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in UPLOADS.rglob("*"):
            if path.is_file():
                archive.write(path, f"wp-content/uploads/{path.relative_to(UPLOADS)}")
    return data.getvalue()


def test_menu_item_and_form_are_shown_in_indonesian(db):
    client = login_client("dinkes")
    response = client.get("/admin/pages/")
    assert "Impor WordPress" in response.content.decode()
    page = client.get("/admin/wordpress/").content.decode()
    assert "Berkas ekspor WordPress (.xml)" in page and "Mulai impor" in page


def test_a_file_that_is_not_an_export_gets_a_message_not_a_500(db):
    client = login_client("dinkes")
    response = client.post(
        "/admin/wordpress/",
        {
            "export_file": SimpleUploadedFile("situs.xml", b"<html>bukan ekspor</html>"),
            "default_category": "kegiatan",
        },
    )
    assert response.status_code == 200
    assert "bukan ekspor WordPress" in response.content.decode()
    with schema_context("dinkes"):
        assert not WordPressImportRun.objects.exists()


def test_upload_queues_the_job_and_the_job_imports_with_the_same_report(
    db, django_capture_on_commit_callbacks
):
    from cms.wordpress.tasks import wordpress_import_run

    client = login_client("dinkes")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/wordpress/",
            {
                "export_file": SimpleUploadedFile("dinkes.xml", EXPORT.read_bytes()),
                "media_archive": SimpleUploadedFile("uploads.zip", _uploads_zip()),
                "category_map": SimpleUploadedFile(
                    "peta.csv", b"slug,kategori\npengumuman,kebijakan\n"
                ),
                "default_category": "isu",
            },
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the Celery job, sent once the upload is committed
    with schema_context("dinkes"):
        run = WordPressImportRun.objects.get()
        assert run.status == "antri" and run.default_category == "isu"
        assert WordPressCategoryMap.objects.get(wp_slug="pengumuman").category == "kebijakan"
        # What the worker runs (tenant-schemas-celery puts it in this schema).
        wordpress_import_run.apply(args=[run.pk])
        run.refresh_from_db()
        assert run.status == "selesai", run.error
        assert run.counts["images"] == 4 and run.counts["documents"] == 2
        assert NewsPage.objects.get(slug="laporan-kinerja-2024").category == "kebijakan"
        assert NewsPage.objects.get(slug="jam-layanan-ramadan").category == "isu"

    page = client.get(response["Location"]).content.decode()
    assert "Selesai" in page and "Peta alamat lama" in page
    assert "/2024/05/14/posyandu-serentak-sukamaju" in page
    assert "Tautan judi/spam tidak diimpor" in page
    csv_text = client.get(f"/admin/wordpress/{run.pk}/alamat.csv").content.decode()
    assert csv_text.splitlines()[0] == "alamat_lama,jenis,id_wordpress,hasil,alamat_baru,keterangan"
    assert "/?p=4,post,4,Dialihkan (301),/berita/posyandu-serentak-sukamaju/" in csv_text

    # The category table on the report saves the operator's choice for the next run.
    client.post(f"/admin/wordpress/{run.pk}/", {"kategori-berita-daerah": "kebijakan"})
    with schema_context("dinkes"):
        assert WordPressCategoryMap.objects.get(wp_slug="berita-daerah").category == "kebijakan"


def test_staff_without_the_permission_cannot_import(db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    with schema_context("dinkes"):
        user = get_user_model().objects.create_user("penulis", password="sandi-penulis-12345")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = login_client("dinkes", "penulis", "sandi-penulis-12345")
    assert client.get("/admin/wordpress/").status_code in (302, 403)
    assert "Impor WordPress" not in client.get("/admin/pages/").content.decode()


def test_a_running_import_shows_its_progress_and_refreshes(db):
    with schema_context("dinkes"):
        run = WordPressImportRun.objects.create(
            source_name="dinkes.xml", status="berjalan", total=200, processed=50
        )
    page = login_client("dinkes").get(f"/admin/wordpress/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "50 dari 200 butir" in page and 'value="25"' in page
    assert "Peta alamat lama" not in page  # the report comes when the job is done
