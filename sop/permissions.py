"""Who may work an assignment: the permissions its actions name, granted to the SOP's roles.

Django's own model permissions, given to the role group of each step when a version comes into
force (`grant_step_permissions`; migration 0004 for versions in force before): the assigning
role adds assignments, the drafting role starts their drafts, the uploading role records the
shares. The action then also requires the actor to be in the role of the version in force (a
rule of the SOP, not of the policy), and the draft to be started by its assignee.
"""

from core import policy

ASSIGN = "sop.add_assignment"
DRAFT = "sop.change_assignment"
SHARE = "sop.add_share"

# The stage of a step (SopStep.Stage's values) → the permissions its role holds.
STAGE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "penugasan": (ASSIGN,),
    "penyusunan": (DRAFT,),
    "publikasi": (SHARE,),
}

policy.declare_refusal(
    ASSIGN, "Hanya anggota grup pelaksana penugasan liputan SOP yang dapat membuat penugasan."
)
policy.declare_refusal(
    DRAFT, "Hanya petugas yang ditugaskan yang dapat membuat draf berita dari penugasan."
)
policy.declare_refusal(
    SHARE, "Hanya anggota grup pelaksana publikasi SOP yang dapat mencatat unggahan."
)


def grant_step_permissions(steps) -> None:
    """The role group of each step gets the permissions of its stage (idempotent)."""
    grants: dict[str, set[str]] = {}
    for step in steps:
        grants.setdefault(step.role.name, set()).update(STAGE_PERMISSIONS.get(step.stage, ()))
    policy.grant_permissions(grants, create_groups=False)
