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
        # At a terminal a time needs no milliseconds: 2026-12-08 03:41:57, shortened further to fit below.
        times = [_is_time(k) for k, _ in columns]
        cells = [[_elide_time(c, 19) if is_time else c for c, is_time in zip(row, times)] for row in cells]
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
        widths = _fit(widths, [len(h) for _, h in columns], shutil.get_terminal_size().columns,
                      {i: TIME_STEPS for i, is_time in enumerate(times) if is_time})
        shorten = [_elide_end if _is_id(k) else _elide_time if _is_time(k) else _elide for k, _ in columns]
        cells = [[cut(c, w) for c, w, cut in zip(row, widths, shorten)] for row in cells]
    print("  ".join(h.ljust(w) for (_, h), w in zip(columns, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


TIME_STEPS = (19, 14, 8)  # a time's readable widths: date and time, month-day and time, time


def _fit(widths: list[int], minimum: list[int], total: int, steps: dict[int, tuple[int, ...]] | None = None) -> list[int]:
    """Narrow the widest columns (never below their heading or 8 characters) until the table fits. A
    column with `steps` narrows only to those widths (a time is cut whole parts at a time)."""
    widths = list(widths)
    steps = steps or {}
    floor = [max(m, min(steps.get(k, (8,)))) if k in steps else max(m, 8) for k, m in enumerate(minimum)]
    while sum(widths) + 2 * (len(widths) - 1) > total:
        i = max(range(len(widths)), key=lambda k: widths[k] - floor[k])
        if widths[i] <= floor[i]:
            break  # as narrow as it goes: the terminal wraps the rest
        if i in steps:
            widths[i] = max([w for w in steps[i] if w < widths[i]] + [floor[i]])
        else:
            widths[i] -= 1
    return widths


def _is_id(key: str) -> bool:
    """Ids whose start tells them apart (random ones); log ids are sequential, their end differs."""
    return key == "id" or (key.endswith("_id") and key != "log_id")


def _is_time(key: str) -> bool:
    return key == "date" or key.endswith("_at")


def _elide_time(text: str, width: int) -> str:
    """A timestamp too long loses its least telling parts first: milliseconds, then the year, then the
    date (`2026-12-08T03:41:57.021Z` → `2026-12-08 03:41:57` → `12-08 03:41:57` → `03:41:57`)."""
    if len(text) <= width or len(text) < 19 or text[10] not in "T ":
        return _elide(text, width)
    for short in (text[:19].replace("T", " "), text[5:19].replace("T", " "), text[11:19]):
        if len(short) <= width:
            return short
    return _elide(text[11:19], width)


def _elide_end(text: str, width: int) -> str:
    """An id too long: its start, as git shortens hashes; any unique start is accepted back (cli/ids.py)."""
    return text if len(text) <= width else text[:width - 1] + "…"


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
