"""Page objects read from the tenant memo are handed to each request as its own copy.

The memo keeps one instance per page for every request of the process; a request that routes,
serves or renders that instance could set an attribute on it (a route method setting
`self.x`, a cached property filled while rendering) and the next visitor would see it. Each
request gets a shallow copy instead: its own attributes, its own cache of related objects and
its own containers (a prefetch made on the copy stays on the copy), the field values and
the related objects already loaded (a news page's image) shared read-only. A copy costs a few
microseconds and no query.
"""

import copy
from typing import TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)

_CONTAINERS = (dict, list, set)


def request_copy(instance: M | None) -> M | None:
    """A copy of `instance` that shares no per-instance state with it.

    What `copy.copy` of a model instance gives (Django's pickling: own attributes, own model
    state with its own cache of related objects), made directly: the pickling round trip
    costs three times as much, on every page of every request."""
    if instance is None:
        return None
    cls = instance.__class__
    clone = cls.__new__(cls)
    attributes = clone.__dict__
    for name, value in instance.__dict__.items():
        if value is instance:
            # A cached property holding the instance itself (Wagtail's `specific` of a page
            # already in its specific form) would hand the shared instance back: the copy
            # computes its own.
            continue
        kind = type(value)
        attributes[name] = kind(value) if kind in _CONTAINERS else value
    state = copy.copy(instance._state)
    state.fields_cache = dict(instance._state.fields_cache)  # cms.caching.internals
    attributes["_state"] = state
    return clone


def request_copies(instances: list[M]) -> list[M]:
    return [request_copy(instance) for instance in instances]
