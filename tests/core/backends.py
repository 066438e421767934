"""A mail backend that always fails, as a hung or refusing mail server does."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("server tidak menjawab")


class LockSpyBackend(BaseEmailBackend):
    """Records how many atomic blocks were open on the connection when each mail was sent."""

    depths: list[int] = []

    def send_messages(self, email_messages):
        from django.db import connection

        LockSpyBackend.depths.append(len(connection.atomic_blocks))
        return len(email_messages)
