"""The admin home (Wagtail's dashboard) lists the work waiting for the signed-in user.

Each domain app describes its own panel (inbox, sop, tenants.registry and evaluation each have
a `dashboard` module) as a `WorkPanel` and registers it, with its place, from its
AppConfig.ready() in core.steps.dashboard_panels: `tenants` shows them without importing the
apps built on it (as with provisioning steps).
A panel reads through its app's selectors, asks one or two queries, and every item links to the
screen where the work is done.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from core.steps import dashboard_panels


@dataclass
class WorkItem:
    """One line of a panel: what, where it is done, and how it stands against its deadline."""

    title: str
    url: str
    details: list[str] = field(default_factory=list)
    badge: str = ""
    tone: str = "info"  # info | warning | critical | good: the badge's colour


class WorkPanel(Component):
    """A dashboard panel of work items; subclasses say who sees it and what it lists."""

    template_name = "tenants/dashboard/panel.html"
    name = ""
    title = ""
    empty_text = "Tidak ada yang menunggu."
    order = 50
    limit = 10

    def __init__(self, request):
        self.request = request

    @classmethod
    def shown_to(cls, request) -> bool:
        return True

    def get_items(self) -> list[WorkItem]:
        raise NotImplementedError

    def more_url(self) -> str:
        """The full list behind the panel, if there is one."""
        return ""

    def get_context_data(self, parent_context=None) -> dict:
        items = list(self.get_items())
        return {"panel": self, "items": items[: self.limit], "more": len(items) > self.limit}


def build_dashboard_panels(request, panels: list) -> None:
    """`construct_homepage_panels` hook: the registered panels the user may see, first."""
    for step in dashboard_panels:
        panel_class = step.run
        if panel_class.shown_to(request):
            panels.append(panel_class(request))


def duration_label(delta: timedelta) -> str:
    """ "3 hari 2 jam", "5 jam 10 mnt", "12 mnt": how long in the words the inbox uses."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} hari {hours} jam"
    if hours:
        return f"{hours} jam {minutes} mnt"
    return f"{minutes} mnt"


def countdown(due: datetime, *, window: timedelta, now: datetime | None = None) -> tuple[str, str]:
    """Badge text and tone for a deadline: time left (warning in the last quarter) or late."""
    now = now or timezone.now()
    if now >= due:
        return f"Terlambat {duration_label(now - due)}", "critical"
    left = due - now
    return f"Sisa {duration_label(left)}", "warning" if left <= window / 4 else "info"
