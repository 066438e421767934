"""Registry panel of the admin home: the instansi's open registry reminders (an account whose SK
no longer holds, an officer whose appointment has ended, a month's audience not recorded) and
the appointments that end within the next 30 days, each linked to where it is put right."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from tenants.dashboard import WorkItem, WorkPanel

from . import selectors
from .models import Appointment

ENDING_WITHIN = dt.timedelta(days=30)


class RegistryRemindersPanel(WorkPanel):
    name = "pengingat-registri"
    title = "Pengingat registri"
    empty_text = "Registri akun resmi dan penunjukan petugas tertib."
    order = 30

    @classmethod
    def shown_to(cls, request) -> bool:
        return getattr(request, "tenant", None) is not None and request.user.has_perm(
            "registry.view_officialaccount"
        )

    def more_url(self) -> str:
        return reverse("registry_reminders")

    def get_items(self) -> list[WorkItem]:
        today = timezone.localdate()
        reminders_url = reverse("registry_reminders")
        items = [
            WorkItem(
                title=reminder.get_kind_display(),
                url=reminders_url,
                details=[
                    reminder.message,
                    f"Sejak {timezone.localtime(reminder.first_seen_at):%d-%m-%Y}",
                ],
                badge="Perlu ditindaklanjuti",
                tone="warning",
            )
            for reminder in selectors.reminder_list_open(instansi=self.request.tenant)[
                : self.limit + 1
            ]
        ]
        ending = (
            selectors.appointment_list()
            .filter(
                status=Appointment.Status.ACTIVE,
                end_date__gte=today,
                end_date__lte=today + ENDING_WITHIN,
            )
            .order_by("end_date", "id")[: self.limit + 1]
        )
        finder = AdminURLFinder(self.request.user)
        for appointment in ending:
            days = (appointment.end_date - today).days
            items.append(
                WorkItem(
                    title=f"Penunjukan {appointment.person_name} berakhir",
                    url=finder.get_edit_url(appointment) or reminders_url,
                    details=[
                        f"{appointment.get_role_display()} · {appointment.position}",
                        f"Sampai {appointment.end_date:%d-%m-%Y}"
                        + (f" (SK {appointment.decree})" if appointment.decree_id else ""),
                    ],
                    badge="Berakhir hari ini" if days == 0 else f"Sisa {days} hari",
                    tone="warning" if days <= 7 else "info",
                )
            )
        return items
