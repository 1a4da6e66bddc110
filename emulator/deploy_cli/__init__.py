"""Auth0 Deploy CLI formats (directory and tenant.yaml): import into and export from a workspace tenant,
with keyword replacement and secret values never written (spec §6.1)."""
from .apply import ImportRefused, check, export_bundle, import_bundle
from .bundle import SECRET_PLACEHOLDER, ActionSpec, Bundle, VersionSpec
from .reader import load_mappings, read
from .writer import sanitize, write

__all__ = ["ImportRefused", "check", "export_bundle", "import_bundle", "SECRET_PLACEHOLDER", "ActionSpec",
           "Bundle", "VersionSpec", "load_mappings", "read", "sanitize", "write"]
