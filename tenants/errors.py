"""The domain error lives in the kernel (`core.errors`); this name stays for the access code."""

from core.errors import Conflict, Forbidden, NotFound, SimpulError

__all__ = ["Conflict", "Forbidden", "NotFound", "SimpulError"]
