"""Writes of the shared inbox: the one state machine of Lampiran B, the referral clock, notices.

Lampiran B (KoBar Pasal 9f–g) as transitions of `Inquiry.status`:

    diterima ──answer──▶ dijawab ──close──▶ ditutup
    diterima ──refer──▶ dirujuk ──(every referral answered or declined)──▶ dijawab_terkait
    dijawab_terkait ──reply──▶ dibalas ──close──▶ ditutup
    dijawab | dijawab_terkait | dibalas | ditutup ──follow_up (citizen, once)──▶
        dirujuk (a new referral to the related instansi that answered, fresh deadline)
        or diterima (the receiving instansi answered itself)

A referral declined ("bukan kewenangan kami") returns the inquiry to the sender: when no
referral is left pending and none was answered, the inquiry is `diterima` again, so the petugas
answers it or refers it elsewhere. Every transition is a kernel action (one durable
transaction) that appends an `InquiryEvent`, an audit row, and queues its notifications after
commit (the inquiry is committed before anything is sent).

The citizen (with the tracking code) rates an answer once and asks one follow-up question
(`citizen`); the citizen who left an e-mail address is mailed when an answer can be read.

One module per seam: `transitions` (the table above), `clock` (the 24-hour referral clock),
`feedback` (the pejabat's recommendations), `notifications` (whose mail the kernel's outbox
delivers) and `idempotency` (the API's stored answers); `_common` holds the table
(`TRANSITIONS`) and the steps they share.
"""

from ._common import (
    ACTION_LABELS,
    PETUGAS_GROUPS,
    TRANSITIONS,
    new_tracking_code,
    normalize_tracking_code,
    notice_outbox_key,
    official_account_label,
    referral_sla,
    super_instansi,
)
from .citizen import citizen_email, inquiry_follow_up, inquiry_rate, tracking_url
from .clock import referral_clock_candidates, referral_clock_tick, referral_filter_overdue
from .feedback import feedback_recommendation_save
from .idempotency import IDEMPOTENCY_KEEP_DAYS, idempotency_records_delete_expired
from .notifications import notice_mark_sent, notification_recipients
from .transitions import (
    inquiry_answer,
    inquiry_close,
    inquiry_create,
    inquiry_refer,
    inquiry_reply,
    inquiry_set_topics,
    normalize_topics,
    referral_answer,
    referral_decline,
)

__all__ = [
    "ACTION_LABELS",
    "IDEMPOTENCY_KEEP_DAYS",
    "PETUGAS_GROUPS",
    "TRANSITIONS",
    "citizen_email",
    "feedback_recommendation_save",
    "idempotency_records_delete_expired",
    "inquiry_answer",
    "inquiry_close",
    "inquiry_create",
    "inquiry_follow_up",
    "inquiry_rate",
    "inquiry_refer",
    "inquiry_reply",
    "inquiry_set_topics",
    "new_tracking_code",
    "normalize_topics",
    "normalize_tracking_code",
    "notice_mark_sent",
    "notice_outbox_key",
    "notification_recipients",
    "official_account_label",
    "referral_answer",
    "referral_clock_candidates",
    "referral_clock_tick",
    "referral_decline",
    "referral_filter_overdue",
    "referral_sla",
    "super_instansi",
    "tracking_url",
]
