"""The import rules of ARCHITECTURE.md, checked on the code as it is.

Every ``import`` in the project is read with the ``ast`` module (those inside functions too, not
those under ``if TYPE_CHECKING:``, which never run) and held against the rules: the core never
imports Qt or the UI, only ``ui/qt.py`` imports PySide6, only the model downloader may open a
network connection, and a part of the core imports only parts on its own layer or below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The core's layers, lowest first (ARCHITECTURE.md, "Who may import whom"). A module is named by
# its first part below ``secondme``: a package (``store``) or a top-level module (``answer``).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "events", "results", "paths", "threads", "resources", "hardening", "crypto", "settings"),
    ("store", "vault", "app_channel"),
    ("ingest", "index", "embed", "llm"),
    ("search", "jobs"),
    ("notes", "memory", "importers"),
    ("question_terms", "span_words", "span_numbers", "span_fields", "span_choices", "when_said", "note_lines",
     "replies", "extractive",
     "spans", "concise", "grounding", "guesses", "places", "answer", "profile", "session"),
    ("browser", "mcp", "backup", "rotation", "rekey", "services"),
    ("app",),
    ("cli", "__main__", "__init__"),
)
LAYER_OF = {part: i for i, parts in enumerate(LAYERS) for part in parts}
QT = ("PySide6", "shiboken6")
NETWORK = ("http.client", "urllib.request", "ftplib", "smtplib", "requests", "httpx", "aiohttp",
           "urllib3", "websocket", "websockets")
NETWORK_ALLOWED = {"secondme/llm/download.py"}  # the catalog download, only on the person's click


def _imports(path: Path) -> Iterator[str]:
    """Every module ``path`` imports when it runs (absolute names)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.module
                yield from (f"{node.module}.{a.name}" for a in node.names)


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _part(path: Path) -> str:
    rel = path.relative_to(ROOT / "secondme").with_suffix("").parts
    return rel[0]


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_every_core_part_has_a_layer() -> None:
    parts = {_part(p) for p in _files("secondme")}
    assert parts <= set(LAYER_OF), f"parts with no layer in LAYERS: {sorted(parts - set(LAYER_OF))}"


def test_the_core_never_imports_qt_or_the_ui() -> None:
    bad = [(str(p.relative_to(ROOT)), n) for p in _files("secondme") for n in _imports(p)
           if _matches(n, (*QT, "ui"))]
    assert not bad, bad


def test_only_the_qt_shim_imports_pyside() -> None:
    bad = [(str(p.relative_to(ROOT)), n) for p in _files("ui") for n in _imports(p)
           if _matches(n, QT) and p != ROOT / "ui" / "qt.py"]
    assert not bad, bad


def test_only_the_model_downloader_can_open_a_network_connection() -> None:
    bad = [(str(p.relative_to(ROOT)), n) for folder in ("secondme", "ui") for p in _files(folder)
           for n in _imports(p) if _matches(n, NETWORK)
           and str(p.relative_to(ROOT)) not in NETWORK_ALLOWED]
    assert not bad, bad


def test_core_parts_import_only_their_layer_or_below() -> None:
    bad = []
    for p in _files("secondme"):
        mine = LAYER_OF.get(_part(p))
        for n in _imports(p):
            if not n.startswith("secondme."):
                continue
            other = n.split(".")[1]
            if other in LAYER_OF and mine is not None and LAYER_OF[other] > mine:
                bad.append(f"{p.relative_to(ROOT)} (layer {mine}) imports {n} (layer {LAYER_OF[other]})")
    assert not bad, "\n".join(sorted(set(bad)))


# Exceptions that stand outside SecondMeError on purpose: Terminated is a KeyboardInterrupt so that
# a termination unwinds every place Ctrl+C does (an Exception subclass would be caught by them).
OUTSIDE_THE_ERROR_TREE = {"Terminated"}


def test_every_exception_class_is_in_the_error_tree() -> None:
    import builtins

    from secondme import errors

    builtin = {n for n in dir(builtins) if isinstance(getattr(builtins, n), type)
               and issubclass(getattr(builtins, n), BaseException)}
    ours = {n for n in dir(errors) if isinstance(getattr(errors, n), type)
            and issubclass(getattr(errors, n), errors.SecondMeError)}
    bad = []
    for folder in ("secondme", "ui"):
        for p in _files(folder):
            for node in ast.walk(ast.parse(p.read_text("utf-8"))):
                if not isinstance(node, ast.ClassDef) or node.name in {*OUTSIDE_THE_ERROR_TREE, "SecondMeError"}:
                    continue
                bases = {ast.unparse(b).split(".")[-1] for b in node.bases}
                if bases & builtin and not bases & ours:
                    bad.append(f"{p.relative_to(ROOT)}: {node.name}({', '.join(sorted(bases))})")
    assert not bad, "exception classes outside SecondMeError:\n" + "\n".join(bad)


