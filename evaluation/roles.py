"""Who may do what: instansi roles for reports, Diskominfo's evaluator group for the console.

Users live in their instansi's schema, so these checks run on the request's own users: an
instansi's role groups on its host, the "Evaluator Diskominfo" group on Diskominfo's host.
"""

from django.contrib.auth.models import Group, Permission

EVALUATOR_GROUP = "Evaluator Diskominfo"
REPORT_SUBMITTER_GROUPS = ("Kepala Instansi", "Pejabat Pengelola")
REPORT_EDITOR_GROUPS = (*REPORT_SUBMITTER_GROUPS, "Petugas Pengelola Media Sosial")


def _in_groups(user, names) -> bool:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "groups"):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=names).exists()


def can_edit_report(user) -> bool:
    return _in_groups(user, REPORT_EDITOR_GROUPS)


def can_submit_report(user) -> bool:
    return _in_groups(user, REPORT_SUBMITTER_GROUPS)


def is_evaluator(user, tenant) -> bool:
    """A user of the super-tenant (Diskominfo) who is a superuser or an evaluator."""
    if tenant is None or not getattr(tenant, "is_super", False):
        return False
    return _in_groups(user, (EVALUATOR_GROUP,))


def is_platform_admin(user, tenant) -> bool:
    """Diskominfo's platform admins (superusers of the super-tenant) onboard instansi."""
    return (
        tenant is not None
        and getattr(tenant, "is_super", False)
        and getattr(user, "is_authenticated", False)
        and bool(getattr(user, "is_superuser", False))
    )


def create_evaluator_group(instansi, admin_user) -> None:
    """Provisioning step: the "Evaluator Diskominfo" group (with admin access), super-tenants only."""
    if not getattr(instansi, "is_super", False):
        return
    group, _ = Group.objects.get_or_create(name=EVALUATOR_GROUP)
    # Evaluators sign in through Wagtail's login and reach the console from its menu.
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access_admin is not None:
        group.permissions.add(access_admin)
