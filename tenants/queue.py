"""Queueing after commit lives in the kernel (`core.queue`); this name stays for old callers."""

from core.queue import send_on_commit, send_task_safely

__all__ = ["send_on_commit", "send_task_safely"]
