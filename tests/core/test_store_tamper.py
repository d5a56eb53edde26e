"""Plain columns are authenticated (row MACs), and a damaged store file is a clear error.

Each test tampers with ``store.db`` the way someone holding the file would: plain ``sqlite3``,
the MAC triggers dropped for the edit and put back as they were (so the schema looks untouched
and the row keeps its old MAC), then checks that the product refuses the row.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from secondme.app import SecondMe
from secondme.errors import StoreCorruption
from secondme.paths import Paths
from secondme.settings import Settings
from secondme.store.schema import BOUND, ROW_MAC
from secondme.vault import Vault
from tests.core.raw_store import tamper

REPO = Path(__file__).resolve().parents[2]
PASS = "correct horse battery staple"
PASSPORT = "X1234567"


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SECONDME_PASSPHRASE"}
    env.update({"PYTHONPATH": str(REPO), "SECONDME_PASSPHRASE": PASS})
    return subprocess.run([sys.executable, "-m", "secondme", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _populate(ctx: SecondMe) -> dict[str, int]:
    """One row in every table that has bound columns, linked as the product links them."""
    with ctx.store.write() as w:
        ids = {"folders": w.insert("folders", {"path_hash": "f1", "added_at": 1.0}, {"path": b"/notes"})}
        ids["documents"] = w.insert("documents", {"folder_id": ids["folders"], "path_hash": "d1",
                                                  "content_hash": "c1", "format": "md", "state": "ok"},
                                    {"path": b"/notes/a.md", "title": "A"})
        ids["chunks"] = w.insert("chunks", {"document_id": ids["documents"], "ordinal": 0, "content_hash": "h1"},
                                 {"text": "chunk text"})
        ids["memories"] = w.insert("memories", {"kind": "fact", "state": "active", "pinned": 0, "created_at": 1.0,
                                                "source_key": "s1", "content_hash": "m1"}, {"text": "Ann likes tea"})
        other = w.insert("memories", {"kind": "message", "created_at": 2.0}, {"text": "hello"})
        ids["links"] = w.insert("links", {"src_id": ids["memories"], "dst_id": other, "kind": "related",
                                          "created_at": 1.0})
        ids["provenance"] = int(w.execute("INSERT INTO provenance (memory_id, chunk_id, source_memory_id) "
                                          "VALUES (?, ?, ?)", (ids["memories"], ids["chunks"], other)).lastrowid or 0)
        conv = w.insert("conversations", {"created_at": 1.0}, {"title": "chat"})
        ids["messages"] = w.insert("messages", {"conversation_id": conv, "role": "user", "created_at": 1.0,
                                                "memory_id": other}, {"text": "hello"})
        ids["profile_fields"] = w.insert("profile_fields", {"field": "email", "locked": 0}, {"value": {"value": "a@b"}})
        ids["job_runs"] = w.insert("job_runs", {"job": "nightly", "status": "ok", "started_at": 1.0})
        ids["private_settings"] = w.insert("private_settings", {"key_hash": "k1"}, {"value": [1], "key": "x"})
        ids["mcp_calls"] = w.insert("mcp_calls", {"tool": "search", "outcome": "refused", "called_at": 1.0},
                                    {"client": "some tool", "query": "q"})
    return ids


def _read(ctx: SecondMe, table: str, rowid: int) -> Any:
    """Read a row the way the product does: ``Store.get`` (``SELECT *``), or the SQL-side check
    for provenance, which is only ever read by raw SQL."""
    if table == "provenance":
        return ctx.store.query(f"SELECT * FROM provenance WHERE rowid = ? AND {ctx.store.verified('provenance')}",
                               (rowid,))
    return ctx.store.get(table, rowid)


def _changed(value: Any) -> Any:
    if isinstance(value, int):
        return value + 1
    return "other" if value is None else f"{value}x"


CASES = [(t, c) for t, cols in BOUND.items() for c in cols]


@pytest.mark.parametrize(("table", "column"), CASES, ids=[f"{t}.{c}" for t, c in CASES])
def test_each_bound_column_is_authenticated(ctx: SecondMe, table: str, column: str) -> None:
    ids = _populate(ctx)
    rowid = ids[table]
    assert _read(ctx, table, rowid)  # reads fine before
    old = ctx.store.query(f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,))[0][0]
    tamper(ctx.paths.store_file, (f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (_changed(old), rowid)))
    with pytest.raises(StoreCorruption) as err:
        _read(ctx, table, rowid)
    assert (err.value.table, err.value.row_id) == (table, rowid)
    assert "failed authentication" in str(err.value) and "restore a backup" in str(err.value)


def test_passport_renamed_to_organization_is_refused_through_the_cli(data_dir: Path) -> None:
    """The issue's exact scenario, through the real command."""
    assert cli(data_dir, "init").returncode == 0
    r = cli(data_dir, "profile", "set", "passport-number", PASSPORT)
    assert r.returncode == 0, r.stderr
    r = cli(data_dir, "fill", "Passport number")
    assert r.returncode == 2 and PASSPORT not in r.stdout  # sensitive: needs --confirm
    tamper(data_dir / "store.db", ("UPDATE profile_fields SET field = 'organization' WHERE field = 'passport-number'", ()))
    r = cli(data_dir, "fill", "Company")
    assert PASSPORT not in r.stdout and PASSPORT not in r.stderr
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "profile_fields" in r.stderr and "failed authentication" in r.stderr and "restore a backup" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli(data_dir, "profile", "show")
    assert r.returncode == 1 and PASSPORT not in r.stdout and "Traceback" not in r.stderr


