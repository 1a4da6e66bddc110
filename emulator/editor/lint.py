"""Warnings about action code that parses but will fail when it runs, from the trigger registry and the
action's settings: an `api` method the trigger doesn't have, an `event.secrets` name the action doesn't
define, and a `require` of a package that isn't one of its dependencies (or of a file: an action is one
file). Syntax errors are Node's to report (Emulator.check_code); these are the editor's squiggles."""
from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass

from .. import triggers

# Node's built-in modules (require('module').builtinModules, Node 18-22), without the internal ones.
NODE_BUILTINS = frozenset((
    "assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns "
    "domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring "
    "readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads "
    "zlib test").split())

_API = re.compile(r"(?<![\w$.])api\s*\.\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?")
_SECRET_DOT = re.compile(r"(?<![\w$.])event\s*\.\s*secrets\s*\.\s*([A-Za-z_$][\w$]*)")
_SECRET_INDEX = re.compile(r"(?<![\w$.])event\s*\.\s*secrets\s*\[\s*(['\"])")
_REQUIRE = re.compile(r"(?<![\w$.])require\s*\(\s*(['\"`])")


@dataclass(frozen=True)
class Diagnostic:
    line: int  # 1-based
    column: int  # 1-based, first character
    end_column: int  # 1-based, after the last character
    severity: str  # "warning" (the editor's squiggle)
    message: str
    code: str  # unknown-api, unknown-secret, missing-dependency, relative-require

    def to_dict(self) -> dict:
        return asdict(self)


def mask(code: str) -> str:
    """`code` with comments and the insides of string, template and regex literals blanked (same length,
    newlines kept), so patterns only match real code. Template `${...}` parts stay code."""
    out = list(code)
    i, n = 0, len(code)
    braces: list[int] = []  # open-brace depth for each `${` we are inside
    depth = 0
    last = ""  # the last significant character, to tell a regex literal from a division

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    def template(start: int) -> int:
        """Blank a template literal's text from `start` (after ` or }); return where code resumes."""
        k = start
        while k < n:
            if code[k] == "\\":
                k += 2
                continue
            if code[k] == "`":
                blank(start, k)
                return k + 1
            if code.startswith("${", k):
                blank(start, k)
                nonlocal depth
                depth += 1
                braces.append(depth)
                return k + 2
            k += 1
        blank(start, n)
        return n

    while i < n:
        c = code[i]
        if code.startswith("//", i):
            end = code.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
        elif code.startswith("/*", i):
            end = code.find("*/", i + 2)
            end = n if end < 0 else end + 2
            blank(i, end)
            i = end
        elif c in "'\"":
            k = i + 1
            while k < n and code[k] != c and code[k] != "\n":
                k += 2 if code[k] == "\\" else 1
            blank(i + 1, k)
            i, last = k + 1, c
        elif c == "`":
            i, last = template(i + 1), "`"
        elif c == "/" and (not last or last in "(,=:[!&|?{};+-*%<>~^"):
            k = i + 1
            in_class = False
            while k < n and code[k] != "\n" and (code[k] != "/" or in_class):
                if code[k] == "\\":
                    k += 1
                elif code[k] == "[":
                    in_class = True
                elif code[k] == "]":
                    in_class = False
                k += 1
            blank(i + 1, k)
            i, last = k + 1, "/"
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                if braces and braces[-1] == depth:
                    braces.pop()
                    depth -= 1
                    i = template(i + 1)
                    last = "`"
                    continue
                depth -= 1
            if not c.isspace():
                last = c
            i += 1
    return "".join(out)


class _Lines:
    def __init__(self, code: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", code)]

    def at(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1


def _suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1)
    return f" Did you mean {close[0]}?" if close else ""


def _literal(code: str, quote_at: int) -> tuple[str, int] | None:
    """The text of the string literal whose opening quote is at `quote_at`, and where it ends."""
    quote = code[quote_at]
    end = code.find(quote, quote_at + 1)
    if end < 0 or "\n" in code[quote_at:end] or (quote == "`" and "${" in code[quote_at:end]):
        return None
    return code[quote_at + 1:end], end


def package_of(spec: str) -> str:
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def lint(code: str, trigger_id: str, secrets: list[str] = (), dependencies: list[str] = (),
         modules: list[str] | None = None) -> list[Diagnostic]:
    """Warnings for `code`, an action of `trigger_id` with these secret names and dependency names (and,
    when given, the names of the Actions Modules it pins)."""
    trigger = triggers.get(trigger_id)
    masked, lines, found = mask(code), _Lines(code), []

    def add(start: int, end: int, message: str, rule: str) -> None:
        line, col = lines.at(start)
        found.append(Diagnostic(line, col, col + (end - start), "warning", message, rule))

    namespaces = sorted({m.namespace for m in trigger.api if m.namespace})
    top = sorted(m.path for m in trigger.api if not m.namespace)
    for m in _API.finditer(masked):
        first, second = m.group(1), m.group(2)
        if first in namespaces:
            methods = [x.path.split(".", 1)[1] for x in trigger.api if x.namespace == first]
            if second and second not in methods:
                add(m.start(2), m.end(2), f"api.{first}.{second} is not a {trigger.id} api method "
                    f"(api.{first} has {', '.join(methods)}).{_suggest(second, methods)}", "unknown-api")
        elif first not in top:
            add(m.start(1), m.end(1), f"api.{first} is not part of the {trigger.id} api."
                f"{_suggest(first, namespaces + top)}", "unknown-api")

    known = sorted(secrets)
    where = f"(its secrets: {', '.join(known)})" if known else "(it has none)"

    def secret(name: str, start: int, end: int) -> None:
        if name not in known:
            add(start, end, f"{name} is not a secret of this action {where}: add it under Dependencies & "
                f"secrets.{_suggest(name, known)}", "unknown-secret")

    for m in _SECRET_DOT.finditer(masked):
        secret(m.group(1), m.start(1), m.end(1))
    for m in _SECRET_INDEX.finditer(masked):
        literal = _literal(code, m.start(1))
        if literal:
            secret(literal[0], m.start(1) + 1, literal[1])

    deps = {package_of(d[:1] + d[1:].split("@", 1)[0]) for d in dependencies}  # names, or name@version
    for m in _REQUIRE.finditer(masked):
        literal = _literal(code, m.start(1))
        if not literal or not literal[0]:
            continue
        spec, start, end = literal[0], m.start(1) + 1, literal[1]
        if spec.startswith((".", "/")):
            add(start, end, f"require('{spec}'): an action is a single file; put shared code in an npm "
                "dependency", "relative-require")
        elif spec.startswith("actions:"):
            if modules is not None and spec[len("actions:"):] not in modules:
                add(start, end, f"{spec} is not one of this action's modules "
                    f"({', '.join(modules) or 'it pins none'}): pin it under Dependencies & secrets."
                    f"{_suggest(spec[len('actions:'):], list(modules))}", "unknown-module")
        elif spec.startswith("node:") or spec.split("/")[0] in NODE_BUILTINS:
            continue
        elif package_of(spec) not in deps:
            add(start, end, f"{package_of(spec)} is not a dependency of this action: add it under Dependencies "
                "& secrets.", "missing-dependency")
    return sorted(found, key=lambda d: (d.line, d.column))
