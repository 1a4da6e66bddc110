"""Ids typed at the CLI may be shortened, as git's are: any unique prefix of a run, execution or client
grant id names it (the tables show ids by their start, so what is seen can be typed). Exact ids always
work; a prefix of several is refused with one line naming them, and one of none is left to the lookup,
which says the id does not exist."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:  # the store (sqlite-utils) loads only when a command opens a workspace
    from ..store.db import Workspace

# what -> (table, id column): the id spaces the CLI takes ids from.
SPACES = {"run": ("flow_runs", "id"), "execution": ("executions", "id"), "client grant": ("client_grants", "id")}
SHOWN = 4  # how many candidates an ambiguous prefix names


def resolve(ws: Workspace, what: str, given: str, tenant: str | None = None) -> str:
    """The full id `given` is, or is the unique prefix of; `given` itself when nothing starts with it;
    UsageError (exit 2) when several do."""
    table, column = SPACES[what]
    where, params = f"{column} = ?", [given]
    if tenant is not None:
        where, params = f"{where} AND tenant = ?", [given, tenant]
    if ws.db.execute(f"SELECT 1 FROM {table} WHERE {where}", params).fetchone():
        return given
    if not given:
        raise UsageError(f"no {what} id given")
    # Prefixes match literally: LIKE's wildcards in what was typed are escaped.
    pattern = given.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where, params = f"{column} LIKE ? ESCAPE '\\'", [pattern]
    if tenant is not None:
        where, params = f"{where} AND tenant = ?", [pattern, tenant]
    found = [r[0] for r in ws.db.execute(f"SELECT {column} FROM {table} WHERE {where} ORDER BY {column} LIMIT ?",
                                         [*params, SHOWN + 1])]
    if len(found) == 1:
        return found[0]
    if not found:
        return given  # the lookup itself says it does not exist, in its own words
    more = ", …" if len(found) > SHOWN else ""
    raise UsageError(f"{given!r} is the start of several {what} ids ({', '.join(found[:SHOWN])}{more}): "
                     f"give more of it")
