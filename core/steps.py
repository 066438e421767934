"""Ordered steps that apps contribute to a procedure run by the ground floor.

Provisioning a new instansi, filling a demo instansi and the admin home's work panels are run by
`tenants`, which must not import the apps built on it. Each app registers its part from its
AppConfig.ready() into one of the registries below, with an explicit `order`, and `tenants`
iterates the registry. Registering is checked at once, so a mistake stops the process at
start-up (`django.setup()`), never a provisioning half-way:

- a step named twice, or two steps with the same order, is refused;
- a step that needs another (`after=`) is refused unless that step is already registered with a
  lower order: the app it comes from must be listed earlier in INSTALLED_APPS, so a step whose
  app is missing or forgot to register fails the start-up of the app that needs it;
- the callables are imported by the registering code, so a renamed function is an ImportError
  at start-up too (a dotted path in settings failed only when the step ran).

A provisioning step has two halves. `prepare()` writes what every instansi gets alike (pages,
groups, permissions) and runs in a schema that no instansi has yet: on a spare schema made ahead
in the background (tenants.pool), or just before `run` on a plain clone. `run(instansi,
admin_user)` writes what belongs to the instansi (its name, host, profile) when it is made.
Both are idempotent, so an instansi made by an older release can be brought up to date.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Step:
    name: str
    order: int
    run: Callable[..., Any] | None = None
    prepare: Callable[[], Any] | None = None
    after: tuple[str, ...] = ()
    # Whether the step is made only for the instansi it is given (demo steps that also write
    # for other instansi say False: a test filling one instansi leaves them out).
    own_instansi_only: bool = True


class StepRegistry:
    """Steps of one procedure, kept in their explicit order."""

    def __init__(self, label: str):
        self.label = label
        self._steps: dict[str, Step] = {}

    def register(
        self,
        name: str,
        *,
        order: int,
        run: Callable[..., Any] | None = None,
        prepare: Callable[[], Any] | None = None,
        after: tuple[str, ...] | list[str] = (),
        own_instansi_only: bool = True,
    ) -> Step:
        if run is None and prepare is None:
            raise ImproperlyConfigured(f"{self.label} step {name!r} has nothing to run.")
        for part in (run, prepare):
            if part is not None and not callable(part):
                raise ImproperlyConfigured(f"{self.label} step {name!r}: {part!r} is not callable.")
        if name in self._steps:
            raise ImproperlyConfigured(f"{self.label} step {name!r} is registered twice.")
        clash = next((s for s in self._steps.values() if s.order == order), None)
        if clash is not None:
            raise ImproperlyConfigured(
                f"{self.label} steps {clash.name!r} and {name!r} both have order {order}."
            )
        for needed in after:
            before = self._steps.get(needed)
            if before is None:
                raise ImproperlyConfigured(
                    f"{self.label} step {name!r} needs {needed!r}, which no app has registered "
                    "(is its app installed, and listed before this one in INSTALLED_APPS?)."
                )
            if before.order >= order:
                raise ImproperlyConfigured(
                    f"{self.label} step {name!r} (order {order}) needs {needed!r}, which runs "
                    f"later (order {before.order})."
                )
        step = Step(
            name=name,
            order=order,
            run=run,
            prepare=prepare,
            after=tuple(after),
            own_instansi_only=own_instansi_only,
        )
        self._steps[name] = step
        return step

    def __iter__(self) -> Iterator[Step]:
        return iter(sorted(self._steps.values(), key=lambda step: step.order))

    def __len__(self) -> int:
        return len(self._steps)

    def names(self) -> list[str]:
        return [step.name for step in self]

    def get(self, name: str) -> Step:
        try:
            return self._steps[name]
        except KeyError:
            raise ImproperlyConfigured(f"No {self.label} step {name!r} is registered.") from None


# Run inside a new instansi's schema, in order (tenants.services.instansi_provision).
provisioning_steps = StepRegistry("provisioning")
# Demo content made by `provision_demo`: run(instansi) inside the instansi's schema, idempotent.
demo_steps = StepRegistry("demo")
# The admin home's work panels (tenants.dashboard.WorkPanel subclasses) as `run`, in order.
dashboard_panels = StepRegistry("dashboard panel")
