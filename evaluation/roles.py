"""Who may do what: the report permissions of an instansi's roles, Diskominfo's evaluators.

The actions name permissions (`EDIT`, `SUBMIT`, `EVALUATE`) that the one policy (core.policy)
checks for every entry point; provisioning grants them to the role groups
(`create_evaluator_group`), migration 0003 to those of every existing instansi. `EVALUATE` is a
regency permission: it counts only on Diskominfo's own site, so an instansi's superuser does not
evaluate its own report. Users live in their instansi's schema, so these checks run on the
request's own users.
"""

from core import policy

EVALUATOR_GROUP = "Evaluator Diskominfo"
REPORT_SUBMITTER_GROUPS = ("Kepala Instansi", "Pejabat Pengelola")
REPORT_EDITOR_GROUPS = (*REPORT_SUBMITTER_GROUPS, "Petugas Pengelola Media Sosial")

EDIT = "evaluation.edit_annualreport"
SUBMIT = "evaluation.submit_annualreport"
EVALUATE = "evaluation.evaluate_annualreport"

# Pasal 16: the Kepala Instansi and the pejabat submit the report; the petugas helps write it.
GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Kepala Instansi": (EDIT, SUBMIT),
    "Pejabat Pengelola": (EDIT, SUBMIT),
    "Petugas Pengelola Media Sosial": (EDIT,),
}
EVALUATOR_PERMISSIONS = ("wagtailadmin.access_admin", EVALUATE)

policy.declare_regency_permissions(EVALUATE)
policy.declare_refusal(EDIT, "Anda tidak berwenang menyusun atau mengubah laporan tahunan.")
policy.declare_refusal(
    SUBMIT, "Hanya Kepala Instansi atau Pejabat Pengelola yang dapat menyampaikan laporan."
)
policy.declare_refusal(EVALUATE, "Hanya evaluator Diskominfo yang dapat melakukan tindakan ini.")


def can_edit_report(user) -> bool:
    return _signed_in(user) and policy.allows(user, EDIT)


def can_submit_report(user) -> bool:
    return _signed_in(user) and policy.allows(user, SUBMIT)


def is_evaluator(user, tenant) -> bool:
    """A user of the super-tenant (Diskominfo) who holds the evaluation permission."""
    if tenant is None or not getattr(tenant, "is_super", False):
        return False
    return _signed_in(user) and policy.allows(user, EVALUATE)


def is_platform_admin(user, tenant) -> bool:
    """Diskominfo's platform admins (superusers of the super-tenant) onboard instansi."""
    return (
        tenant is not None
        and getattr(tenant, "is_super", False)
        and getattr(user, "is_authenticated", False)
        and bool(getattr(user, "is_superuser", False))
    )


def _signed_in(user) -> bool:
    # A user row of this schema (an API token's client has no report rights of its own).
    return getattr(user, "is_authenticated", False) and hasattr(user, "groups")


def create_evaluator_group(instansi, admin_user) -> None:
    """Provisioning step: the role groups get their report permissions; on a super-tenant the
    "Evaluator Diskominfo" group is made too, with admin access and the evaluation permission."""
    grant_report_permissions()
    grant_evaluator_group(instansi, admin_user)


def grant_report_permissions() -> None:
    """The role groups' report permissions: the same in every instansi, so the step's half that
    runs ahead on spare schemas (core.steps)."""
    policy.grant_permissions(GROUP_PERMISSIONS)


def grant_evaluator_group(instansi, admin_user=None) -> None:
    """The step's half for the instansi: the evaluator group, on a super-tenant only."""
    if getattr(instansi, "is_super", False):
        # Evaluators sign in through Wagtail's login and reach the console from its menu.
        policy.grant_permissions({EVALUATOR_GROUP: EVALUATOR_PERMISSIONS})
