"""Wagtail and model signals of the website, each handing over to `cms.services` on commit."""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images.models import Image
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from . import services
from .models import IdentitySettings, NewsPage


def _page_published(sender, instance, **kwargs):
    services.page_changed_on_commit(instance.pk)


def _page_unpublished(sender, instance, **kwargs):
    services.page_changed_on_commit(instance.pk)


def _page_slug_changed(sender, instance, **kwargs):
    services.page_changed_on_commit(instance.pk)


def _news_deleted(sender, instance, **kwargs):
    services.page_changed_on_commit(instance.pk)


def _page_deleted(sender, instance, **kwargs):
    # Any page type (the base row's delete): its search entry goes with it.
    services.page_changed_on_commit(instance.pk)


def _document_changed(sender, instance, **kwargs):
    services.document_changed_on_commit(instance.pk)


def _restriction_changed(sender, instance, **kwargs):
    services.search_restrictions_changed_on_commit()


def _identity_saved(sender, instance, **kwargs):
    services.identity_changed_on_commit()


def _page_saved(sender, instance, **kwargs):
    # Any page row written (drafts, moves, direct saves): drop the cache, cheap and safe.
    if isinstance(instance, Page):
        services.cache_invalidate_on_commit()


def _shown_data_changed(sender, instance, **kwargs):
    # Rows that pages show or depend on besides pages themselves: the official accounts on the
    # home page, a view restriction added or lifted, a site's host or root, an image's file or
    # focal point. Show a change at once (page cache and tenant memo), not after the timeout.
    services.cache_invalidate_on_commit()


def connect() -> None:
    from tenants.registry.models import OfficialAccount

    post_save.connect(_shown_data_changed, sender=OfficialAccount, dispatch_uid="cms_account_saved")
    post_delete.connect(
        _shown_data_changed, sender=OfficialAccount, dispatch_uid="cms_account_deleted"
    )
    for model in (PageViewRestriction, Site, Image):
        name = model._meta.label_lower
        post_save.connect(_shown_data_changed, sender=model, dispatch_uid=f"cms_{name}_saved")
        post_delete.connect(_shown_data_changed, sender=model, dispatch_uid=f"cms_{name}_deleted")
    page_published.connect(_page_published, dispatch_uid="cms_page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="cms_page_unpublished")
    page_slug_changed.connect(_page_slug_changed, dispatch_uid="cms_page_slug_changed")
    post_page_move.connect(_page_slug_changed, dispatch_uid="cms_page_moved")
    post_delete.connect(_news_deleted, sender=NewsPage, dispatch_uid="cms_news_deleted")
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid="cms_page_deleted")
    document = get_document_model()
    post_save.connect(_document_changed, sender=document, dispatch_uid="cms_document_saved")
    post_delete.connect(_document_changed, sender=document, dispatch_uid="cms_document_deleted")
    for model in (PageViewRestriction, CollectionViewRestriction):
        name = model._meta.label_lower
        post_save.connect(
            _restriction_changed, sender=model, dispatch_uid=f"cms_{name}_search_saved"
        )
        post_delete.connect(
            _restriction_changed, sender=model, dispatch_uid=f"cms_{name}_search_deleted"
        )
    post_save.connect(_page_saved, dispatch_uid="cms_page_saved")
    post_save.connect(_identity_saved, sender=IdentitySettings, dispatch_uid="cms_identity_saved")
