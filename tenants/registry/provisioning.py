"""Provisioning step of the registry: the default role groups get their registry rights."""

from django.contrib.auth.models import Group, Permission

# KoBar Pasal 9–10: the Kepala Instansi and the pejabat keep the registry (decrees, accounts,
# appointments); the petugas reads it and records audience figures.
GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Kepala Instansi": (
        "add_suratkeputusan",
        "change_suratkeputusan",
        "view_suratkeputusan",
        "add_officialaccount",
        "change_officialaccount",
        "view_officialaccount",
        "add_appointment",
        "change_appointment",
        "view_appointment",
        "add_audiencefigure",
        "change_audiencefigure",
        "view_audiencefigure",
    ),
    "Pejabat Pengelola": (
        "add_suratkeputusan",
        "change_suratkeputusan",
        "view_suratkeputusan",
        "add_officialaccount",
        "change_officialaccount",
        "view_officialaccount",
        "add_appointment",
        "change_appointment",
        "view_appointment",
        "add_audiencefigure",
        "change_audiencefigure",
        "view_audiencefigure",
    ),
    "Petugas Pengelola Media Sosial": (
        "view_suratkeputusan",
        "view_officialaccount",
        "view_appointment",
        "add_audiencefigure",
        "change_audiencefigure",
        "view_audiencefigure",
    ),
}


def grant_registry_permissions(instansi=None, admin_user=None) -> None:
    """The role groups' registry rights, the same in every instansi (made ahead on spares)."""
    permissions = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="registry")
    }
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[c] for c in codenames if c in permissions))