def test_row_copied_from_another_row_is_refused(ctx: SecondMe) -> None:
    """Swapping two rows' bound values together with their MACs, or inserting a row whose values
    and MAC come from another row, does not authenticate: the MAC binds the rowid."""
    with ctx.store.write() as w:
        a = w.insert("profile_fields", {"field": "passport-number"}, {"value": {"value": PASSPORT}})
        b = w.insert("profile_fields", {"field": "organization"}, {"value": {"value": "Initech"}})
    cols = ", ".join(("field", "locked", ROW_MAC))
    ra = ctx.store.query(f"SELECT {cols} FROM profile_fields WHERE id = ?", (a,))[0]
    rb = ctx.store.query(f"SELECT {cols} FROM profile_fields WHERE id = ?", (b,))[0]
    tamper(ctx.paths.store_file,
           ("UPDATE profile_fields SET field = ? WHERE id = ?", ("tmp", a)),
           ("UPDATE profile_fields SET field = ?, locked = ?, row_mac = ? WHERE id = ?", (*tuple(ra), b)),
           ("UPDATE profile_fields SET field = ?, locked = ?, row_mac = ? WHERE id = ?", (*tuple(rb), a)))
    with pytest.raises(StoreCorruption):
        ctx.profile.fill_result("Company")
    # A new row carrying another row's values and MAC.
    tamper(ctx.paths.store_file, ("DELETE FROM profile_fields", ()),
           ("INSERT INTO profile_fields (id, field, locked, row_mac) VALUES (?, ?, ?, ?)", (b + 10, *tuple(rb))))
    with pytest.raises(StoreCorruption) as err:
        ctx.profile.fill_result("Company")
    assert err.value.row_id == b + 10


def test_memory_kind_change_is_caught_by_list_and_search_assembly(notes_ctx: SecondMe) -> None:
    ctx = notes_ctx
    with ctx.store.write() as w:
        mid = w.insert("memories", {"kind": "fact", "created_at": 1.0}, {"text": "Ann likes tea"})
    assert [m.id for m in ctx.memory.memories()] == [mid]
    tamper(ctx.paths.store_file, ("UPDATE memories SET kind = 'bio', pinned = 1 WHERE id = ?", (mid,)))
    with pytest.raises(StoreCorruption):
        ctx.memory.memories()
    with pytest.raises(StoreCorruption):  # what search hydration and recall run
        ctx.store.query(f"SELECT id, kind, state FROM memories WHERE id IN (?) AND {ctx.store.verified('memories')}",
                        (mid,))


