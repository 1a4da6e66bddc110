"""A local Auth0 for real apps (design §10): Auth0's Authentication API and Universal-Login-like pages
served on 127.0.0.1, running the tenant's actions on every login. Imported lazily (aiohttp, Jinja2)."""
from __future__ import annotations

__all__ = ["LocalAuth0"]


def __getattr__(name: str):
    if name == "LocalAuth0":
        from .app import LocalAuth0

        return LocalAuth0
    raise AttributeError(name)
