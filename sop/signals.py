"""Receivers of Wagtail's workflow signals: each re-measures the assignment of the page moved
and tells whoever acts next.

The receivers only call `services.sync_and_notify_for_page`; the rules live in services.
"""

from django.dispatch import receiver
from wagtail.signals import (
    page_published,
    task_approved,
    task_cancelled,
    task_rejected,
    task_submitted,
    workflow_approved,
    workflow_cancelled,
    workflow_rejected,
    workflow_submitted,
)

from .services import sync_and_notify_for_page


def _page_id_of_workflow_state(workflow_state) -> str | None:
    from wagtail.models import Page

    if workflow_state is None:
        return None
    if not issubclass(workflow_state.base_content_type.model_class() or object, Page):
        return None
    return workflow_state.object_id


@receiver(workflow_submitted)
@receiver(workflow_approved)
@receiver(workflow_rejected)
@receiver(workflow_cancelled)
def _on_workflow(sender, instance, **kwargs):
    sync_and_notify_for_page(_page_id_of_workflow_state(instance))


@receiver(task_submitted)
@receiver(task_approved)
@receiver(task_rejected)
@receiver(task_cancelled)
def _on_task(sender, instance, **kwargs):
    sync_and_notify_for_page(_page_id_of_workflow_state(instance.workflow_state))


@receiver(page_published)
def _on_published(sender, instance, **kwargs):
    sync_and_notify_for_page(instance.pk)