def test_normal_writes_keep_rows_verifying(ctx: SecondMe) -> None:
    """Every write path of ours keeps the MACs right: Writer insert/update, raw SQL updates of
    bound columns, and the updates foreign keys make (ON DELETE SET NULL)."""
    ids = _populate(ctx)
    with ctx.store.write() as w:
        w.update("memories", ids["memories"], {"state": "faded", "pinned": 1})
        w.execute("UPDATE memories SET kind = 'episode', source_key = NULL WHERE id = ?", (ids["memories"],))
        w.execute("UPDATE job_runs SET status = 'failed' WHERE id = ?", (ids["job_runs"],))
        w.execute("UPDATE profile_fields SET field = 'organization', locked = 1")
        w.delete("chunks", ids["chunks"])  # provenance.chunk_id is set to NULL by the foreign key
        other = ctx.store.query("SELECT memory_id FROM messages")[0][0]
        w.delete("memories", other)  # messages.memory_id and links go too
    for table, rowid in ids.items():
        if table not in ("chunks", "links"):
            assert _read(ctx, table, rowid), table
    for table in BOUND:
        # Every row of every table, through the SQL-side check.
        ctx.store.query(f"SELECT rowid FROM {table} WHERE {ctx.store.verified(table)}")
    assert ctx.profile.show()["fields"]["organization"].locked


def test_a_planted_trigger_is_refused(ctx: SecondMe) -> None:
    """The MAC triggers run our key inside the file's schema; a trigger someone adds could use it
    to MAC a row of their choice on our next write. The store refuses an altered schema."""
    _populate(ctx)
    ctx.lock()
    tamper(ctx.paths.store_file, (
        "CREATE TRIGGER evil AFTER UPDATE ON job_runs BEGIN UPDATE profile_fields SET field = 'organization', "
        "row_mac = sm_row_mac('profile_fields', rowid, 'organization', locked); END", ()))
    with pytest.raises(StoreCorruption) as err:
        ctx.unlock(PASS)
    assert "schema was altered" in str(err.value) and "evil" in str(err.value)


def test_rotation_re_macs_rows_and_refuses_a_tampered_one(ctx: SecondMe) -> None:
    ids = _populate(ctx)
    ctx.keys.rotate(PASS)
    for table, rowid in ids.items():
        assert _read(ctx, table, rowid), table
    with ctx.store.write() as w:  # the triggers compute under the new key too
        w.execute("UPDATE memories SET state = 'faded' WHERE id = ?", (ids["memories"],))
    assert ctx.store.get("memories", ids["memories"])["state"] == "faded"  # type: ignore[index]
    tamper(ctx.paths.store_file, ("UPDATE links SET kind = 'x' WHERE id = ?", (ids["links"],)))
    with pytest.raises(StoreCorruption):  # a rotation must not launder a tampered row
        ctx.keys.rotate(PASS)
    with pytest.raises(StoreCorruption):
        ctx.store.get("links", ids["links"])


def test_backup_import_keeps_rows_verifying(ctx: SecondMe, tmp_path: Path) -> None:
    ids = _populate(ctx)
    dest = tmp_path / "b.smbackup"
    ctx.keys.export_backup(dest, "backup passphrase here")
    paths = Paths.at(tmp_path / "restored")
    target = SecondMe(paths, Settings(), Vault(paths.vault_file, None))
    try:
        target.keys.import_backup(dest, "backup passphrase here", PASS)
        for table, rowid in ids.items():
            assert _read(target, table, rowid), table
        assert target.profile.show()["fields"]["email"].value == "a@b"
    finally:
        target.close()


@pytest.mark.parametrize("cut", ["half", "100"])
def test_truncated_store_is_a_clear_error(data_dir: Path, cut: str) -> None:
    assert cli(data_dir, "init").returncode == 0
    assert cli(data_dir, "profile", "set", "email", "ann@example.org").returncode == 0
    db = data_dir / "store.db"
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.truncate(size // 2 if cut == "half" else 100)
    for args in (("unlock",), ("fill", "Email")):
        r = cli(data_dir, *args)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "store database is damaged" in r.stderr and "restore a backup" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    ctx = SecondMe(Paths.at(data_dir), Settings(), Vault(Paths.at(data_dir).vault_file, None))
    with pytest.raises(StoreCorruption):
        ctx.unlock(PASS)
    assert not ctx.unlocked
