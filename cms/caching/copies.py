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


def request_copy(instance: M | None) -> M | None:
    """A copy of `instance` that shares no per-instance state with it.

    `copy.copy` goes through Django's pickling of model instances (`Model.__reduce__`), which
    gives the copy its own attributes and its own cache of related objects."""
    if instance is None:
        return None
    clone = copy.copy(instance)
    attributes = clone.__dict__
    for name, value in list(attributes.items()):
        if value is instance:
            # A cached property holding the instance itself (Wagtail's `specific` of a page
            # already in its specific form) would hand the shared instance back: the copy
            # computes its own.
            del attributes[name]
        elif type(value) in (dict, list, set):
            attributes[name] = copy.copy(value)
    return clone


def request_copies(instances: list[M]) -> list[M]:
    return [request_copy(instance) for instance in instances]
