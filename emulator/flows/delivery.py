"""Delivery of the emulator's messages through a bound custom provider action (custom-phone-provider for
SMS, custom-email-provider for e-mail): the action gets Auth0's `event.notification`; a run that ends
without a verdict delivered the message; `api.notification.drop(reason)` drops it for good;
`api.notification.retry(reason)`, or an action that fails, asks for another try, up to 5 retries (6
attempts), run at once: the emulator does not wait the minutes Auth0 spreads them over. The last verdict
call of an attempt counts, as Auth0 documents."""
from __future__ import annotations

from dataclasses import dataclass

from .. import store
from . import chain, events
from .run import FlowRun

MAX_RETRIES = 5
REASON_MAX = 1024  # Auth0 truncates a verdict's reason to this many characters


@dataclass
class Delivery:
    delivered: bool
    outcome: str  # delivered, dropped, failed (retries used up)
    reason: str | None
    attempts: int

    def meta(self) -> dict:
        """What the outbox records of it."""
        out = {"outcome": self.outcome, "attempts": self.attempts}
        if self.reason:
            out["reason"] = self.reason
        return out


def _verdict(steps: list) -> tuple[str | None, str | None]:
    """The last notification.drop/retry call of the attempt, and its reason."""
    calls = [c for s in steps for c in s.result.commands if c["name"] in ("notification.drop", "notification.retry")
             and not c.get("error")]
    if not calls:
        return None, None
    last = calls[-1]
    reason = last["args"][0] if last["args"] else None
    text = reason if isinstance(reason, str) else (None if reason is None else str(reason))
    return last["name"].split(".", 1)[1], (text[:REASON_MAX] if text else text)


async def through_provider(emu, run: FlowRun, trigger_id: str, notification: dict) -> Delivery | None:
    """Deliver through the provider bound to `trigger_id`; None when none is bound."""
    if not store.bindings.get(emu.ws, run.tenant, trigger_id):
        return None
    attempts = 0
    while True:
        attempts += 1
        steps = await chain.run_whole(emu, run, trigger_id, events.build(emu, run, trigger_id,
                                                                         {"notification": notification}))
        verdict, reason = _verdict(steps)
        error = next((s.result.error for s in steps if s.result.error), None)
        if verdict == "drop":
            return Delivery(False, "dropped", reason, attempts)
        if verdict == "retry" or error is not None:
            reason = reason or (f"{error.name}: {error.message}" if error is not None else None)
            if attempts > MAX_RETRIES:
                return Delivery(False, "failed", reason, attempts)
            continue
        return Delivery(True, "delivered", None, attempts)
