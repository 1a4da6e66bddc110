"""Log filters that do not grow with the workspace: every filter is answered by an index (checked with
SQLite's own query plans), text search by FTS5 (trigram: any part of a word), the same answers as a
plain scan, and a workspace from before the indexes is upgraded with its old logs searchable."""
from __future__ import annotations

import json
import sqlite3

import pytest

from emulator.store import logs, open_workspace, retention, tenants
from emulator.store.db import migrate_to


@pytest.fixture
def ws(tmp_path):
    w = open_workspace(tmp_path / "w.sqlite")
    tenants.create(w, "acme")
    tenants.create(w, "other")
    users = [{"user_id": "auth0|ann", "email": "ann@example.com"}, {"user_id": "auth0|bob", "email": "bob@example.org"}]
    for i in range(60):
        user = users[i % 2]
        logs.add(w, "acme", ["s", "f", "fp"][i % 3], f"Event {i} for {user['email']}", user=user,
                 client={"client_id": "c1", "name": "Web App"}, details={"n": i, "note": "Quota Exceeded" if i == 7 else ""},
                 trigger_id="post-login" if i % 4 == 0 else None,
                 action_names=["add-claims", "notify-crm"] if i % 5 == 0 else ["add-claims"] if i % 5 == 1 else [])
    logs.add(w, "other", "s", "Other tenant's Quota Exceeded", user=users[0])
    yield w
    w.close()


def _scan(w, tenant: str, pred) -> list[dict]:
    """Every log of the tenant, newest first, that `pred` keeps: the answer an unindexed scan gives."""
    rows = [json.loads(r[0]) for r in w.db.execute("SELECT record FROM logs WHERE tenant = ? ORDER BY log_id DESC",
                                                   [tenant]).fetchall()]
    return [r for r in rows if pred(r)]


def _ids(records) -> list[str]:
    return [r["log_id"] for r in records]


@pytest.mark.parametrize("text", ["quota", "QUOTA EXC", "ann@exa", "Event 1", "Ev", "4", "web app", "notify-crm"])
def test_text_search_finds_any_part_of_the_text_as_a_scan_would(ws, text):
    got = logs.list_(ws, "acme", search=text, limit=200)
    search = lambda r: logs.search_text(r, _actions(ws, r["log_id"]))  # noqa: E731
    expected = _scan(ws, "acme", lambda r: text.lower() in search(r).lower())
    assert _ids(got) == _ids(expected) and got


def _actions(ws, log_id: str) -> list[str]:
    return [a for (a,) in ws.db.execute("SELECT action FROM log_actions WHERE log_id = ? ORDER BY action", [log_id])]


def test_filters_agree_with_a_scan_and_combine(ws):
    assert _ids(logs.list_(ws, "acme", type_="fp", limit=200)) == _ids(_scan(ws, "acme", lambda r: r["type"] == "fp"))
    assert _ids(logs.list_(ws, "acme", user="bob@example.org", limit=200)) == \
        _ids(_scan(ws, "acme", lambda r: r.get("user_name") == "bob@example.org"))
    notify = logs.list_(ws, "acme", action="notify-crm", limit=200)
    assert len(notify) == 12 and all(int(r["description"].split()[1]) % 5 == 0 for r in notify)
    assert len(logs.list_(ws, "acme", action="add-claims", limit=200)) == 24
    both = logs.list_(ws, "acme", type_="s", user="auth0|ann", search="event", limit=200)
    assert both and all(r["type"] == "s" and r["user_id"] == "auth0|ann" for r in both)
    assert [r["description"] for r in logs.list_(ws, "acme", search="quota exceeded")] == ["Event 7 for bob@example.org"]
    for combo, keep in [({"user": "auth0|ann", "action": "notify-crm"},
                         lambda r: r["user_id"] == "auth0|ann" and int(r["description"].split()[1]) % 5 == 0),
                        ({"action": "add-claims", "type_": "f"},
                         lambda r: r["type"] == "f" and int(r["description"].split()[1]) % 5 in (0, 1)),
                        ({"user": "ann@example.com", "trigger_id": "post-login"},
                         lambda r: r["user_name"] == "ann@example.com" and int(r["description"].split()[1]) % 4 == 0)]:
        got = logs.list_(ws, "acme", limit=200, **combo)
        assert got and _ids(got) == _ids(_scan(ws, "acme", keep)), combo
    assert len(logs.list_(ws, "acme", user="ann@example.com", limit=7)) == 7
    first = logs.list_(ws, "acme", limit=200)[-1]
    following = logs.list_(ws, "acme", search="event", after=first["log_id"], limit=3)
    assert [r["description"] for r in following] == ["Event 1 for bob@example.org", "Event 2 for ann@example.com",
                                                     "Event 3 for bob@example.org"]
    assert logs.list_(ws, "acme", search='"; DROP TABLE logs; --') == []


