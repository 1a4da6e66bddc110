"""The Lucene forms of Auth0's user search (`q` of GET /api/v2/users, search engine v3) that real code
uses: `field:value`, `field:"exact phrase"`, a trailing `*` wildcard, `_exists_:field`, AND / OR / NOT
(OR is the default between terms, AND binds tighter), parentheses, and `[a TO b]` ranges. Fields are
dotted paths into the user (`app_metadata.plan`, `identities.connection`); a bare term looks at the
e-mail, name, nickname and username. E-mails compare without case, as Auth0's do."""
from __future__ import annotations

import re
from typing import Any, Callable

from .errors import bad_query

Predicate = Callable[[dict], bool]
_TOKEN = re.compile(r'\s*(?:(\()|(\))|("(?:[^"\\]|\\.)*")|(\[[^\]]*\])|([^\s()"\[]+(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\])?))')


def _tokens(q: str) -> list[str]:
    out, pos = [], 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m or m.end() == pos:
            if q[pos:].strip() == "":
                break
            raise bad_query(f"Query validation error: invalid query syntax at {q[pos:pos + 20]!r}")
        out.append(m.group(0).strip())
        pos = m.end()
    return [t for t in out if t]


def _values(user: dict, path: str) -> list[Any]:
    found: list[Any] = [user]
    for part in path.split("."):
        nxt = []
        for value in found:
            if isinstance(value, list):
                nxt += [v.get(part) for v in value if isinstance(v, dict) and part in v]
            elif isinstance(value, dict) and part in value:
                nxt.append(value[part])
        found = nxt
    flat = []
    for value in found:
        flat += value if isinstance(value, list) else [value]
    return [v for v in flat if v is not None]


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _term(field: str | None, raw: str) -> Predicate:
    fields = [field] if field else ["email", "name", "nickname", "username"]
    if raw.startswith("[") and raw.endswith("]"):
        low, _, high = raw[1:-1].partition(" TO ")
        return lambda u: any(_in_range(v, low.strip(), high.strip()) for f in fields for v in _values(u, f))
    quoted = raw.startswith('"') and raw.endswith('"') and len(raw) >= 2
    text = raw[1:-1].replace('\\"', '"') if quoted else raw.replace("\\", "")
    prefix = not quoted and text.endswith("*")
    if prefix:
        text = text[:-1]
    folded = text.lower()

    def match(user: dict) -> bool:
        for f in fields:
            for value in _values(user, f):
                candidate = _text(value)
                if f.endswith("email") or not quoted:
                    candidate, wanted = candidate.lower(), folded
                else:
                    wanted = text
                if (candidate.startswith(wanted) if prefix else candidate == wanted):
                    return True
        return False
    return match


def _in_range(value: Any, low: str, high: str) -> bool:
    def ok(bound: str, cmp) -> bool:
        if bound == "*":
            return True
        try:
            return cmp(float(value), float(bound))
        except (TypeError, ValueError):
            return cmp(str(value), bound)
    return ok(low, lambda a, b: a >= b) and ok(high, lambda a, b: a <= b)


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise bad_query("Query validation error: the query ends too early")
        self.i += 1
        return token

    def expr(self) -> Predicate:
        parts = [self.conj()]
        while self.peek() not in (None, ")"):
            if self.peek() == "OR":
                self.take()
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else (lambda u, ps=parts: any(p(u) for p in ps))

    def conj(self) -> Predicate:
        parts = [self.unary()]
        while self.peek() == "AND":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda u, ps=parts: all(p(u) for p in ps))

    def unary(self) -> Predicate:
        token = self.peek()
        if token in ("NOT", "-") or (token and token.startswith("-") and len(token) > 1 and token != "-"):
            if token in ("NOT", "-"):
                self.take()
                inner = self.unary()
            else:
                self.tokens[self.i] = token[1:]
                inner = self.unary()
            return lambda u: not inner(u)
        return self.atom()

    def atom(self) -> Predicate:
        token = self.take()
        if token == "(":
            inner = self.expr()
            if self.take() != ")":
                raise bad_query("Query validation error: unbalanced parentheses")
            return inner
        if token == ")":
            raise bad_query("Query validation error: unbalanced parentheses")
        field, sep, value = token.partition(":")
        if not sep:
            return _term(None, token)
        if not value:  # field:"a b" or field:[a TO b] came as the next token
            value = self.take()
        if field == "_exists_":
            return lambda u: bool(_values(u, value))
        return _term(field, value)


def compile_query(q: str) -> Predicate:
    tokens = _tokens(q)
    if not tokens:
        return lambda u: True
    parser = _Parser(tokens)
    predicate = parser.expr()
    if parser.peek() is not None:
        raise bad_query("Query validation error: unbalanced parentheses")
    return predicate
