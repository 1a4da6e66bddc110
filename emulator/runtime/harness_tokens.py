"""HS256 signing in Python for tokens that come *back* to actions (what an external redirect page signs
for `api.redirect.validateToken`). PyJWT does the work."""
from __future__ import annotations


def sign_hs256(payload: dict, secret: str) -> str:
    import jwt  # with the first token, not at start-up

    return jwt.encode(payload, secret, algorithm="HS256")
