"""Query-string input of public pages, made safe to hand to the database."""


def query_param(request, name: str, max_length: int = 200) -> str:
    """A GET parameter trimmed, bounded, and without NUL characters (PostgreSQL refuses them)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]
