"""Links to the registry: the SOP's decree (SK) and the official accounts of the shares."""

import base64
import contextlib
import datetime as dt
import re
import zlib

from sop import selectors, services
from sop.matrix_pdf import matrix_pdf
from tenants.registry.demo import _sk_pdf
from tenants.registry.models import SuratKeputusan
from tenants.registry.services import account_create, decree_create

from .test_services_flow import act, new_assignment, submit


def pdf_text(content: bytes) -> str:
    """The decoded page streams of a reportlab PDF (ASCII85 + Flate), for looking up text."""
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2], ignorechars=b" \n\r\t")
        with contextlib.suppress(zlib.error):
            data = zlib.decompress(data)
        out.append(data.decode("latin-1"))
    return "\n".join(out)


def _decree(humas, number: str, subject=SuratKeputusan.Subject.SOP):
    return decree_create(
        actor=None,
        number=number,
        date=dt.date(2026, 1, 5),
        title="Penetapan SOP Penyebarluasan Informasi Kegiatan",
        signer_name="Kepala Bagian Humas",
        signer_nip="197208172000031003",
        effective_date=dt.date(2026, 1, 5),
        pdf=_sk_pdf(humas, number),
        subject=subject,
    )


def test_the_sop_points_at_its_decree_and_the_matrix_says_so(humas, sintang):
    decree = _decree(humas, "800/HUMAS/SK-SOP/2026")
    v2 = services.sop_update(actor=None, sop=sintang, decree=decree)
    assert (v2.version, v2.decree) == (2, decree)  # a decree change of an active SOP is a version
    pdf = matrix_pdf(selectors.sop_matrix(v2), instansi_name=humas.name)
    assert "800/HUMAS/SK-SOP/2026" in pdf_text(pdf)


def test_shares_name_the_official_account(humas, sintang, people):
    decree = _decree(humas, "800/HUMAS/SK-AKUN/2026", SuratKeputusan.Subject.ACCOUNTS)
    account = account_create(
        actor=None,
        decree=decree,
        platform="instagram",
        handle="humasuji",
        display_name="Humas Uji",
    )
    assignment = new_assignment(people)
    page = services.assignment_start_draft(actor=people["staf"], assignment=assignment)
    submit(page, people["staf"])
    for role in ("kasubbag", "kabag", "kasubbag"):
        act(page, people[role], "approve")
    (share,) = services.assignment_record_shares(
        actor=people["kasubbag"],
        assignment=assignment,
        shares=[{"account": account.pk, "post_url": "https://www.instagram.com/p/uji1/"}],
    )
    assert share.account_ref == account.pk
    assert share.account_label.startswith(account.get_platform_display())
    assert "humasuji" in share.account_label