def test_core_events_are_emitted_by_kind_not_by_string() -> None:
    bad = []
    for p in _files("secondme"):
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)) \
                    and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in ("emit", "_emit") \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                bad.append(f"{p.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not bad, "emit an EventKind, not a string:\n" + "\n".join(bad)


# The faces (UI, CLI) reach key handling and model files through the context's services
# (``ctx.keys``, ``ctx.models``), never through the modules under them.
FACES = ("ui", "secondme/cli")
BEHIND_SERVICES = ("secondme.vault", "secondme.llm.discovery", "secondme.llm.gguf")


def test_the_ui_and_cli_use_services_not_the_vault_or_model_files() -> None:
    bad = [(str(p.relative_to(ROOT)), n) for folder in FACES for p in _files(folder)
           for n in _imports(p) if _matches(n, BEHIND_SERVICES)]
    assert not bad, bad


def test_the_context_keeps_only_the_lifecycle() -> None:
    """``SecondMe`` holds lifecycle, events and settings; domain work is on its services."""
    tree = ast.parse((ROOT / "secondme" / "app.py").read_text("utf-8"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SecondMe"]
    public = {n.name for n in cls.body
              if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
    assert public == {
        "subscribe", "emit", "on_unlock", "on_lock", "initialized", "unlocked", "init", "unlock",
        "open_session", "warm_up", "lock", "close_session", "close", "store", "repos", "key_set", "session",
        "current_session", "save_settings", "get_private", "set_private",
    }


# --- SQL stays in the store ---------------------------------------------------------------------
# Only ``secondme/store/`` (its repositories) writes SQL or opens a sealed value by hand; the rest
# of the core reads and writes through typed repositories. Files not moved yet are listed with
# how many such calls they still hold: the count may only go down, and an entry goes once its
# file holds none.
SQL_CALLS = ("execute", "executemany", "query", "scalar")
SQL_ALLOWED: dict[str, int] = {
    # Their own sealed FTS5 database, not the store (out of the repositories' scope).
    "secondme/index/keyword.py": 14,
    # The proximity ranking's stemmer: a scratch in-memory FTS5 table with the index's
    # tokenizer, holding only the query's and matched words (no store data).
    "secondme/index/proximity.py": 5,
}


def _is_sql_text(node: ast.expr) -> bool:
    """A string literal, an f-string or a concatenation of them: what SQL is written as."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp):
        return _is_sql_text(node.left) or _is_sql_text(node.right)
    return False


def _sql_calls(source: str, name: str = "<source>") -> list[str]:
    """``x.execute("…")``-like calls with SQL text, and every ``open_value`` call, as
    ``line: source``. A ``.query(vector, …)`` on an index or a pipeline's ``execute(…)`` has no
    SQL text and is not counted."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name == "open_value" or (name in SQL_CALLS and node.args and _is_sql_text(node.args[0])):
            found.append(f"{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_sql_and_sealed_values_stay_in_the_store() -> None:
    bad = []
    counts: dict[str, int] = {}
    for p in _files("secondme"):
        rel = p.relative_to(ROOT).as_posix()
        if rel.startswith("secondme/store/"):
            continue
        calls = _sql_calls(p.read_text("utf-8"), str(p))
        counts[rel] = len(calls)
        if len(calls) > SQL_ALLOWED.get(rel, 0):
            bad.append(f"{rel}: {len(calls)} SQL/open_value calls (allowed {SQL_ALLOWED.get(rel, 0)}): "
                       + "; ".join(calls))
    stale = sorted(rel for rel in SQL_ALLOWED if counts.get(rel, 0) == 0)
    assert not bad, "SQL outside secondme/store/ (use or add a repository in store/repos/):\n" + "\n".join(bad)
    assert not stale, f"allow-list entries whose file holds no SQL any more (remove them): {stale}"


def test_the_sql_rule_sees_sql() -> None:
    # The rule above must notice SQL written in each way the code writes it, and not mistake a
    # vector index's query for SQL.
    src = ("s.query('SELECT 1')\nw.execute(f'DELETE FROM {t}')\nc.executemany('INSERT ' + x, rows)\n"
           "s.open_value('chunks', 1, 'text', raw)\nvec.query(qv, 10)\npipeline.execute(steps)\n")
    assert [c.split(":")[0] for c in _sql_calls(src)] == ["1", "2", "3", "4"]


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines() -> None:
    """A module that outgrows one screenful of structure is split by what its parts hold."""
    long = {str(p.relative_to(ROOT)): n for d in ("secondme", "ui") for p in sorted((ROOT / d).rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, long
