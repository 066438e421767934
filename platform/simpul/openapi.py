"""OpenAPI generation hooks: the published schema is the instansi API under /api/v1/ only."""

from drf_spectacular.authentication import SessionScheme

from core import policy


def only_api_v1(endpoints):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


ERROR_RESPONSES = {
    "400": "Masukan tidak sah: pesan per kolom atau `detail`.",
    "401": "Tanpa token atau token tidak sah untuk instansi ini.",
    "403": "Tidak berwenang atas sumber ini.",
    "404": "Tidak ditemukan (atau milik instansi lain).",
    "405": "Metode tidak diizinkan.",
    "409": "Bertentangan dengan keadaan sumber saat ini.",
    "415": "Jenis konten tidak didukung.",
    "422": "Idempotency-Key dipakai ulang dengan isi yang berbeda.",
    "429": "Terlalu banyak permintaan; coba lagi nanti.",
}


BLANK = {"type": "string", "maxLength": 0}


def _blank_alternative_any_of(node) -> None:
    """`oneOf: [<string with a pattern>, <empty string>]` becomes `anyOf`.

    drf-spectacular offers the empty string beside a blank-allowing string with a pattern as
    `oneOf`; a pattern that also matches "" (text without NUL) makes the empty string match
    both, which `oneOf` forbids. Either one is what the field accepts: `anyOf`.
    """
    if isinstance(node, dict):
        one_of = node.get("oneOf")
        if isinstance(one_of, list) and len(one_of) == 2 and one_of[1] == BLANK:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_alternative_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_alternative_any_of(value)


def add_error_responses(result, generator, request, public):
    """Document the JSON errors the shared exception handler gives every operation.

    Every API view raises domain errors that `tenants.api.exceptions` turns into 4xx JSON,
    either `{"detail": "…"}` or `{"field": ["…"]}`; listing them once here keeps each
    operation's documented statuses true without repeating them in every view.
    """
    _blank_alternative_any_of(result)
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "Error",
        {
            "type": "object",
            "description": "`detail` for the whole request, or one list of messages per field.",
            "properties": {
                "detail": {
                    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                }
            },
            "additionalProperties": {
                "oneOf": [
                    {"type": "array", "items": {}},
                    {"type": "string"},
                    {"type": "object"},
                ]
            },
        },
    )
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


class VerifiedSessionScheme(SessionScheme):
    """The admin session (with its second factor done) that the API also accepts."""

    target_class = "tenants.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"
    priority = 0


# Operations that act for a person: a signed-in user only (the apps use it from the kernel).
SESSION_ONLY = policy.SESSION_ONLY
