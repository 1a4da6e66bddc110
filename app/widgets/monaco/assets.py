"""Where Monaco's files are: shipped inside the frozen app, or installed once with the bundled npm into
the user cache (`monaco-editor` from the npm registry), then used offline. ACTIONS_EMULATOR_MONACO
names another folder holding `vs/loader.js`, or "off" to use the app's own editors."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from emulator.runtime.deps import DependencyCache

PACKAGE, VERSION = "monaco-editor", "0.52.2"


def _valid(folder: Path) -> bool:
    return (folder / "vs" / "loader.js").is_file() and (folder / "vs" / "editor" / "editor.main.js").is_file()


def disabled() -> bool:
    return os.environ.get("ACTIONS_EMULATOR_MONACO", "").lower() == "off"


def root_without_sandbox() -> bool:
    """Chromium (QtWebEngine, Monaco's host) refuses to start as root with its sandbox on, and takes the
    app down with it: as root, without --no-sandbox, the app keeps its own editor instead."""
    geteuid = getattr(os, "geteuid", None)
    return bool(geteuid and geteuid() == 0
                and "--no-sandbox" not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
                and not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX"))


def find(cache: DependencyCache | None = None) -> Path | None:
    """Monaco's `min` folder if it is here already (no network), else None."""
    if disabled():
        return None
    override = os.environ.get("ACTIONS_EMULATOR_MONACO")
    candidates = [Path(override)] if override else []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "monaco")
    cache = cache or DependencyCache.default()
    if cache.is_cached([(PACKAGE, VERSION)]):
        candidates.append(cache.path_for([(PACKAGE, VERSION)]) / "node_modules" / PACKAGE / "min")
    return next((c for c in candidates if _valid(c)), None)


def ensure_sync(cache: DependencyCache | None = None) -> Path:
    """`ensure` without an event loop (the packaging build)."""
    (cache or DependencyCache.default()).ensure_sync([(PACKAGE, VERSION)])
    found = find(cache)
    if not found:
        raise FileNotFoundError(f"{PACKAGE}@{VERSION} was installed but has no min/vs/loader.js")
    return found


async def ensure(cache: DependencyCache | None = None, progress=None) -> Path:
    """Monaco's `min` folder, installing it with the bundled npm on first use. Raises DependencyError
    (one line) when the registry can't be reached and it is not cached."""
    found = find(cache)
    if found:
        return found
    root = await (cache or DependencyCache.default()).ensure([(PACKAGE, VERSION)], progress=progress)
    folder = root / "node_modules" / PACKAGE / "min"
    if not _valid(folder):
        raise FileNotFoundError(f"{PACKAGE}@{VERSION} was installed but has no min/vs/loader.js")
    return folder
