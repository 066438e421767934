"""The audit writer lives in the kernel (`core.audit`); this name stays for tenancy's own callers."""

from core.audit import audit_record, changed, model_snapshot
from core.tenancy import current_instansi

__all__ = ["audit_record", "changed", "current_instansi", "model_snapshot"]
