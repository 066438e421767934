"""The per-process tenant memo: reads that are the same for every visitor, shared by requests.

Every request (with a session too) shares it: the instansi's Wagtail site and root paths, its
sections, identity and official accounts, whether it restricts any page, the home page's latest
news, a news page found by its address, image renditions, template fragments (`{% shared %}` in
cms_tags). An entry is valid for the generation it was read under (`cms.caching.generation`),
so the same publish, edit or registry change that drops the page cache drops it, and for at
most MEMO_SECONDS in any case. What depends on the visitor (view restrictions, sessions, CSRF)
is still checked on every request, and every page is rendered.

Values are shared between requests (and threads) and must be treated as read-only: a page
object is handed out through `cms.caching.copies.request_copy`, never as the stored instance.
"""

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.db import connection

from .generation import request_generation

T = TypeVar("T")

# The generation catches every change; the time limit only bounds what changes without a
# write (a date passing), as the page cache's own timeout does (pages.PAGE_TIMEOUT, 600 s).
# A hit does not extend it: each worker rebuilds an instansi's entries once per period, which
# at 60 s cost a worker cycling over 1,000 instansi 1,000 first visits a minute (about 45 s of
# its CPU; benchmarks/growth.py).
MEMO_SECONDS = 600.0
# Per process, least recently used dropped first, bounded by memory: sizes are estimated once,
# when stored (`_memo_size`), and least recently used entries go until the memo fits its byte
# budget again. An instansi whose home, news and profile are read holds about 16-20 entries,
# some 70 KB (tracemalloc): 64 MiB holds the home pages of 1,000 instansi and all that of
# about 900. The entry count is only a backstop against very many tiny entries (at 5,000, a
# worker cycling over 1,000 hosts dropped every instansi's memo before its next visit).
MEMO_MAX_ENTRIES = 50_000
MEMO_MAX_BYTES = getattr(settings, "SIMPUL_MEMO_MAX_BYTES", 64 * 1024 * 1024)
# A value that cannot be pickled counts as twice the measured mean entry (70 KB / 16-20).
MEMO_UNSIZED_BYTES = 8 * 1024

# (schema, name) -> (generation, expires at (monotonic), value, size), least recently used first
_memo: OrderedDict[tuple[str, Hashable], tuple[int, float, object, int]] = OrderedDict()
_memo_lock = threading.Lock()
# The sum of the sizes in `_memo`, kept under MEMO_MAX_BYTES.
_memo_bytes = 0


def _memo_size(value: object) -> int:
    """About how many bytes `value` holds: the length of text, else of its pickle."""
    if isinstance(value, str | bytes):
        return len(value)
    try:
        return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - some objects do not pickle; count them as an average one
        return MEMO_UNSIZED_BYTES


def _memo_store(key: tuple[str, Hashable], entry: tuple[int, float, object, int]) -> None:
    """Store `entry` as the most recently used; drop the least recently used until both the
    entry count and the byte budget hold. A value larger than the whole budget is not kept."""
    global _memo_bytes
    with _memo_lock:
        old = _memo.pop(key, None)
        if old is not None:
            _memo_bytes -= old[3]
        if entry[3] > MEMO_MAX_BYTES:
            return
        _memo[key] = entry
        _memo_bytes += entry[3]
        while len(_memo) > MEMO_MAX_ENTRIES or _memo_bytes > MEMO_MAX_BYTES:
            _memo_bytes -= _memo.popitem(last=False)[1][3]


# (schema, generation) of the request being served, set by `memo_scope`.
_scope: ContextVar[tuple[str, int] | None] = ContextVar("simpul_memo_scope", default=None)
# Off: what a request reads inside a transaction may be its own uncommitted writes (or, in
# tests, rows rolled back afterwards), which no other request may be shown. tests/cms turns it
# on, clearing the memo around each test.
memo_in_transactions = False


@contextmanager
def memo_scope(request):
    """While serving `request`: `tenant_memo` shares values read under its generation."""
    generation = request_generation(request)
    token = _scope.set(None if generation is None else (connection.schema_name, generation))
    try:
        yield
    finally:
        _scope.reset(token)


def tenant_memo(name: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value for the current schema, shared by this process's requests while the
    schema's generation stays the same (MEMO_SECONDS at most).

    For reads that are the same for every visitor and change only through something that
    moves the generation (cms.signals): the site's structure and
    identity, and published pages (any page saved, published, unpublished or moved moves it).
    The value is shared between requests (and threads): callers must treat it as read-only.
    Outside a `memo_scope` (no request, another schema, Redis away) `build()` runs every time.
    """
    scope = _scope.get()
    if scope is None or scope[0] != connection.schema_name:
        return build()
    schema_name, generation = scope
    key = (schema_name, name)
    now = time.monotonic()
    entry = _memo.get(key)
    if entry is not None and entry[0] == generation and entry[1] > now:
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
        return entry[2]
    value = build()
    if memo_in_transactions or not connection.in_atomic_block:
        _memo_store(key, (generation, now + MEMO_SECONDS, value, _memo_size(value)))
    return value


def forget_memo() -> None:
    """Drop this process's memo of every schema (tests)."""
    global _memo_bytes
    with _memo_lock:
        _memo.clear()
        _memo_bytes = 0
