"""Audience figures imported from CSV (`akun,bulan,pengikut`): all rows or none."""

import csv
import io

from core.actions import action
from core.errors import SimpulError

from ..models import AudienceFigure, OfficialAccount
from ..platforms import UrlError, normalize_handle, normalize_url
from ._common import _instansi
from .audience import _record_figure

CSV_MAX_ROWS = 5000


def _account_for_csv(key: str, accounts: list[OfficialAccount]) -> OfficialAccount | None:
    key = key.strip()
    try:
        url = normalize_url(key) if ("/" in key or "." in key) else ""
    except UrlError:
        url = ""
    try:
        handle = normalize_handle(key)
    except UrlError:
        handle = ""
    by_url = [a for a in accounts if url and a.url == url]
    if by_url:
        return by_url[0]
    by_handle = [a for a in accounts if handle and a.handle == handle]
    return by_handle[0] if len(by_handle) == 1 else None


@action(
    "registry.audience.import",
    "Khalayak diimpor",
    "Jumlah pengikut diimpor dari berkas CSV",
    permission="registry.add_audiencefigure",
)
def audience_import_csv(*, actor, data: bytes | str) -> int:
    """Import follower counts from CSV (`akun,bulan,pengikut`); all rows or none.

    `akun` is the account's URL or handle; `bulan` is TTTT-BB. Returns the number of rows.
    """
    _instansi()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SimpulError("Berkas CSV harus berenkode UTF-8.", field="file") from None
    sample = data[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(data), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    required = {"akun", "bulan", "pengikut"}
    if not required <= set(header):
        raise SimpulError(
            "Kolom CSV harus memuat: akun, bulan, pengikut (baris pertama sebagai judul kolom).",
            field="file",
        )
    reader.fieldnames = header
    accounts = list(OfficialAccount.objects.all())
    rows = []
    for line_no, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if len(rows) >= CSV_MAX_ROWS:
            raise SimpulError(f"Berkas CSV paling banyak {CSV_MAX_ROWS} baris.", field="file")
        account = _account_for_csv(row.get("akun") or "", accounts)
        if account is None:
            raise SimpulError(
                f"Baris {line_no}: akun {row.get('akun')!r} tidak ditemukan di registri.",
                field="file",
            )
        followers = (row.get("pengikut") or "").strip().replace(".", "").replace(" ", "")
        rows.append((line_no, account, row.get("bulan") or "", followers))
    if not rows:
        raise SimpulError("Berkas CSV tidak memuat satu baris data pun.", field="file")
    for line_no, account, month, followers in rows:
        try:
            _record_figure(
                actor=actor,
                account=account,
                month=month,
                followers=followers,
                source=AudienceFigure.Source.CSV,
            )
        except SimpulError as exc:
            raise SimpulError(f"Baris {line_no}: {exc.message}", field="file") from None
    return len(rows)
