"""Line and block coverage of actions, from V8's precise coverage through the debugging host's inspector
(Profiler.startPreciseCoverage with call counts and block detail).

V8 reports, per script, each function's ranges (character offsets) with how often they ran: a function's
first range is the function itself, the ones after it are blocks inside it that ran a different number
of times (a branch not taken, a loop body). A position's count is that of the smallest range holding it.
A line's count is the count at its first character of code; a block is reported where it starts.

Scripts are the action versions as the emulator compiles them (an action file's path, or
`actions/<tenant>/<action>/v<N>.js` for stored ones) and their Actions Modules; the harness, Node's
internals and npm dependencies are left out. `lcov()` writes the report as an lcov tracefile (what CI
coverage tools and genhtml read).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .session import filename_of, is_internal

WORKSPACE_SCRIPT = re.compile(r"actions/([^/]+)/(.+)/(v(\d+)|draft)\.js")


async def start(cdp) -> None:
    await cdp.call("Profiler.enable")
    await cdp.call("Profiler.startPreciseCoverage", {"callCount": True, "detailed": True})


async def take(cdp) -> dict:
    """The coverage of every action script since `start` (or the last take): {"files": [...]}"""
    reply = await cdp.call("Profiler.takePreciseCoverage")
    merged: dict[str, FileCoverage] = {}
    for script in reply.get("result", []):
        url = script.get("url", "")
        if not url or is_internal(url) or "/node_modules/" in url or url.startswith("evalmachine"):
            continue
        source = (await cdp.call("Debugger.getScriptSource", {"scriptId": script["scriptId"]}))["scriptSource"]
        one = of_script(filename_of(url), source, script["functions"])
        # A script compiled twice under one name (the syntax check, then the run) is one file: counts add up.
        merged[one.file] = merged[one.file].add(one) if one.file in merged else one
    return {"files": [f.to_json() for f in sorted(merged.values(), key=lambda f: f.file)]}


@dataclass
class FileCoverage:
    file: str
    lines: dict[int, int]  # 1-based line -> count
    blocks: list[dict] = field(default_factory=list)  # {line, end_line, count}
    functions: list[dict] = field(default_factory=list)  # {name, line, count}

    def add(self, other: "FileCoverage") -> "FileCoverage":
        lines = dict(self.lines)
        for line, count in other.lines.items():
            lines[line] = lines.get(line, 0) + count
        return FileCoverage(self.file, lines, _add_counts(self.blocks, other.blocks, ("line", "end_line")),
                            _add_counts(self.functions, other.functions, ("name", "line")))

    def to_json(self) -> dict:
        out: dict = {"file": self.file}
        m = WORKSPACE_SCRIPT.fullmatch(self.file)
        if m:
            out.update(tenant=m.group(1), action=m.group(2), version=int(m.group(4)) if m.group(4) else "draft")
        covered = sum(1 for c in self.lines.values() if c > 0)
        blocks_run = sum(1 for b in self.blocks if b["count"] > 0)
        out.update(lines={str(k): v for k, v in sorted(self.lines.items())}, blocks=self.blocks,
                   functions=self.functions,
                   summary={"lines": {"covered": covered, "total": len(self.lines)},
                            "blocks": {"covered": blocks_run, "total": len(self.blocks)},
                            "functions": {"covered": sum(1 for f in self.functions if f["count"] > 0),
                                          "total": len(self.functions)}})
        return out


def _add_counts(a: list[dict], b: list[dict], key: tuple[str, str]) -> list[dict]:
    out = {(x[key[0]], x[key[1]]): dict(x) for x in a}
    for x in b:
        k = (x[key[0]], x[key[1]])
        if k in out:
            out[k]["count"] += x["count"]
        else:
            out[k] = dict(x)
    return sorted(out.values(), key=lambda x: (x["line"], str(x[key[0]])))


def of_script(file: str, source: str, functions: list[dict]) -> FileCoverage:
    starts = [0] + [m.end() for m in re.finditer(r"\n", source)]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    ranges = [(r["startOffset"], r["endOffset"], r["count"]) for fn in functions for r in fn["ranges"]]
    lines: dict[int, int] = {}
    for number, text in enumerate(source.split("\n"), start=1):
        stripped = text.strip()
        if not stripped or _comment_only(stripped):
            continue
        offset = starts[number - 1] + (len(text) - len(text.lstrip()))
        holding = [r for r in ranges if r[0] <= offset < r[1]]
        if holding:
            lines[number] = min(holding, key=lambda r: r[1] - r[0])[2]
    blocks, named = [], []
    for fn in functions:
        first = fn["ranges"][0]
        if fn.get("functionName") or first["startOffset"] > 0:
            named.append({"name": fn.get("functionName") or "(anonymous)", "line": line_of(first["startOffset"]),
                          "count": first["count"]})
        for r in fn["ranges"][1:]:
            blocks.append({"line": line_of(r["startOffset"]), "end_line": line_of(max(r["startOffset"], r["endOffset"] - 1)),
                           "count": r["count"]})
    return FileCoverage(file, lines, _add_counts(blocks, [], ("line", "end_line")), _add_counts(named, [], ("name", "line")))


def _comment_only(stripped: str) -> bool:
    return stripped.startswith(("//", "/*", "*", "*/"))


def lines_for(report: dict | None, action: str, version: int | str) -> dict[int, int] | None:
    """One stored action version's line counts in a report ({line: count}), or None if it did not run."""
    for f in (report or {}).get("files", []):
        if f.get("action") == action and f.get("version") == version:
            return {int(k): v for k, v in f["lines"].items()}
    return None


