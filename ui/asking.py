"""One question to the local model at a time, streamed, stoppable (quick recall and Chat)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from secondme.results import Answer
from ui.qt import QObject, Signal
from ui.services import Services


class AskSession(QObject):
    """Runs ``ctx.models.ask`` off the UI thread; tokens and the answer arrive as signals.

    Asking again (or :meth:`stop`) cancels the previous question; late tokens from a cancelled
    question are dropped by a generation counter so they never mix into the new answer.
    """

    token = Signal(str)
    finished = Signal(object)  # Answer
    failed = Signal(object)  # the exception

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        """Nothing is asked yet; questions go through ``services``."""
        super().__init__(parent)
        self._services = services
        self._generation = 0
        self._cancel: threading.Event | None = None
        self.busy = False

    def ask(self, question: str) -> None:
        """Ask ``question`` on the model pool, cancelling the one before; tokens, then the answer
        or the error, arrive as signals."""
        self.stop()
        self._generation += 1
        gen = self._generation
        cancel = threading.Event()
        self._cancel = cancel
        self.busy = True
        ctx = self._services.ctx

        def work(report: Callable[[str], None]) -> Answer:
            answer: Answer = ctx.models.ask(question, on_token=report, cancel=cancel)
            return answer

        self._services.ops.run(
            work, receiver=self, pool="model", cancel=cancel,
            progress=lambda tok: self._on_token(gen, tok),
            success=lambda ans: self._on_done(gen, ans),
            failure=lambda exc: self._on_failed(gen, exc),
        )

    def stop(self) -> None:
        """Ask the model to stop; the (partial, cancelled) answer still arrives."""
        if self._cancel is not None:
            self._cancel.set()

    def _on_token(self, gen: int, tok: object) -> None:
        if gen == self._generation:
            self.token.emit(str(tok))

    def _on_done(self, gen: int, answer: Answer) -> None:
        if gen == self._generation:
            self.busy = False
            self.finished.emit(answer)

    def _on_failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self.busy = False
            self.failed.emit(exc)
