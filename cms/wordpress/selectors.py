"""Reads of the WordPress import: runs, the old-address report, the category map."""

from django.db.models import Count, QuerySet

from .models import WordPressCategoryMap, WordPressImportRun, WordPressUrl

COUNT_LABELS = (
    ("created", "dibuat"),
    ("updated", "diperbarui"),
    ("skipped", "dilewati (tidak berubah)"),
    ("archived", "diarsipkan (tidak tayang)"),
    ("dropped", "dibuang"),
    ("failed", "gagal"),
    ("images", "gambar baru"),
    ("documents", "dokumen baru"),
    ("deduplicated", "berkas kembar dipakai ulang"),
    ("redirects", "pengalihan ditulis"),
    ("warnings", "peringatan"),
)
URL_REPORT_HEADER = ("alamat_lama", "jenis", "id_wordpress", "hasil", "alamat_baru", "keterangan")


def run_list(*, limit: int = 50) -> QuerySet[WordPressImportRun]:
    return WordPressImportRun.objects.select_related("requested_by").order_by("-created_at")[:limit]


def run_get(*, run_id: int) -> WordPressImportRun | None:
    return WordPressImportRun.objects.filter(pk=run_id).first()


def url_report(*, outcome: str = "") -> QuerySet[WordPressUrl]:
    rows = WordPressUrl.objects.order_by("old_path")
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows


def url_report_counts() -> dict[str, int]:
    return dict(WordPressUrl.objects.values_list("outcome").annotate(n=Count("id")))


def url_report_rows() -> list[tuple]:
    return [
        (u.old_path, u.kind, u.wp_id or "", u.get_outcome_display(), u.target, u.reason)
        for u in url_report()
    ]


def category_map() -> QuerySet[WordPressCategoryMap]:
    return WordPressCategoryMap.objects.order_by("wp_slug")
