"""Per-client permissions of the MCP server, kept as one sealed private setting.

A client is known by its name (the MCP ``clientInfo.name`` it sends, or the ``--client`` name
the person wrote into its configuration). The name is a label the client chooses, not proof of
who it is: any program of the same user could claim it. What it guards is the person's intent
("this tool may read my memory"), and every call is audited under it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from secondme.errors import UserError

SETTING = "mcp.clients"
MAX_NAME = 100
UNNAMED = "unnamed client"

# Reading and writing the setting is a read-modify-write of one sealed JSON value: in the app
# two calls (a first connection and a Settings edit) may race, so each process serialises it.
_lock = threading.Lock()


@dataclass
class ClientPermission:
    """What one client may do. ``decided`` is False while the person has not answered yet."""

    name: str
    allowed: bool = False
    remember: bool = False
    sensitive: bool = False
    decided: bool = False
    first_seen: float = 0.0
    last_seen: float | None = None

    @property
    def state(self) -> str:
        """``allowed``, ``denied`` or ``pending`` (asked, not answered)."""
        if self.allowed:
            return "allowed"
        return "denied" if self.decided else "pending"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with the derived ``state``."""
        return {**asdict(self), "state": self.state}

    @classmethod
    def from_dict(cls, name: str, raw: Any) -> ClientPermission:
        """The permission stored for ``name``; anything not strictly ``true`` or a
        number reads as refused or unset."""
        raw = raw if isinstance(raw, dict) else {}
        return cls(name=name, allowed=raw.get("allowed") is True, remember=raw.get("remember") is True,
                   sensitive=raw.get("sensitive") is True, decided=raw.get("decided") is True,
                   first_seen=float(raw.get("first_seen") or 0.0),
                   last_seen=float(raw["last_seen"]) if isinstance(raw.get("last_seen"), (int, float)) else None)


Getter = Callable[[str, Any], Any]
Setter = Callable[[str, Any], None]


def clean_name(name: str | None) -> str:
    """A client name fit to show and key on: printable, trimmed, at most ``MAX_NAME`` chars."""
    text = "".join(ch for ch in (name or "") if ch.isprintable()).strip()
    return text[:MAX_NAME] or UNNAMED


class Permissions:
    """The clients and what each may do, read from and written to the encrypted store."""

    def __init__(self, get_private: Getter, set_private: Setter) -> None:
        """Read and write through the store's private-setting getter and setter."""
        self._get = get_private
        self._set = set_private

    def all(self) -> dict[str, ClientPermission]:
        """Every client seen, by name (none when the setting is missing or damaged)."""
        raw = self._get(SETTING, None)
        if not isinstance(raw, dict):
            return {}
        return {str(n): ClientPermission.from_dict(str(n), v) for n, v in raw.items()}

    def get(self, name: str) -> ClientPermission | None:
        """The permission for ``name`` (cleaned as when stored), or None for a client never seen."""
        return self.all().get(clean_name(name))

    def _save(self, clients: dict[str, ClientPermission]) -> None:
        self._set(SETTING, {n: {k: v for k, v in asdict(c).items() if k != "name"} for n, c in clients.items()})

    def seen(self, name: str, now: float | None = None) -> tuple[ClientPermission, bool]:
        """Note that ``name`` asked for something; (its permission, True when it is new)."""
        name = clean_name(name)
        now = time.time() if now is None else now
        with _lock:
            clients = self.all()
            current = clients.get(name)
            new = current is None
            if current is None:
                current = ClientPermission(name, first_seen=now)
            # last_seen is written at most once a minute: a busy client must not rewrite the
            # setting on every call.
            if new or current.last_seen is None or now - current.last_seen > 60:
                current.last_seen = now
                clients[name] = current
                self._save(clients)
            return current, new

    def set(self, name: str, *, allowed: bool | None = None, remember: bool | None = None,
            sensitive: bool | None = None) -> ClientPermission:
        """Grant or change a client's permissions (the person's decision), creating it if new."""
        name = clean_name(name)
        with _lock:
            clients = self.all()
            c = clients.get(name) or ClientPermission(name, first_seen=time.time())
            if allowed is not None:
                c.allowed, c.decided = allowed, True
            if remember is not None:
                c.remember = remember
            if sensitive is not None:
                c.sensitive = sensitive
            clients[name] = c
            self._save(clients)
            return c

    def revoke(self, name: str) -> bool:
        """Forget a client entirely (it is asked again next time); False if it was unknown."""
        name = clean_name(name)
        with _lock:
            clients = self.all()
            if name not in clients:
                return False
            del clients[name]
            self._save(clients)
            return True

    def require(self, name: str) -> ClientPermission:
        """The client's permission, or UserError naming it when it is unknown."""
        c = self.get(name)
        if c is None:
            raise UserError(f"no MCP client named {clean_name(name)!r} has connected or been allowed")
        return c
