"""Bringing an instansi's existing WordPress website over: content, media and old addresses."""
