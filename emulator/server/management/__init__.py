"""Auth0's Management API v2 at /api/v2 on the local server: one module per resource family, each route
calling the same core operations as the CLI and the app (same checks, `sapi` logs, `Changes`), with
Auth0's error bodies in `errors.py` and its token and scope rules in `base.py`."""
from .base import ENDPOINTS, ManagementApi

__all__ = ["ENDPOINTS", "ManagementApi"]
