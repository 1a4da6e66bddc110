"""Actions Emulator core: runs Auth0 Actions locally. Never imports Qt (design §1)."""
from .errors import DependencyError, EmulatorError, UsageError

__version__ = "0.1.0"
__all__ = ["EmulatorError", "UsageError", "DependencyError", "__version__"]
