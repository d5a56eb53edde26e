"""The MCP audit log (store schema v5) and the per-client permissions, on the real store."""

from __future__ import annotations

import time
from pathlib import Path

from secondme.app import SecondMe
from secondme.crypto import KeySet, Sealer
from secondme.mcp import audit
from secondme.mcp.permissions import MAX_NAME, Permissions, clean_name
from secondme.mcp.service import McpService
from secondme.store import Store
from secondme.store.schema import SCHEMA_VERSION
from tests.core.raw_store import old_store

PASS = "correct horse battery staple"


def test_a_v4_store_gains_the_audit_log(tmp_path: Path) -> None:
    sealer = Sealer(KeySet.from_data_key(bytes(range(32))))
    db = tmp_path / "store.db"
    conn = old_store(db, sealer, 4)
    conn.close()

    store = Store(db, sealer, backups_dir=tmp_path / "backups")
    try:
        assert store.schema_version == SCHEMA_VERSION >= 5
        assert list((tmp_path / "backups").glob("store-before-*.db"))  # the pre-upgrade copy
        at = 1_700_000_123.456
        audit.record(store, "Claude Desktop", "search", "refused", "where is my passport", "not allowed", at=at)
        audit.record(store, "VS Code", "recall", "ok", "standup notes", "3 results", at=at + 60)
        got = audit.entries(store)
        assert [(e.client, e.tool, e.outcome, e.query, e.at) for e in got] == [
            ("VS Code", "recall", "ok", "standup notes", at + 60),
            ("Claude Desktop", "search", "refused", "where is my passport", at)]
        assert [e.tool for e in audit.entries(store, client="Claude Desktop")] == ["search"]
        day = at - at % 86400  # only the UTC day is plain
        plain = store.query("SELECT called_at, tool, outcome FROM mcp_calls ORDER BY id")
        assert [tuple(r) for r in plain] == [(day, "search", "refused"), (day, "recall", "ok")]
    finally:
        store.close()
    raw = db.read_bytes()
    for secret in (b"Claude Desktop", b"where is my passport", b"standup notes", b"not allowed"):
        assert secret not in raw


def test_permissions_are_kept_sealed_across_unlocks(ctx: SecondMe) -> None:
    perms = Permissions(ctx.get_private, ctx.set_private)
    first, new = perms.seen("Claude Desktop", now=100.0)
    assert new and first.state == "pending" and not first.allowed
    again, new = perms.seen("Claude Desktop", now=130.0)
    assert not new and again.last_seen == 100.0  # written at most once a minute
    perms.set("Claude Desktop", allowed=True, remember=True)
    perms.set("Cursor", allowed=False)
    ctx.lock()
    ctx.unlock(PASS)
    perms = Permissions(ctx.get_private, ctx.set_private)
    got = {n: (c.state, c.remember, c.sensitive) for n, c in perms.all().items()}
    assert got == {"Claude Desktop": ("allowed", True, False), "Cursor": ("denied", False, False)}
    assert perms.revoke("Cursor") and not perms.revoke("Cursor")
    assert b"Claude Desktop" not in ctx.paths.store_file.read_bytes()


def test_client_names_are_cleaned() -> None:
    assert clean_name("  Claude\x00 Desktop\n") == "Claude Desktop"
    assert clean_name("") == clean_name(None) == "unnamed client"
    assert len(clean_name("x" * 500)) == MAX_NAME


def test_the_service_refuses_and_audits_without_search_indexes(ctx: SecondMe) -> None:
    """Refusals, argument errors and unknown tools are answered (and kept) before any search."""
    asked: list[str] = []
    svc = McpService(ctx, on_undecided=asked.append)
    r = svc.call("New Tool", "search", {"query": "x"})
    assert r == {"ok": False, "refused": True, "error": r["error"]} and "'New Tool' is not allowed" in r["error"]
    assert asked == ["New Tool"]
    svc.permissions.set("New Tool", allowed=True)
    assert "unknown tool 'delete_everything'" in svc.call("New Tool", "delete_everything", {})["error"]
    assert "'k' must be a whole number" in svc.call("New Tool", "search", {"query": "x", "k": 500})["error"]
    assert "unknown resource" in svc.read("New Tool", "file:///etc/passwd")["error"]
    log = audit.entries(ctx.store)
    assert [(e.tool, e.outcome) for e in log] == [("search", "error"), ("delete_everything", "error"),
                                                  ("search", "refused")]
    assert log[-1].at <= time.time()
