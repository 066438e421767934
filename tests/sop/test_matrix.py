"""The SOP matrix for both templates: HTML rows and columns, and a PDF with the right page count."""

import html as html_lib
import io
import re

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from sop import blueprints, selectors, services
from sop.matrix_pdf import matrix_pdf


def pdf_pages(content: bytes) -> list:
    """The pages of the PDF as a reader opens them (a broken file raises here)."""
    return PdfReader(io.BytesIO(content)).pages


def cells(html: str, row_order: int) -> list[str]:
    row = re.search(rf'<tr class="sop-row" data-order="{row_order}">(.*?)</tr>', html, re.S).group(
        1
    )
    return re.findall(r"<td([^>]*)>", row)


@pytest.mark.parametrize(
    ("key", "roles", "symbol_columns"),
    [
        (
            "sintang",
            [blueprints.KASUBBAG, blueprints.STAF, blueprints.KABAG],
            [("mulai", 0), ("proses", 1), ("proses", 0), ("proses", 2), ("selesai", 0)],
        ),
        (
            "kobar_lampiran_b",
            [blueprints.PETUGAS, blueprints.PETUGAS_TERKAIT],
            [
                ("mulai", 0),
                ("keputusan", 0),
                ("proses", 0),
                ("proses", 1),
                ("proses", 1),
                ("selesai", 0),
            ],
        ),
    ],
)
def test_matrix_html_has_a_row_per_step_and_a_column_per_executor(
    humas, key, roles, symbol_columns
):
    sop = services.sop_create_from_template(actor=None, template_key=key)
    matrix = selectors.sop_matrix(sop)
    assert matrix.roles == roles
    html = render_to_string("sop/_matrix.html", {"matrix": matrix})
    headers = re.findall(r'<th scope="col" class="sop-role">(.*?)</th>', html)
    assert [html_lib.unescape(h) for h in headers] == roles
    for label in ("Kelengkapan", "Waktu", "Output", "Ket."):
        assert f">{label}</th>" in html
    assert len(re.findall(r'<tr class="sop-row"', html)) == len(symbol_columns)
    for order, (symbol, column) in enumerate(symbol_columns, start=1):
        row_cells = cells(html, order)
        assert len(row_cells) == 2 + len(roles) + 4  # no, activity, executors, 3 standards, notes
        executor_cells = row_cells[2 : 2 + len(roles)]
        marked = [i for i, attrs in enumerate(executor_cells) if "data-symbol" in attrs]
        assert marked == [column]
        assert f'data-symbol="{symbol}"' in executor_cells[column]
    # The arrows: every step after the first has an incoming arrow.
    assert html.count("sop-line sop-in") == len(symbol_columns) - 1
    # Each row carries its step's own time standard, in order.
    times = re.findall(r"<td>(\d+) Menit</td>", html)
    assert times == [str(step.standard_minutes) for step in blueprints.BLUEPRINTS[key].steps]


def test_sintang_connectors_cross_columns(humas):
    matrix = selectors.sop_matrix(
        services.sop_create_from_template(actor=None, template_key="sintang")
    )
    first = matrix.rows[0].cells  # Kasubbag → Staf: turn right, drop into the staff column
    assert first[0].turn_right and first[1].turn_left and first[1].drop
    third = matrix.rows[2].cells  # Kasubbag → Kabag crosses the staff column
    assert third[0].turn_right and third[1].through and third[2].drop


@pytest.mark.parametrize("key", ["sintang", "kobar_lampiran_b"])
def test_matrix_pdf_opens_and_fits_one_landscape_page(humas, key):
    sop = services.sop_create_from_template(actor=None, template_key=key)
    content = matrix_pdf(selectors.sop_matrix(sop), instansi_name="Bagian Humas dan Protokol")
    pages = pdf_pages(content)
    assert len(pages) == 1
    assert round(float(pages[0].mediabox.width)) == 842  # A4 landscape
    assert round(float(pages[0].mediabox.height)) == 595
    text = " ".join(pages[0].extract_text().split())  # a narrow column wraps "1380 Menit"
    for step in blueprints.BLUEPRINTS[key].steps:
        assert f"{step.standard_minutes} Menit" in text


def test_a_long_sop_flows_over_pages(humas):
    sop = services.sop_create_from_template(actor=None, template_key="sintang")
    steps = services.steps_as_input(sop)
    long_steps = []
    for i in range(40):
        row = dict(steps[i % 4])
        row.update(order=i + 1, symbol="proses", stage="penugasan" if i == 0 else "tinjauan")
        long_steps.append(row)
    long_steps[-1]["symbol"] = "selesai"
    sop = services.sop_update(actor=None, sop=sop, steps=long_steps)
    content = matrix_pdf(selectors.sop_matrix(sop))
    assert len(pdf_pages(content)) > 1


def test_matrix_pages_in_the_admin(humas, people, humas_admin):
    from django.db import connection

    sop = services.sop_create_from_template(actor=None, template_key="sintang")
    connection.set_schema_to_public()
    response = humas_admin.get(f"/admin/sop/{sop.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr class="sop-row"') == 5
    pdf = humas_admin.get(f"/admin/sop/{sop.pk}/matriks.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert len(pdf_pages(pdf.content)) == 1
