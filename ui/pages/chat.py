"""Chat: questions to the local model, answers streamed with clickable citations, and Stop."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from secondme.errors import UserError
from secondme.results import Answer
from ui.answer_view import answer_html, citation, parse_citation
from ui.asking import AskSession
from ui.pages.base import Page
from ui.qt import QHBoxLayout, QLineEdit, QPushButton, QTextBrowser, QTextCursor, QUrl, QWidget
from ui.services import Services
from ui.theme import Colors

WELCOME = ("Ask anything about your notes and memories. Answers come from the local model, with "
           "numbered sources you can click to open. Nothing leaves this computer.")


@dataclass
class Turn:
    """One question on the chat page and what has come back for it so far."""

    question: str
    streamed: str = ""
    answer: Answer | None = None
    error: str = ""


class ChatPage(Page):
    """A transcript of this session's questions and answers."""

    title = "Chat"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the transcript, the question line and Send/Stop."""
        super().__init__(services, parent)
        self.turns: list[Turn] = []
        self.transcript = QTextBrowser(self)
        self.transcript.setOpenLinks(False)
        self.transcript.anchorClicked.connect(self._open_citation)
        self.transcript.setAccessibleName("Conversation")
        self.input = QLineEdit(self)
        self.input.setPlaceholderText("Ask a question and press Enter")
        self.send_button = QPushButton("&Send", self)
        self.stop_button = QPushButton("S&top", self)
        self.stop_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        row.addWidget(self.stop_button)
        self.layout_.addWidget(self.transcript, 1)
        self.layout_.addLayout(row)
        self.setTabOrder(self.input, self.send_button)
        self.setTabOrder(self.send_button, self.stop_button)
        self.setTabOrder(self.stop_button, self.transcript)
        self.focus_target = self.input

        self.asker = AskSession(services, self)
        self.asker.token.connect(self._on_token)
        self.asker.finished.connect(self._on_answer)
        self.asker.failed.connect(self._on_failed)
        self.input.returnPressed.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.asker.stop)
        self._render()

    def send(self) -> None:
        """Ask the typed question; ignored while a question is being answered."""
        question = self.input.text().strip()
        if not question or self.asker.busy:
            return
        self.input.clear()
        self.turns.append(Turn(question))
        self._set_busy(True)
        self._render()
        self.asker.ask(question)

    def _set_busy(self, busy: bool) -> None:
        self.stop_button.setEnabled(busy)
        self.send_button.setEnabled(not busy)

    def _on_token(self, tok: str) -> None:
        self.turns[-1].streamed += tok
        # Appending at the end is cheap; re-rendering the whole transcript per token is not.
        self.transcript.moveCursor(QTextCursor.MoveOperation.End)
        self.transcript.insertPlainText(tok)

    def _on_answer(self, answer: Answer) -> None:
        self.turns[-1].answer = answer
        self._set_busy(False)
        self._render()
        self.input.setFocus()

    def _on_failed(self, exc: BaseException) -> None:
        self.turns[-1].error = str(exc) if isinstance(exc, UserError) else "The model failed to answer."
        self._set_busy(False)
        self._render()
        if not isinstance(exc, UserError):
            self.services.ops.unhandled(exc)

    def _render(self) -> None:
        if not self.turns:
            self.transcript.setHtml(f"<p><i>{escape(WELCOME)}</i></p>")
            return
        c = Colors.of(self.transcript.palette())
        parts = []
        for i, t in enumerate(self.turns):
            # Bubbles: Qt's rich text has tables with cell colours (no rounded corners); the
            # person's questions sit on the right in the accent tint, answers on the left.
            parts.append(f"<table width='100%' cellspacing='0' cellpadding='0'><tr><td width='22%'></td>"
                         f"<td><table width='100%' cellpadding='9' bgcolor='{c.accent_soft}'><tr><td>"
                         f"{escape(t.question)}</td></tr></table></td></tr></table>")
            if t.answer is not None:
                body = answer_html(t.answer, turn=i, chip=c.accent_soft)
            elif t.error:
                body = f"<i>{escape(t.error)}</i>"
            else:
                # Streaming: the tokens are appended after this line as they come.
                parts.append("<p style='margin-top:10px'><b>Second Me</b></p>")
                continue
            parts.append(f"<table width='100%' cellspacing='0' cellpadding='0' style='margin-top:8px'><tr>"
                         f"<td width='88%'><table width='100%' cellpadding='9' bgcolor='{c.card}'>"
                         f"<tr><td>{body}</td></tr></table></td><td></td></tr></table><p></p>")
        self.transcript.setHtml("".join(parts))
        if self.turns[-1].answer is None and self.turns[-1].streamed:
            self._on_token("")  # keep the cursor at the end for the next tokens
        self.transcript.verticalScrollBar().setValue(self.transcript.verticalScrollBar().maximum())

    def _open_citation(self, url: QUrl) -> None:
        ref = parse_citation(url.toString())
        if ref is None or not 0 <= ref[0] < len(self.turns):
            return
        answer = self.turns[ref[0]].answer
        hit = citation(answer, ref[1]) if answer is not None else None
        if hit is not None and hit.path:
            self.services.opener(hit.path, hit.line_start)
