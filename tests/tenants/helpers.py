"""Helpers for tenants tests."""


def failing_step(instansi, admin_user):
    raise RuntimeError("langkah gagal")
