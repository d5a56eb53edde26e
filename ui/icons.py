"""The app icon and its state variants (normal, indexing, locked), drawn from our SVG files."""

from __future__ import annotations

from enum import Enum

from secondme.resources import resource_path
from ui.qt import QIcon, QPainter, QPixmap, QSvgRenderer, Qt

SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


class IconState(Enum):
    """What the tray icon tells at a glance."""

    NORMAL = "secondme.svg"
    INDEXING = "secondme-indexing.svg"
    LOCKED = "secondme-locked.svg"


def svg_icon(source: str | bytes, sizes: tuple[int, ...] = SIZES) -> QIcon:
    """An icon from an SVG file path or SVG bytes, rendered at each of ``sizes``.

    Rendered through QSvgRenderer rather than QIcon(path): the SVG icon-engine plugin is not in
    every Qt build or bundle, and a blank tray icon is worse than a missing feature."""
    renderer = QSvgRenderer(source)
    icon = QIcon()
    for size in sizes:
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pix)
    return icon


def _render(file_name: str) -> QIcon:
    return svg_icon(str(resource_path("icons", file_name)))


class Icons:
    """Icons rendered once per process (they never change while it runs)."""

    def __init__(self) -> None:
        """Nothing rendered yet."""
        self._cache: dict[IconState, QIcon] = {}

    def get(self, state: IconState = IconState.NORMAL) -> QIcon:
        """The icon for ``state``, rendered on first use."""
        if state not in self._cache:
            self._cache[state] = _render(state.value)
        return self._cache[state]
