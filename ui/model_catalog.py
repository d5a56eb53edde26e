"""Settings → Model → "Download a better model": the catalog with a Download button per entry.

A click is the only thing that ever starts network access in Second Me: the downloader module
is imported inside the worker function, never at page load. The download runs on a worker
thread (``services.ops``); progress (bytes, speed, ETA) comes back to the UI thread through
the operation's progress channel. Cancel pauses and keeps the partial file; the same button,
then labelled Resume, continues it. A verified download becomes the chat model at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secondme.errors import Cancelled, UserError
from secondme.llm import catalog
from secondme.llm.catalog import CatalogEntry, human_bytes
from ui.qt import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

PROGRESS_STEPS = 1000  # QProgressBar is int-based; model files exceed 2**31 bytes


@dataclass
class _Row:
    entry: CatalogEntry
    title: QLabel
    detail: QLabel
    status: QLabel
    button: QPushButton


class ModelCatalog(QWidget):
    """The downloadable models, one at a time, with progress, Cancel and Resume.

    ``on_selected(path, title)`` runs on the UI thread once a downloaded model is in use, so
    the Settings page can show it as the chosen model.
    """

    def __init__(self, services: Services, on_selected: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        """Build a row per catalogue model (title, details, status, Download button) and the progress area."""
        super().__init__(parent)
        self.services = services
        self._on_selected = on_selected
        self._cancel: threading.Event | None = None
        self._running: CatalogEntry | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("No GGUF file yet? Download one of these instruct models; they run on a laptop "
                       "CPU. This is the only time Second Me uses the network, and only when you click.",
                       self)
        intro.setWordWrap(True)
        col.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        col.addLayout(grid)
        self.rows: dict[str, _Row] = {}
        for i, e in enumerate(catalog.entries()):
            title = QLabel(f"<b>{e.title}</b>", self)
            detail = QLabel(f"{e.parameters} · {e.quantization} · {human_bytes(e.size)} download · "
                            f"needs about {human_bytes(e.ram_bytes)} of RAM · "
                            f'<a href="{e.license_url}">{e.license}</a>', self)
            detail.setOpenExternalLinks(True)
            detail.setWordWrap(True)  # narrow windows and 200 % scaling: wrap, do not widen the page
            detail.setToolTip(e.note)
            status = QLabel(self)
            status.setObjectName("catalogStatus")
            button = QPushButton("Download", self)
            button.setAccessibleName(f"Download {e.title}")
            button.clicked.connect(lambda _=False, entry=e: self.start(entry))
            grid.addWidget(title, i, 0)
            grid.addWidget(detail, i, 1)
            grid.addWidget(status, i, 2)
            grid.addWidget(button, i, 3)
            self.rows[e.name] = _Row(e, title, detail, status, button)
        grid.setColumnStretch(1, 1)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setAccessibleName("Download progress")
        self.progress_text = QLabel(self)
        self.progress_text.setObjectName("downloadProgress")
        self.cancel_button = QPushButton("&Cancel download", self)
        self.cancel_button.clicked.connect(self.cancel)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        col.addLayout(prow)
        col.addWidget(self.progress_text)
        self.result = QLabel(self)
        self.result.setObjectName("downloadResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.result)
        self._show_progress(False)
        self.update_rows()

    # --- state -------------------------------------------------------------------------------
    def update_rows(self) -> None:
        """Button and status per entry from what is on disk (sizes only: no hashing, no network)."""
        models_dir = self.services.ctx.paths.models_dir
        current = self.services.ctx.settings.model_path
        for row in self.rows.values():
            st = catalog.state(row.entry, models_dir)
            in_use = st.downloaded and bool(current) and Path(current) == st.path
            if self._running is not None:
                row.button.setEnabled(False)
            else:
                row.button.setEnabled(not in_use)
            if self._running is row.entry:
                row.button.setText("Downloading…")
                row.status.setText("")
            elif in_use:
                row.button.setText("In use")
                row.status.setText("Downloaded")
            elif st.downloaded:
                row.button.setText("Use")
                row.status.setText("Downloaded")
            elif st.partial_bytes:
                row.button.setText("Resume")
                row.status.setText(f"{st.partial_bytes * 100 // row.entry.size} % downloaded")
            else:
                row.button.setText("Download")
                row.status.setText("")

    def _show_progress(self, on: bool) -> None:
        for w in (self.progress, self.progress_text, self.cancel_button):
            w.setVisible(on)

    # --- actions ------------------------------------------------------------------------------
    def start(self, entry: CatalogEntry) -> None:
        """Download (or resume, or just select an already downloaded) ``entry`` in the background."""
        if self._running is not None:
            return
        ctx = self.services.ctx
        cancel = threading.Event()
        self._cancel = cancel
        self._running = entry
        self.result.setText("")
        st = catalog.state(entry, ctx.paths.models_dir)
        self.progress.setValue(int(st.partial_bytes * PROGRESS_STEPS / entry.size))
        self.progress_text.setText("Resuming…" if st.partial_bytes else "Connecting…")
        self._show_progress(not st.downloaded)
        self.cancel_button.setEnabled(True)
        self.update_rows()

        def work(report: Callable[[Any], None]) -> str:
            # Imported here, on the worker, after the click: nothing else loads the downloader.
            from secondme.llm.download import download_model

            result = download_model(entry, ctx.paths, ctx.settings, on_progress=report, cancel=cancel)
            # The running chat model switches too, not only the saved setting.
            ctx.models.switch(str(result.path))
            return str(result.path)

        self.services.ops.run(work, receiver=self, success=self._finished, failure=self._failed,
                              progress=self._progress, cancel=cancel)

    def cancel(self) -> None:
        """Cancel the download in progress; what was downloaded is kept for Resume."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_text.setText("Pausing…")

    # --- results (UI thread) -------------------------------------------------------------------
    def _progress(self, p: Any) -> None:
        self.progress.setValue(int(p.fraction * PROGRESS_STEPS))
        self.progress_text.setText(p.describe())

    def _done(self) -> CatalogEntry | None:
        entry, self._running, self._cancel = self._running, None, None
        self._show_progress(False)
        self.update_rows()
        return entry

    def _finished(self, path: str) -> None:
        entry = self._done()
        title = entry.title if entry is not None else Path(path).name
        self.result.setText(f"{title} is downloaded, verified and now your chat model.")
        self._on_selected(path, title)

    def _failed(self, exc: BaseException) -> None:
        entry = self._done()
        title = entry.title if entry is not None else "the model"
        if isinstance(exc, Cancelled):
            kept = catalog.state(entry, self.services.ctx.paths.models_dir).partial_bytes if entry else 0
            self.result.setText(f"Download of {title} paused with {human_bytes(kept)} kept. "
                                "Click Resume to continue.")
        elif isinstance(exc, UserError):
            text = str(exc)
            self.result.setText(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
        else:
            self.result.setText(f"Downloading {title} failed (see the log).")
            self.services.ops.unhandled(exc)
