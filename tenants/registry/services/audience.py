"""Audience figures: an account's follower count per month."""

import datetime as dt
import re

from django.utils import timezone

from core.actions import action
from core.audit import model_snapshot
from core.errors import NotFound, SimpulError
from core.validation import full_clean

from ..models import AudienceFigure, OfficialAccount
from ._common import _audit, _instansi, _today


def _month(value: dt.date | str) -> dt.date:
    if isinstance(value, str):
        text = value.strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{1,2}", text):
                raise ValueError(text)
            year, month = text.split("-")
            return dt.date(int(year), int(month), 1)
        except (ValueError, TypeError):
            raise SimpulError(
                f"Bulan {text!r} tidak sah; tulis sebagai TTTT-BB (mis. 2026-01).", field="month"
            ) from None
    return value.replace(day=1)


@action(
    "registry.audience.record",
    "Khalayak dicatat",
    "Jumlah pengikut sebulan dicatat",
    permission="registry.add_audiencefigure",
)
def audience_record(
    *,
    actor,
    account: OfficialAccount | int,
    month: dt.date | str,
    followers: int,
    source: str = AudienceFigure.Source.ADMIN,
) -> AudienceFigure:
    """Record (or correct) an account's follower count for a month."""
    _instansi()
    return _record_figure(
        actor=actor, account=account, month=month, followers=followers, source=source
    )


def _record_figure(
    *, actor, account: OfficialAccount | int, month: dt.date | str, followers, source: str
) -> AudienceFigure:
    pk = account if isinstance(account, int) else account.pk
    account = OfficialAccount.objects.filter(pk=pk).first()
    if account is None:
        raise NotFound("Akun tidak ditemukan.", field="account")
    month = _month(month)
    today = _today()
    if month > today.replace(day=1):
        raise SimpulError(
            "Jumlah khalayak tidak dapat dicatat untuk bulan mendatang.", field="month"
        )
    if month < account.active_since.replace(day=1):
        raise SimpulError(
            f"Akun {account} baru resmi sejak {account.active_since:%m/%Y}.", field="month"
        )
    try:
        followers = int(followers)
    except (TypeError, ValueError):
        raise SimpulError("Jumlah pengikut harus bilangan bulat.", field="followers") from None
    if followers < 0:
        raise SimpulError("Jumlah pengikut tidak boleh negatif.", field="followers")
    figure = AudienceFigure.objects.select_for_update().filter(account=account, month=month).first()
    before = model_snapshot(figure) if figure else {}
    if figure is None:
        figure = AudienceFigure(account=account, month=month)
    figure.followers = followers
    figure.source = source
    figure.recorded_at = timezone.now()
    full_clean(figure, validate_constraints=False)
    figure.save()
    _audit(
        actor,
        "registry.audience.record",
        figure,
        f"Khalayak {account} {month:%Y-%m}: {followers}",
        before,
        model_snapshot(figure),
    )
    return figure
