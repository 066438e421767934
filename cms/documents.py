"""The admin's document upload form: a file is accepted by what it contains, not by its name.

Wagtail checks only the extension (WAGTAILDOCS_EXTENSIONS). An HTML page renamed `.pdf`, or an
executable renamed `.docx`, would then be served from the instansi's site as if it were a
document; here each allowed kind must also look like that kind inside.
"""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

SNIFF_BYTES = 4096

# OpenDocument files start with a stored `mimetype` entry naming their kind.
OPENDOCUMENT = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# Office Open XML: a zip holding [Content_Types].xml and the part folder of its kind.
OFFICE_OPEN_XML = {"docx": "word/", "xlsx": "xl/"}
KIND_NAMES = {
    "pdf": "PDF",
    "docx": "dokumen Word (.docx)",
    "xlsx": "lembar kerja Excel (.xlsx)",
    "odt": "dokumen OpenDocument (.odt)",
    "ods": "lembar kerja OpenDocument (.ods)",
    "csv": "teks CSV",
    "txt": "teks",
}


def _zip_names(upload) -> list[str] | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _looks_like(extension: str, upload) -> bool:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if extension == "pdf":
        return head.lstrip(b"\r\n\t ").startswith(b"%PDF-")
    if extension in ("csv", "txt"):
        if b"\x00" in head:
            return False
        try:
            # A multi-byte character may be cut at the end of the sniffed block.
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start >= len(head) - 3
        return True
    if extension in OPENDOCUMENT:
        return head[:2] == b"PK" and OPENDOCUMENT[extension] in head[:200]
    if extension in OFFICE_OPEN_XML:
        names = _zip_names(upload)
        upload.seek(0)
        return (
            bool(names)
            and "[Content_Types].xml" in names
            and any(name.startswith(OFFICE_OPEN_XML[extension]) for name in names)
        )
    return False


def check_document_content(upload) -> None:
    """Raise a ValidationError (Indonesian) unless the file's content matches its extension."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in KIND_NAMES:
        return  # Wagtail's extension check reports it
    if not _looks_like(extension, upload):
        raise ValidationError(
            f"Isi berkas “{upload.name}” bukan {KIND_NAMES[extension]} seperti nama berkasnya; "
            "unggah berkas aslinya.",
            code="content_mismatch",
        )


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new upload, not the stored file kept on edit
            check_document_content(upload)
        return upload
