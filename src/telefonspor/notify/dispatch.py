"""Deliver composed messages: skip recent recipients, keep the rate limit, record each send.

The clock and sleep are injected so the rate limit is tested without timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

from telefonspor.notify.compose import Message, to_email


class Transport(Protocol):
    def send(self, email: EmailMessage, *, kind: str = "") -> None: ...


class NotificationLog(Protocol):
    """What the store offers for notifications (``telefonspor.store.Store``)."""

    def was_notified(self, recipient: str, within_days: int, now: datetime) -> bool: ...

    def record_notification(
        self, recipient: str, kind: str, run_id: int | None, sent_at: datetime, dry_run: bool
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    message: Message
    status: str  # "sent" | "written" (dry run) | "recent" (skipped: notified within the period)


class RateLimiter:
    """At most ``per_minute`` sends per minute, spaced evenly; 0 or less means no limit."""

    def __init__(
        self,
        per_minute: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None and self.interval:
            gap = self._last + self.interval - self._monotonic()
            if gap > 0:
                self._sleep(gap)
        self._last = self._monotonic()


def deliver(
    messages: Iterable[Message],
    transport: Transport,
    log: NotificationLog,
    *,
    sender: str,
    dry_run: bool,
    min_days_between: int,
    run_id: int | None = None,
    limiter: RateLimiter | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    report: Callable[[Delivery], None] = lambda _: None,
) -> list[Delivery]:
    """Send (or write) each message once; each send is recorded before the next one."""
    done: list[Delivery] = []
    seen: set[str] = set()
    for message in messages:
        key = message.recipient.casefold()
        if key in seen or log.was_notified(key, min_days_between, now()):
            delivery = Delivery(message, "recent")
        else:
            if limiter is not None and not dry_run:
                limiter.wait()
            sent_at = now()
            transport.send(to_email(message, sender=sender, now=sent_at), kind=message.kind)
            log.record_notification(key, message.kind, run_id, sent_at, dry_run)
            delivery = Delivery(message, "written" if dry_run else "sent")
        seen.add(key)
        done.append(delivery)
        report(delivery)
    return done