def test_pruned_and_deleted_logs_leave_the_indexes(ws):
    ws.clock.now_ms = lambda: 4102444800000  # 2100: every log is old
    retention.prune(ws, 10)
    assert logs.list_(ws, "acme", search="event") == [] and logs.list_(ws, "acme", action="add-claims") == []
    assert ws.db.execute("SELECT count(*) FROM log_actions").fetchone()[0] == 0
    assert ws.db.execute("INSERT INTO logs_fts(logs_fts) VALUES('integrity-check')") is not None


@pytest.mark.parametrize("filters", [{"type_": "s"}, {"user": "ann@example.com"}, {"action": "notify-crm"},
                                     {"trigger_id": "post-login"}, {"search": "quota"}, {}])
def test_every_filter_is_answered_by_an_index(ws, filters, monkeypatch):
    """SQLite's plan for each listing: no full scan of the logs table."""
    plans = []
    real = ws.db.execute

    def explain(sql, params=()):
        if sql.startswith("SELECT "):
            plans.extend(row[-1] for row in real("EXPLAIN QUERY PLAN " + sql, params).fetchall())
        return real(sql, params)

    monkeypatch.setattr(ws.db, "execute", explain)
    logs.list_(ws, "acme", **filters)
    assert plans and not [p for p in plans if p.startswith("SCAN l") and "INDEX" not in p], plans


def test_a_workspace_from_before_the_indexes_keeps_its_logs_searchable(tmp_path):
    path = tmp_path / "old.sqlite"
    migrate_to(path, 8)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO tenants (name, created_at) VALUES ('acme', '2026-11-01T00:00:00.000Z')")
    record = {"date": "2026-11-01T00:00:00.000Z", "type": "f", "description": "Wrong email or password.",
              "user_name": "ann@example.com", "log_id": "900200010", "details": {"error": "invalid_user_password"}}
    conn.execute("""INSERT INTO logs (log_id, tenant, date, type, user_name, description, action_names, record)
                    VALUES ('900200010', 'acme', ?, 'f', 'ann@example.com', ?, 'check-ip,add-claims', ?)""",
                 [record["date"], record["description"], json.dumps(record)])
    conn.close()
    ws = open_workspace(path)
    try:
        assert ws.upgraded_from == 8
        assert _ids(logs.list_(ws, "acme", search="invalid_user")) == ["900200010"]
        assert _ids(logs.list_(ws, "acme", action="check-ip")) == ["900200010"]
        assert _ids(logs.list_(ws, "acme", action="add-claims")) == ["900200010"]
    finally:
        ws.close()


def test_failure_codes_follow_auth0s_naming():
    from emulator.store.logs import is_failure

    for code in ("f", "fp", "fu", "fs", "fcpr", "feccft", "actions_execution_failed", "gd_send_sms_failure",
                 "gd_auth_failed", "gd_otp_rate_limit_exceed", "limit_wc"):
        assert is_failure(code), code
    for code in ("s", "ss", "scpr", "seccft", "sapi", "gd_send_sms", "gd_auth_succeed", "gd_enrollment_complete"):
        assert not is_failure(code), code
