"""`manage.py import_wordpress` (cms/management/commands/import_wordpress.py)."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from cms.models import NewsPage
from cms.wordpress.models import WordPressCategoryMap

from .conftest import EXPORT, UPLOADS


def test_command_imports_with_category_map_progress_summary_and_report(db, tmp_path):
    mapping = tmp_path / "peta.csv"
    mapping.write_text("slug_wordpress,kategori\npengumuman,kebijakan\nberita-daerah,isu\n")
    report = tmp_path / "alamat.csv"
    out, err = StringIO(), StringIO()
    call_command(
        "import_wordpress",
        str(EXPORT),
        "--instansi",
        "dinkes",
        "--media-dir",
        str(UPLOADS),
        "--category-map",
        str(mapping),
        "--no-fetch",
        "--report",
        str(report),
        stdout=out,
        stderr=err,
    )
    text = out.getvalue()
    assert "Selesai" in text and "dibuat" in text and "pengalihan ditulis" in text
    assert "tak-berkategori" in text and "bawaan" in text  # what was not mapped is listed
    assert f"{21}/{21}" in err.getvalue() or "█" in err.getvalue()
    rows = list(csv.reader(report.open()))
    assert rows[0][0] == "alamat_lama" and len(rows) > 40
    with schema_context("dinkes"):
        assert NewsPage.objects.get(slug="laporan-kinerja-2024").category == "kebijakan"
        assert WordPressCategoryMap.objects.get(wp_slug="berita-daerah").category == "isu"


def test_dry_run_command_saves_nothing(db):
    out = StringIO()
    call_command(
        "import_wordpress",
        str(EXPORT),
        "--instansi",
        "dinkes",
        "--dry-run",
        "--no-fetch",
        stdout=out,
        stderr=StringIO(),
    )
    assert "uji coba" in out.getvalue()
    with schema_context("dinkes"):
        assert not NewsPage.objects.filter(slug="laporan-kinerja-2024").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--instansi", "tidakada"], "tidak ditemukan"),
        (
            ["--instansi", "dinkes", "--default-category", "olahraga"],
            "kegiatan, isu, atau kebijakan",
        ),
        (["--instansi", "dinkes", "--media-dir", "/tidak/ada"], "tidak ada"),
    ],
)
def test_bad_arguments_are_clear_errors(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_wordpress", str(EXPORT), *args, stdout=StringIO(), stderr=StringIO())


def test_a_file_that_is_not_wxr_is_a_clear_error(db, tmp_path):
    bad = tmp_path / "rusak.xml"
    bad.write_text("<rss><channel><item>tidak lengkap")
    with pytest.raises(CommandError, match="bukan ekspor WordPress"):
        call_command(
            "import_wordpress",
            str(bad),
            "--instansi",
            "dinkes",
            stdout=StringIO(),
            stderr=StringIO(),
        )
