"""How the CLI prints: one JSON document with --json, otherwise readable tables and text."""
from __future__ import annotations

import json
import shutil
import sys
from typing import Any, Sequence


WIDE = False  # --wide: tables show every column in full


def emit(value: Any, args, render) -> None:
    """A run's result: a short summary at a terminal (`render`), the JSON itself when piped or with --json."""
    from .summary import wants_summary

    if wants_summary(args):
        print(render(value))
    else:
        emit_json(value)


def json_arg(p) -> None:
    p.add_argument("--json", action="store_true",
                   help="print the whole result as JSON even at a terminal (piped output always is JSON)")


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def table(rows: Sequence[dict], columns: Sequence[tuple[str, str]], empty: str = "(none)") -> None:
    """Print rows as an aligned table; `columns` are (key, heading) pairs."""
    if not rows:
        print(empty)
        return
    cells = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
    if not WIDE and sys.stdout.isatty():
        widths = _fit(widths, [len(h) for _, h in columns], shutil.get_terminal_size().columns)
        cells = [[_elide(c, w) for c, w in zip(row, widths)] for row in cells]
    print("  ".join(h.ljust(w) for (_, h), w in zip(columns, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def _fit(widths: list[int], minimum: list[int], total: int) -> list[int]:
    """Narrow the widest columns (never below their heading or 8 characters) until the table fits."""
    widths = list(widths)
    floor = [max(m, 8) for m in minimum]
    while sum(widths) + 2 * (len(widths) - 1) > total:
        i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
        if widths[i] <= floor[i]:
            break  # as narrow as it goes: the terminal wraps the rest
        widths[i] -= 1
    return widths


def _elide(text: str, width: int) -> str:
    """Too long: its start and end, with … in the middle (ids stay recognisable)."""
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
