"""Notifications (the KLIK task's step 4): each party its list, each employee a short e-mail.

Dry run by default (:class:`~telefonspor.notify.outbox.Outbox` writes .eml
files); :class:`~telefonspor.notify.smtp.SmtpTransport` really sends.
:func:`~telefonspor.notify.dispatch.deliver` keeps the rate limit and never
writes to the same recipient twice within ``notify.min_days_between`` days.
"""

from __future__ import annotations

from telefonspor.notify.compose import (
    Composed,
    Message,
    employee_messages,
    fill_template,
    party_messages,
    to_email,
)
from telefonspor.notify.dispatch import Delivery, NotificationLog, RateLimiter, Transport, deliver
from telefonspor.notify.outbox import Outbox
from telefonspor.notify.smtp import SmtpTransport

__all__ = [
    "Composed",
    "Delivery",
    "Message",
    "NotificationLog",
    "Outbox",
    "RateLimiter",
    "SmtpTransport",
    "Transport",
    "deliver",
    "employee_messages",
    "fill_template",
    "party_messages",
    "to_email",
]