def lcov(report: dict) -> str:
    """The report as an lcov tracefile: TN, SF, FN/FNDA, BRDA, DA, and the totals, per file."""
    out = []
    for f in report.get("files", []):
        out += ["TN:", f"SF:{f['file']}"]
        for fn in f["functions"]:
            out.append(f"FN:{fn['line']},{fn['name']}")
        for fn in f["functions"]:
            out.append(f"FNDA:{fn['count']},{fn['name']}")
        out += [f"FNF:{len(f['functions'])}", f"FNH:{sum(1 for fn in f['functions'] if fn['count'] > 0)}"]
        for i, b in enumerate(f["blocks"]):
            out.append(f"BRDA:{b['line']},{i},0,{b['count']}")
        out += [f"BRF:{len(f['blocks'])}", f"BRH:{sum(1 for b in f['blocks'] if b['count'] > 0)}"]
        for line, count in f["lines"].items():
            out.append(f"DA:{line},{count}")
        out += [f"LF:{len(f['lines'])}", f"LH:{sum(1 for c in f['lines'].values() if c > 0)}", "end_of_record"]
    return "\n".join(out) + ("\n" if out else "")


def summary_lines(report: dict) -> list[str]:
    """One line per file for a person at a terminal."""
    out = []
    for f in report.get("files", []):
        s = f["summary"]
        name = f"{f['action']} v{f['version']}" if "action" in f else Path(f["file"]).name
        pct = 100 * s["lines"]["covered"] / s["lines"]["total"] if s["lines"]["total"] else 100.0
        missed = [int(k) for k, v in f["lines"].items() if v == 0]
        out.append(f"coverage {name}: lines {s['lines']['covered']}/{s['lines']['total']} ({pct:.0f}%), blocks "
                   f"{s['blocks']['covered']}/{s['blocks']['total']}"
                   + (f"; not run: {_ranges(missed)}" if missed else ""))
    return out


def _ranges(lines: list[int]) -> str:
    parts, start, prev = [], None, None
    for n in lines:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = n
    if start is not None:
        parts.append(f"{start}-{prev}" if prev != start else str(start))
    return ", ".join(parts)
