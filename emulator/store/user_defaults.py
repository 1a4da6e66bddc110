"""What Auth0 fills into a database user's profile when the user is created without it: `name` (the
e-mail, or the username or phone number without one), `nickname` (the e-mail's local part, or the
username) and `picture` (Gravatar for the e-mail, falling back to Auth0's initials avatar)."""
from __future__ import annotations

import hashlib
from urllib.parse import quote


def filled(profile: dict | None, *, email: str | None, username: str | None, phone_number: str | None) -> dict:
    """`profile` with Auth0's defaults for what it lacks; values the caller gave are kept."""
    out = dict(profile or {})
    name = email or username or phone_number
    if name and not out.get("name"):
        out["name"] = name
    nickname = (email.split("@", 1)[0] if email else None) or username
    if nickname and not out.get("nickname"):
        out["nickname"] = nickname
    if name and not out.get("picture"):
        out["picture"] = picture(email, nickname or name)
    return out


def picture(email: str | None, nickname: str) -> str:
    """Auth0's default: the e-mail's Gravatar, with the two-letter avatar of cdn.auth0.com as its default."""
    initials = "".join(c for c in nickname.lower() if c.isalnum())[:2] or "u"
    fallback = quote(f"https://cdn.auth0.com/avatars/{initials}.png", safe="")
    digest = hashlib.md5((email or nickname).strip().lower().encode()).hexdigest()  # noqa: S324 (Gravatar's scheme)
    return f"https://s.gravatar.com/avatar/{digest}?s=480&r=pg&d={fallback}"
