"""Type files of an action's npm dependencies that ship their own (a `types` or `typings` entry, or an
index.d.ts), read from the dependency cache once the set has been installed by a run. The editor gets
them as extra libraries under file:///node_modules/<name>/, with `require('<name>')` typed to them by the
declarations."""
from __future__ import annotations

import json
from pathlib import Path

from ..runtime.deps import DependencyCache

BUDGET = 4_000_000  # characters of type files in all; a huge package's types are left out, not truncated


def _files(package: Path) -> list[Path]:
    found = [p for pattern in ("*.d.ts", "*.d.cts", "*.d.mts") for p in package.rglob(pattern)]
    return sorted(p for p in found if "node_modules" not in p.relative_to(package).parts)


def type_libs(node_modules: Path, names: list[str], budget: int = BUDGET) -> tuple[dict[str, str], list[str]]:
    """({file URL: text} of the type files, the names that have types) for these installed packages."""
    libs: dict[str, str] = {}
    typed: list[str] = []
    used = 0
    for name in names:
        package = node_modules / name
        try:
            meta = json.loads((package / "package.json").read_text())
        except (OSError, ValueError):
            continue
        entry = meta.get("types") or meta.get("typings") or ("index.d.ts" if (package / "index.d.ts").is_file() else None)
        if not entry:
            continue
        files = {p: p.read_text(errors="replace") for p in _files(package)}
        size = sum(len(t) for t in files.values())
        if not files or used + size > budget:
            continue
        used += size
        for path, text in files.items():
            libs[f"file:///node_modules/{name}/{path.relative_to(package).as_posix()}"] = text
        libs[f"file:///node_modules/{name}/package.json"] = json.dumps({"name": name, "types": entry})
        typed.append(name)
    return libs, typed


def for_action(dependencies: list[dict], cache: DependencyCache | None = None) -> tuple[dict[str, str], list[str]]:
    """Type libraries of an action's dependencies ({name, version} each), if that set is installed."""
    deps = [(d["name"], d.get("version") or "latest") for d in dependencies]
    cache = cache or DependencyCache.default()
    if not deps or not cache.is_cached(deps):
        return {}, []
    key = (str(cache.path_for(deps)), tuple(deps))
    if key not in _READ:  # an installed set never changes: read once per process
        _READ[key] = type_libs(cache.path_for(deps) / "node_modules", [name for name, _ in deps])
    return _READ[key]


_READ: dict[tuple, tuple[dict[str, str], list[str]]] = {}
