"""Users' MFA enrolments (the `authenticators` table): SMS phones, the factor the emulator models.

An enrolment's id is Auth0's `sms|dev_…`, the same in the MFA API (/mfa/authenticators), the Management
API (authentication methods, Guardian enrolments) and the app. Only confirmed enrolments are kept: an
association waiting for its first code lives in the journey run until the code is right.
"""
from __future__ import annotations

from ..errors import not_found
from .db import Workspace, transaction


def confirmed(ws: Workspace, tenant: str, user_id: str) -> list[dict]:
    """The user's confirmed enrolments, oldest first: id, type, phone_number, created_at."""
    return list(ws.db.query("""SELECT id, type, phone_number, created_at FROM authenticators
                               WHERE tenant = ? AND user_id = ? AND confirmed = 1 ORDER BY created_at, id""",
                            [tenant, user_id]))


def confirmed_phone(ws: Workspace, tenant: str, user_id: str) -> str | None:
    """The phone the user's SMS challenges go to (the first enrolled), or None when not enrolled."""
    row = ws.db.execute("""SELECT phone_number FROM authenticators WHERE tenant = ? AND user_id = ? AND type = 'sms'
                           AND confirmed = 1 ORDER BY created_at, id LIMIT 1""", [tenant, user_id]).fetchone()
    return row[0] if row else None


def add_sms(ws: Workspace, tenant: str, user_id: str, phone: str, *, token: str, created_at: str) -> str:
    """Record a confirmed SMS enrolment; its id."""
    authenticator_id = f"sms|dev_{token}"
    with transaction(ws):
        ws.db.execute("""INSERT INTO authenticators (tenant, id, user_id, type, phone_number, confirmed, created_at)
                         VALUES (?,?,?,?,?,1,?)""", [tenant, authenticator_id, user_id, "sms", phone, created_at])
    return authenticator_id


def delete(ws: Workspace, tenant: str, user_id: str, authenticator_id: str) -> bool:
    """Remove one enrolment of the user; False when there was none with that id."""
    with transaction(ws):
        return ws.db.execute("DELETE FROM authenticators WHERE tenant = ? AND user_id = ? AND id = ?",
                             [tenant, user_id, authenticator_id]).rowcount > 0


def owner(ws: Workspace, tenant: str, authenticator_id: str) -> str:
    """The user an enrolment belongs to (404 when there is no such enrolment)."""
    row = ws.db.execute("SELECT user_id FROM authenticators WHERE tenant = ? AND id = ?",
                        [tenant, authenticator_id]).fetchone()
    if row is None:
        raise not_found("Enrollment not found")
    return row[0]


def masked(phone: str) -> str:
    """A phone number as Auth0's MFA API names it: all but the last four digits hidden."""
    return "X" * max(len(phone) - 4, 0) + phone[-4:]
