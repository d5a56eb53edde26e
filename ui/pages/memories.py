"""Memories: facts, episodes and shades the assistant derives (browse, pin, edit, forget)."""

from __future__ import annotations

from ui.pages.base import Page
from ui.qt import QWidget
from ui.services import Services

EMPTY = (
    "No memories yet.\n\n"
    "Facts (\"lives in Paris since 2021\"), daily episodes and interest areas (shades) that "
    "Second Me learns from your notes and chats will appear here after the nightly "
    "consolidation. Each will show its strength, how well it is retained and the sources it "
    "came from, and you will be able to pin, edit or forget it."
)


class MemoriesPage(Page):
    """Shows the derived memories; until the memory layer exists, its honest empty state."""

    title = "Memories"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.empty = self.empty_label(EMPTY)
        self.layout_.addWidget(self.empty)
        self.layout_.addStretch(1)
        self.focus_target = self.empty
