"""The caches of the public sites, by job; page models and selectors only call into them.

- `generation`: each instansi's generation number in Redis. Every page-cache key and every memo
  entry carries it; a publish, unpublish, identity or registry change moves it on (cms.signals),
  orphaning everything cached under the old one.
- `pages`: the per-tenant page cache in Django's cache (Redis) for anonymous GETs, with the
  route decorator and the page mixin that read and fill it.
- `memo`: the per-process tenant memo of reads that are the same for every visitor, valid for
  one generation (and MEMO_SECONDS at most).
- `copies`: a page object read from the memo is handed to each request as its own copy, so
  nothing a request sets on a page reaches the next visitor.
- `sites`: Wagtail's site and site root paths for the request's host, from the memo.
- `internals`: the private Django and Wagtail names this layer still relies on, in one list
  that a test checks against the installed versions.

The submodules import nothing of cms at module level but each other, so any cms module may
import them.
"""
