"""The model download is the only network access Second Me has, and it starts only on a click.

Checked on the source (no other module imports a network client or opens an internet socket;
the downloader is imported only inside the two functions a person's action runs) and on a
running interpreter (loading the app, the CLI and the Settings page loads no downloader).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOWNLOADER = "secondme/llm/download.py"
# The two places a person's click or command starts a download, each inside a function.
STARTERS = {"secondme/cli/models.py", "ui/model_catalog.py"}
NETWORK_MODULES = {
    "http.client", "urllib.request", "ssl", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib",
    "xmlrpc.client", "requests", "httpx", "aiohttp", "urllib3", "websocket", "websockets",
    "huggingface_hub",
}
INTERNET_SOCKET_CALLS = {"AF_INET", "AF_INET6", "create_connection", "getaddrinfo", "urlopen"}
LOCAL_QT_NETWORK = {"QLocalServer", "QLocalSocket"}


def sources() -> list[tuple[str, ast.Module]]:
    out = []
    for top in ("secondme", "ui"):
        for path in sorted((REPO / top).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            out.append((rel, ast.parse(path.read_text("utf-8"), filename=rel)))
    return out


def imported(node: ast.AST) -> list[str]:
    """Dotted names an import statement brings in (``from a import b`` gives a and a.b)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return []


def module_level_imports(tree: ast.Module) -> list[ast.AST]:
    """Imports that run when the module is imported (not those inside a function)."""
    found: list[ast.AST] = []

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                found.append(stmt)
            elif isinstance(stmt, ast.If | ast.Try | ast.With):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for part in getattr(stmt, field, []) or []:
                        visit(part.body if isinstance(part, ast.ExceptHandler) else [part])
            elif isinstance(stmt, ast.ClassDef):
                visit(stmt.body)

    visit(tree.body)
    return found


def test_no_other_module_can_reach_the_network() -> None:
    offenders = []
    for rel, tree in sources():
        if rel == DOWNLOADER:
            continue
        for node in ast.walk(tree):
            for name in imported(node):
                if name in NETWORK_MODULES or any(name.startswith(m + ".") for m in NETWORK_MODULES):
                    offenders.append(f"{rel}:{node.lineno} imports {name}")
            if isinstance(node, ast.ImportFrom) and node.module == "PySide6.QtNetwork":
                extra = {a.name for a in node.names} - LOCAL_QT_NETWORK
                if extra:
                    offenders.append(f"{rel}:{node.lineno} imports {sorted(extra)} from QtNetwork")
            if isinstance(node, ast.Attribute) and node.attr in INTERNET_SOCKET_CALLS:
                offenders.append(f"{rel}:{node.lineno} uses .{node.attr}")
    assert offenders == []


def test_the_downloader_is_imported_only_where_a_person_starts_it() -> None:
    users: dict[str, list[int]] = {}
    for rel, tree in sources():
        for node in ast.walk(tree):
            if "secondme.llm.download" in imported(node):
                users.setdefault(rel, []).append(node.lineno)
        for node in module_level_imports(tree):
            assert "secondme.llm.download" not in imported(node), \
                f"{rel}:{getattr(node, 'lineno', '?')} imports the downloader at module level"
    assert set(users) == STARTERS


def test_loading_the_app_cli_and_settings_page_loads_no_downloader() -> None:
    code = (
        "import sys\n"
        "import secondme.app, secondme.cli.main, secondme.cli.models, secondme.llm, secondme.llm.catalog\n"
        "secondme.cli.main.build_parser()\n"
        "import ui.main, ui.window, ui.pages.settings, ui.model_catalog\n"
        "print('secondme.llm.download' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"]
