"""Wagtail's document serve view hands the file to nginx after its checks (X-Accel-Redirect).

Enabled by SIMPUL_DOCUMENTS_X_ACCEL (the deploy stack): Wagtail's view checks the document's
collection privacy, then this backend answers with the file's place under nginx's internal
location `/_dokumen/` (deploy/nginx/simpul.conf) instead of a gunicorn worker streaming it. The
location is `internal`: no client can ask for it directly.
"""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse

INTERNAL_PREFIX = "/_dokumen/"


def sendfile(request, filename, **kwargs):
    """The backend Wagtail's `wagtail.utils.sendfile` calls (SENDFILE_BACKEND)."""
    try:
        relative = Path(filename).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError as exc:  # never a file outside the media folder
        raise Http404("Berkas tidak ditemukan.") from exc
    response = HttpResponse()
    response["X-Accel-Redirect"] = INTERNAL_PREFIX + quote(relative.as_posix())
    return response
