"""Who may work the inbox: the permissions its actions name, and the role groups that hold them.

The permissions are the models' own (`Meta.permissions`); provisioning grants them to a new
instansi's role groups (`grant_inbox_permissions`), migration 0008 to those of every existing
instansi. An instansi's API token works its inbox as the petugas do (record, handle, answer
referrals), declared once in the kernel's policy; advising on the year's feedback stays with
the pejabat and the Kepala Instansi.
"""

from core import policy

RECORD = "inbox.record_inquiry"
HANDLE = "inbox.handle_inquiry"
RESPOND = "inbox.respond_referral"
RECOMMEND = "inbox.record_feedbackrecommendation"

# KoBar Pasal 9: the petugas handle the public's input, the pejabat and the Kepala Instansi
# answer for it and record the recommendations (Pasal 9i).
GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "Kepala Instansi": (RECORD, HANDLE, RESPOND, RECOMMEND),
    "Pejabat Pengelola": (RECORD, HANDLE, RESPOND, RECOMMEND),
    "Petugas Pengelola Media Sosial": (RECORD, HANDLE, RESPOND),
}

policy.declare_api_client_permissions(RECORD, HANDLE, RESPOND)


def grant_inbox_permissions() -> None:
    """The role groups of the schema in use get their inbox permissions (idempotent)."""
    policy.grant_permissions(GROUP_PERMISSIONS)
