"""The action rule every public write follows, and the one registry of action names.

    @action("registry.decree.revoke", "Cabut SK", "SK dicabut",
            permission="registry.change_suratkeputusan")
    def decree_revoke(*, actor, decree, note): ...

A call of an action:
- runs in one durable transaction (`transaction.atomic(durable=True)`): an action is always the
  outermost write, so a public action never calls another one (that raises `NestedAction`);
  shared steps are private helpers;
- checks its permission first, through the one policy (`core.policy`) that the admin views, the
  API, the console and the commands share, so every entry point gets the same answer;
- leaves its trail with `core.audit.record_change` (the audit row and Wagtail's history line
  from the same call) under a name registered here, which is also registered as a Wagtail log
  action (`core/wagtail_hooks.py`), so both trails use the same name and label.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction

from . import policy

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ActionName:
    code: str
    label: str
    message: str


_NAMES: dict[str, ActionName] = {}
_running: ContextVar[str | None] = ContextVar("simpul_running_action", default=None)
_undo: ContextVar[list[Callable[[], Any]] | None] = ContextVar("simpul_action_undo", default=None)
# Set inside `entry_transaction()`: the entry point's durable transaction the one action joins.
_entry: ContextVar[bool] = ContextVar("simpul_entry_transaction", default=False)


class NestedAction(RuntimeError):
    """A public action was called from inside another: use a private helper instead."""


def register(code: str, label: str, message: str | None = None) -> str:
    """Declare an action name (for the audit trail and Wagtail's history); returns the code."""
    known = _NAMES.get(code)
    if known is not None and (known.label, known.message) != (label, message or label):
        raise ValueError(f"action {code!r} is registered twice with different labels")
    _NAMES[code] = ActionName(code, label, message or label)
    return code


def names() -> list[ActionName]:
    return sorted(_NAMES.values(), key=lambda name: name.code)


def running() -> str | None:
    """The action being run in this context, if any."""
    return _running.get()


@contextmanager
def entry_transaction() -> Iterator[None]:
    """The durable transaction of an entry point that must commit its own row with the one
    action it runs (the API's Idempotency-Key record with the answer it replays). The action
    inside joins it instead of opening its own; a second action inside is still refused."""
    token = _entry.set(True)
    try:
        with transaction.atomic(durable=True):
            yield
    finally:
        _entry.reset(token)


def on_failure(undo: Callable[[], Any]) -> None:
    """Undo an effect outside the database (a stored file) if the running action does not
    commit, its commit included. Only inside an action: the action is the transaction."""
    callbacks = _undo.get()
    if callbacks is None:
        raise RuntimeError("on_failure() is only for the body of a public action")
    callbacks.append(undo)


def action(
    code: str,
    label: str,
    message: str | None = None,
    *,
    permission: str | None = None,
) -> Callable[[F], F]:
    """Make a function a public action: durable transaction, permission, registered name."""
    register(code, label, message)

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            outer = _running.get()
            if outer is not None:
                raise NestedAction(
                    f"{fn.__qualname__} called inside {outer}: a public action never calls "
                    "another; share a private helper"
                )
            token = _running.set(code)
            undo: list[Callable[[], Any]] = []
            undo_token = _undo.set(undo)
            try:
                policy.require(kwargs.get("actor"), permission)
                # Joining an entry point's transaction: a savepoint, so a refused action
                # leaves that transaction usable (the entry point answers with the error).
                with transaction.atomic(durable=not _entry.get()):
                    return fn(*args, **kwargs)
            except BaseException:
                for callback in reversed(undo):
                    callback()
                raise
            finally:
                _undo.reset(undo_token)
                _running.reset(token)

        run.action_code = code  # type: ignore[attr-defined]
        run.permission = permission  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate
