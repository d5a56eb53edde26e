"""The quick recall box: type, see matching memories, Enter to ask, Esc to hide.

Keyboard only. Searches run off the UI thread after a short pause in typing; a generation counter
drops results that arrive after the query changed, so a slow search never overwrites a newer one.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from secondme.errors import UserError
from secondme.results import Answer, SearchHit
from ui import core_api
from ui.answer_view import answer_html, answer_text, citation, parse_citation
from ui.asking import AskSession
from ui.clipboard import ClipboardGuard
from ui.highlight import hit_text
from ui.hits import HitModel, make_hit_view
from ui.qt import (
    QCursor,
    QEvent,
    QGuiApplication,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QMessageBox,
    QObject,
    Qt,
    QTextBrowser,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

log = logging.getLogger("secondme.ui.recall")

DEBOUNCE_MS = 120
MAX_HITS = 8
FILL_PREFIX = "fill:"
HINT = "Enter: ask · Ctrl+Enter: open · Ctrl+C: copy · Esc: close"


class QuickRecall(QWidget):
    """Frameless, centred, always-on-top recall box (see module docstring for the keys).

    Everything it copies goes through ``clipboard`` (marked secret, cleared again): the app
    passes its own guard so that lock and quit clear what the box copied even after the box is
    gone; without one the box makes its own.
    """

    def __init__(self, services: Services, clipboard: ClipboardGuard | None = None) -> None:
        """Build the frameless box: query line, result list, answer view and status line; ``clipboard`` is
        the app's guard (or a new one)."""
        flags = (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                 | Qt.WindowType.WindowStaysOnTopHint)
        super().__init__(None, flags)
        self.setObjectName("quickRecall")
        self.setWindowTitle("Second Me — quick recall")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._services = services
        self.clipboard = clipboard if clipboard is not None else ClipboardGuard(parent=self)
        self._generation = 0
        self._answer: Answer | None = None
        self._fill_value: core_api.FillResult | None = None
        self._fill_label: str | None = None  # set while a sensitive value awaits confirmation
        self._streamed = ""
        self.setMinimumWidth(680)

        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search your memory…   (fill: label  for a profile value)")
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        self.model = HitModel(self)
        self.results = make_hit_view(self, self.model)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus stays in the query box
        self.results.doubleClicked.connect(lambda _i: self.open_selected())
        self.answer = QTextBrowser(self)
        self.answer.setOpenLinks(False)
        self.answer.anchorClicked.connect(self._open_citation)
        self.answer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.answer.hide()
        self.status = QLabel(HINT, self)
        self.status.setObjectName("recallStatus")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 3)
        layout.addWidget(self.answer, 2)
        layout.addWidget(self.status)
        self.setStyleSheet("#quickRecall { border: 1px solid palette(mid); }"
                           " QLineEdit { font-size: 15pt; padding: 4px; }")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_query)
        self.query.textChanged.connect(lambda _t: self._debounce.start())

        self.asker = AskSession(services, self)
        self.asker.token.connect(self._on_token)
        self.asker.finished.connect(self._on_answer)
        self.asker.failed.connect(self._on_ask_failed)

    # --- showing -------------------------------------------------------------------------------
    def open(self) -> None:
        """Show centred on the screen under the mouse, ready to type."""
        self.resize(max(self.width(), 680), max(self.sizeHint().height(), 420))
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.center().x() - self.width() // 2, area.top() + area.height() // 5)
        self.show()
        self.raise_()
        self.activateWindow()
        self.query.setFocus()
        self.query.selectAll()

    def dismiss(self) -> None:
        """Stop any answer in progress and hide the box."""
        self.asker.stop()
        self.hide()

    # --- queries -------------------------------------------------------------------------------
    def _run_query(self) -> None:
        text = self.query.text().strip()
        self._generation += 1
        gen = self._generation
        self._answer = None
        self.answer.hide()
        if text.lower().startswith(FILL_PREFIX):
            self._run_fill(gen, text[len(FILL_PREFIX):].strip())
            return
        self._fill_value = None
        self._fill_label = None
        if not text:
            self.model.set_hits([])
            self.status.setText(HINT)
            return
        ctx = self._services.ctx
        self._services.ops.run(
            lambda: ctx.notes.search(text, k=MAX_HITS), receiver=self, pool="search",
            success=lambda hits: self._show_hits(gen, hits),
            failure=lambda exc: self._search_failed(gen, exc))

    def _show_hits(self, gen: int, hits: list[SearchHit]) -> None:
        if gen != self._generation:
            return  # the query changed while this search ran
        self.model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
            self.status.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''} · {HINT}")
        else:
            self.status.setText("Nothing found · Enter: ask anyway · Esc: close")

    def _search_failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        if not isinstance(exc, UserError):
            self._services.ops.unhandled(exc)
        self.model.set_hits([])
        self.status.setText(str(exc) if isinstance(exc, UserError) else "Search failed (see the log)")

    def _run_fill(self, gen: int, label: str) -> None:
        self.model.set_hits([])
        self._fill_value = None
        self._fill_label = None
        if not label:
            self.status.setText("Type a form label after fill:, e.g. fill: shipping address")
            return
        ctx = self._services.ctx
        self._services.ops.run(
            lambda: core_api.fill(ctx, label), receiver=self, pool="search",
            success=lambda r: self._show_fill(gen, label, r),
            failure=lambda exc: self._search_failed(gen, exc))

    def _show_fill(self, gen: int, label: str, result: object) -> None:
        if gen != self._generation:
            return
        if result is None:
            self._show_html("<i>Your profile has no value for this label yet.</i>")
            self.status.setText("Esc: close")
            return
        value = core_api.describe_fill(result)
        self._fill_value = value
        srcs = "".join(f"<div><small>from {escape(s)}</small></div>" for s in value.sources)
        if core_api.needs_confirmation(result):
            # The value stays in the core until the person confirms they want it revealed.
            self._fill_label = label
            self._show_html(f"<div><b>•••• sensitive ({escape(value.field_name or label)})</b></div>{srcs}")
            self.status.setText("Ctrl+C: confirm and copy · Esc: close")
            return
        self._show_html(f"<div><b>{escape(value.value)}</b></div>{srcs}")
        self.status.setText("Ctrl+C: copy · Esc: close")

    # --- asking --------------------------------------------------------------------------------
    def ask(self) -> None:
        """Ask the typed question and stream the answer into the box (not for a ``fill:`` query)."""
        question = self.query.text().strip()
        if not question or question.lower().startswith(FILL_PREFIX):
            return
        self._answer = None
        self._streamed = ""
        self.answer.setPlainText("")
        self.answer.show()
        self.status.setText("Thinking… · Esc: stop and close")
        self.asker.ask(question)

    def _on_token(self, tok: str) -> None:
        self._streamed += tok
        self.answer.setPlainText(self._streamed)

    def _on_answer(self, answer: Answer) -> None:
        self._answer = answer
        self._show_html(answer_html(answer))
        n = len(answer.citations)
        self.status.setText(f"{n} source{'s' if n != 1 else ''} · Ctrl+C: copy the answer · Esc: close")

    def _on_ask_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._show_html(f"<i>{exc}</i>")
        else:
            self._show_html("<i>The model failed to answer (see the log).</i>")
            self._services.ops.unhandled(exc)
        self.status.setText(HINT)

    def _show_html(self, text: str) -> None:
        self.answer.setHtml(text)
        self.answer.show()

    def _open_citation(self, url: QUrl) -> None:
        ref = parse_citation(url.toString())
        hit = citation(self._answer, ref[1]) if self._answer and ref else None
        if hit is not None and hit.path:
            self._services.opener(hit.path, hit.line_start)

    # --- keys ----------------------------------------------------------------------------------
    def selected_hit(self) -> SearchHit | None:
        """The result under the cursor in the list, or None."""
        return self.model.hit(self.results.currentIndex().row())

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows:
            row = min(max(self.results.currentIndex().row() + step, 0), rows - 1)
            self.results.setCurrentIndex(self.model.index(row, 0))

    def open_selected(self) -> None:
        """Open the selected note result in the person's editor and close the box."""
        hit = self.selected_hit()
        if hit is not None and hit.path:
            self._services.opener(hit.path, hit.line_start)
            self.dismiss()

    def copy(self) -> bool:
        """Copy the fill value, else the answer, else the selected result; False if nothing."""
        text = ""
        if self._fill_value is not None:
            if self._fill_value.sensitive and QMessageBox.question(
                    self, "Second Me", "This is a sensitive value. Copy it to the clipboard?"
            ) != QMessageBox.StandardButton.Yes:
                return False
            if self._fill_label is not None:
                self._copy_confirmed(self._fill_label)
                return True
            text = self._fill_value.value
        elif self._answer is not None and self.answer.isVisible():
            text = answer_text(self._answer)
        elif (hit := self.selected_hit()) is not None:
            text = hit_text(hit)
        if text:
            # Profile values, answers and results are all the person's private text.
            self.clipboard.copy(text)
            self.status.setText("Copied.")
        return bool(text)

    def _copy_confirmed(self, label: str) -> None:
        ctx = self._services.ctx

        def copied(result: object) -> None:
            value = core_api.describe_fill(result).value if result is not None else ""
            if value:
                self.clipboard.copy(value)
            self.status.setText("Copied." if value else "No value to copy.")

        self._services.ops.run(lambda: core_api.fill(ctx, label, confirm_sensitive=True), receiver=self,
                               pool="search", success=copied,
                               failure=lambda exc: self.status.setText(str(exc) if isinstance(exc, UserError)
                                                                       else "Copy failed (see the log)"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Route key presses in the query line through the box's keys (Esc, arrows, Enter, Ctrl+C)."""
        if obj is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._key(event)
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The box's keys wherever the focus is; other keys go on to Qt."""
        if not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Escape:
            self.dismiss()
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._move(1 if key == Qt.Key.Key_Down else -1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._debounce.isActive():  # Enter right after typing: use the final text
                self._debounce.stop()
                self._run_query()
            if ctrl:
                self.open_selected()
            else:
                self.ask()
        elif ctrl and key == Qt.Key.Key_C and not self.query.hasSelectedText():
            self.copy()
        else:
            return False
        return True

    # --- for tests and the local test channel ----------------------------------------------------
    def state(self) -> dict[str, Any]:
        """What the box shows, for tests and the test channel: counts, titles
        and status, never the query text."""
        return {
            "visible": self.isVisible(),
            "query_chars": len(self.query.text()),
            "hits": [h.title for h in self.model.hits()],
            "answer_shown": self.answer.isVisible(),
            "answer_done": self._answer is not None,
            "status": self.status.text(),
        }
