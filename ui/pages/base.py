"""What every page shares: the services, a title, a refresh hook and an empty-state label."""

from __future__ import annotations

from secondme.errors import UserError
from ui.qt import QLabel, Qt, QVBoxLayout, QWidget
from ui.services import Services


class Page(QWidget):
    """A main-window page. :meth:`refresh` reloads its real state from the core (off-thread)."""

    title = ""
    #: The widget that gets the focus when the page is shown (Ctrl+1..7).
    focus_target: QWidget | None = None

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Lay out the page's heading; subclasses add their widgets to ``layout_``."""
        super().__init__(parent)
        self.services = services
        self.setObjectName(f"page{self.title}")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(22, 16, 22, 12)
        self.layout_.setSpacing(10)
        heading = QLabel(self.title, self)
        heading.setObjectName("pageTitle")
        heading.setAccessibleName(f"{self.title} page")
        self.layout_.addWidget(heading)

    def refresh(self) -> None:
        """Reload what the page shows; called when the page is shown and after unlock."""

    def empty_label(self, text: str) -> QLabel:
        """A clear line saying what will appear here (never fake content)."""
        label = QLabel(text, self)
        label.setObjectName("emptyState")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                      | Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_failure(self, exc: BaseException, where: QLabel) -> bool:
        """A person's error (``UserError``) is said in ``where``; anything else is our bug and
        goes to the crash dialog. True when it was the person's error."""
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)
            return False
        where.setText(str(exc))
        return True
