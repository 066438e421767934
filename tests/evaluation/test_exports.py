"""PDF (report + evaluation, Bupati summary) and XLSX recap contents."""

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from evaluation import exports, figures, services
from tenants.models import Instansi
from tests.conftest import login_client

from .factories import NARRATIVE, admin_user, pdf_text, seed_inbox

YEAR = 2026
pytestmark = pytest.mark.django_db


def evaluated(instansi, slug, score, recs):
    actor = admin_user(slug)
    with schema_context(slug):
        report = services.report_start(instansi=instansi[slug], year=YEAR, actor=actor)
        report = services.report_update(report=report, actor=actor, data=NARRATIVE)
        report = services.report_submit(report=report, actor=actor)
    evaluator = admin_user("diskominfo")
    with schema_context("diskominfo"):
        evaluation = services.evaluation_start(report=report, actor=evaluator)
        scores = {str(c.pk): score for c in evaluation.rubric.criteria.all()}
        services.evaluation_save(
            report=report, actor=evaluator, scores=scores, recommendations=recs
        )
        services.evaluation_release(report=report, actor=evaluator)
    report.refresh_from_db()
    return report


def test_report_pdf_holds_numbers_and_recommendations(instansi):
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=YEAR, comments=3, questions=4, referred=2
    )
    report = evaluated(instansi, "humas", 92, ["Tambah petugas pengelola.", "Tetapkan SOP."])
    data = exports.report_pdf(report)
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data).split())
    assert "PEMERINTAH" in text and "DINAS KOMUNIKASI DAN INFORMATIKA" in text
    assert "TAHUN 2026" in text
    for letter in "abcdefgh":
        assert f"{letter}. " in text
    assert "Komentar atas materi pesan 3" in text
    assert "Pesan yang diteruskan ke instansi lain 2" in text
    assert "Tambah petugas pengelola." in text and "Tetapkan SOP." in text
    assert "Sangat baik" in text
    assert "NIP" in text  # signature block
    response = login_client("humas").get(f"/admin/laporan-tahunan/{YEAR}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert "Tambah petugas pengelola." in pdf_text(response.content)


def test_recap_xlsx_has_one_row_per_instansi_and_right_totals(instansi):
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=YEAR, comments=3, questions=1, referred=1
    )
    seed_inbox(
        instansi["dinkes"], instansi["humas"], year=YEAR, comments=2, questions=0, referred=0
    )
    evaluated(instansi, "humas", 95, ["A."])
    evaluated(instansi, "dinkes", 70, ["B."])
    response = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/rekap.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.getvalue()))  # sent from a file, in blocks
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "No")
    header = rows[header_index]
    body = rows[header_index + 1 : -1]
    totals = rows[-1]
    active = set(Instansi.objects.active().values_list("schema_name", flat=True))
    assert sorted(r[2] for r in body) == sorted(active)  # one row per instansi
    col = header.index(figures.FIGURE_LABELS["comments_received"])
    assert totals[1] == "Jumlah"
    assert totals[col] == sum(r[col] or 0 for r in body) == 5
    ranking = list(wb.worksheets[1].iter_rows(values_only=True))
    assert ranking[1][:2] == (1, instansi["humas"].name)
    assert ranking[2][:2] == (2, instansi["dinkes"].name)


def test_bupati_summary_is_one_page(instansi):
    evaluated(instansi, "humas", 95, ["A."])
    data = login_client("diskominfo").get(f"/console/ekspor/{YEAR}/ringkasan-bupati.pdf").content
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = pdf_text(data)
    assert "Bupati" in text and instansi["humas"].name in text
