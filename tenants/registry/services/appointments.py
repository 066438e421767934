"""Appointment actions: appoint a pejabat or petugas by SK, correct it, end it."""

import datetime as dt
from collections.abc import Iterable

from core.actions import action
from core.audit import model_snapshot
from core.errors import Conflict, SimpulError
from core.validation import full_clean

from ..models import Appointment, DecreeItem, OfficialAccount, SuratKeputusan
from ..validation import validate_nip
from ._common import _audit, _decree_item, _instansi, _require, _today
from .decrees import _active_decree


def _appointment_accounts(account_ids: Iterable[int]) -> list[OfficialAccount]:
    ids = {int(i) for i in account_ids}
    accounts = list(
        OfficialAccount.objects.filter(pk__in=ids, status=OfficialAccount.Status.ACTIVE)
    )
    if len(accounts) != len(ids):
        raise SimpulError(
            "Akun yang dikelola harus akun resmi aktif instansi ini.", field="accounts"
        )
    return accounts


def _appointment_snapshot(appointment: Appointment) -> dict:
    data = model_snapshot(appointment)
    data["accounts"] = sorted(appointment.accounts.values_list("pk", flat=True))
    return data


def _check_appointment_dates(start: dt.date, end: dt.date | None, decree: SuratKeputusan):
    if start < decree.date:
        raise SimpulError(
            f"Tanggal mulai tidak boleh sebelum tanggal SK {decree.number} "
            f"({decree.date:%d-%m-%Y}).",
            field="start_date",
        )
    if end is not None and end < start:
        raise SimpulError("Tanggal sampai tidak boleh sebelum tanggal mulai.", field="end_date")


@action(
    "registry.appointment.create",
    "Penunjukan dicatat",
    "Pejabat atau petugas ditunjuk dengan SK",
    permission="registry.add_appointment",
)
def appointment_create(
    *,
    actor,
    decree: SuratKeputusan | int,
    person_name: str,
    nip: str,
    position: str,
    role: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    account_ids: Iterable[int] = (),
) -> Appointment:
    """Appoint a pejabat or petugas for accounts under an active SK."""
    _instansi()
    decree = _active_decree(decree)
    person_name = _require(person_name, "person_name", "Nama")
    position = _require(position, "position", "Jabatan")
    nip = validate_nip(nip)
    if role not in Appointment.Role.values:
        raise SimpulError("Pilih peran: pejabat penanggung jawab atau petugas.", field="role")
    start_date = start_date or decree.effective_date
    _check_appointment_dates(start_date, end_date, decree)
    if Appointment.objects.filter(nip=nip, role=role, status=Appointment.Status.ACTIVE).exists():
        raise Conflict(
            f"NIP {nip} sudah memiliki penunjukan aktif sebagai "
            f"{Appointment.Role(role).label.lower()}.",
            field="nip",
        )
    accounts = _appointment_accounts(account_ids)
    appointment = Appointment(
        person_name=person_name,
        nip=nip,
        position=position,
        role=role,
        decree=decree,
        start_date=start_date,
        end_date=end_date,
    )
    full_clean(appointment)
    appointment.save()
    appointment.accounts.set(accounts)
    _decree_item(decree, appointment, DecreeItem.Effect.DESIGNATED)
    _audit(
        actor,
        "registry.appointment.create",
        appointment,
        f"Penunjukan {appointment} oleh SK {decree.number}",
        {},
        _appointment_snapshot(appointment),
    )
    return appointment


@action(
    "registry.appointment.update",
    "Penunjukan diubah",
    "Rincian penunjukan diubah",
    permission="registry.change_appointment",
)
def appointment_update(
    *,
    actor,
    appointment: Appointment,
    person_name: str | None = None,
    nip: str | None = None,
    position: str | None = None,
    end_date: dt.date | None | type[Ellipsis] = ...,
    account_ids: Iterable[int] | None = None,
) -> Appointment:
    """Correct an appointment's person, position, end date or accounts."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("decree")
        .get(pk=appointment.pk)
    )
    before = _appointment_snapshot(appointment)
    if person_name is not None:
        appointment.person_name = _require(person_name, "person_name", "Nama")
    if position is not None:
        appointment.position = _require(position, "position", "Jabatan")
    if nip is not None:
        appointment.nip = validate_nip(nip)
    if end_date is not ...:
        appointment.end_date = end_date
    _check_appointment_dates(appointment.start_date, appointment.end_date, appointment.decree)
    full_clean(appointment)
    appointment.save()
    if account_ids is not None:
        appointment.accounts.set(_appointment_accounts(account_ids))
    _audit(
        actor,
        "registry.appointment.update",
        appointment,
        f"Penunjukan {appointment} diubah",
        before,
        _appointment_snapshot(appointment),
    )
    return appointment


@action(
    "registry.appointment.end",
    "Penunjukan diakhiri",
    "Penunjukan diakhiri",
    permission="registry.change_appointment",
)
def appointment_end(
    *,
    actor,
    appointment: Appointment,
    on: dt.date | None = None,
    decree: SuratKeputusan | int | None = None,
) -> Appointment:
    """End an appointment (optionally by an SK that says so)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.is_active:
        raise Conflict(f"Penunjukan {appointment} sudah berakhir.")
    on = on or _today()
    if on < appointment.start_date:
        raise SimpulError("Tanggal berakhir tidak boleh sebelum tanggal mulai.", field="end_date")
    ending = _active_decree(decree) if decree is not None else None
    before = _appointment_snapshot(appointment)
    appointment.status = Appointment.Status.ENDED
    appointment.end_date = on
    appointment.ended_by = ending
    appointment.save()
    if ending is not None:
        _decree_item(ending, appointment, DecreeItem.Effect.ENDED)
    _audit(
        actor,
        "registry.appointment.end",
        appointment,
        f"Penunjukan {appointment} berakhir",
        before,
        _appointment_snapshot(appointment),
    )
    return appointment
