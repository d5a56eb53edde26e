"""What every window and page is handed: the core context and the UI's shared helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from secondme.app import SecondMe
from ui.bridge import CoreBridge
from ui.icons import Icons
from ui.opener import open_source
from ui.operations import Runner

Opener = Callable[[str, "int | None"], bool]


@dataclass
class Services:
    """Passed to widgets explicitly (no globals): tests build one around a real core.

    ``opener`` opens a source file at a line; tests replace it to record the call instead of
    launching an editor.
    """

    ctx: SecondMe
    bridge: CoreBridge
    ops: Runner
    icons: Icons = field(default_factory=Icons)
    opener: Opener = open_source
    #: The system-wide quick-recall shortcut (a ``ui.global_shortcut.RecallShortcut``), when
    #: the app has one; None in tests that build pages alone.
    shortcut: Any = None
