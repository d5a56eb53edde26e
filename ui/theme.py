"""The app's look: one style sheet made from the system palette, and line icons in its colours.

Nothing here picks colours of its own for text or backgrounds: every colour comes from the
palette the desktop gives (light or dark, high contrast), blended where a softer shade is needed
(card backgrounds, borders, secondary text). So the app follows the system's light/dark switch
and its accent colour, and stays legible in both. Sizes are in points or follow the font, so
200 % scaling grows everything together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from secondme.resources import resource_path
from ui.icons import svg_icon
from ui.qt import QApplication, QColor, QIcon, QPalette

log = logging.getLogger("secondme.ui.theme")

ICON_SIZES = (16, 20, 24, 32, 48)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


@dataclass(frozen=True)
class Colors:
    """The few colours the style sheet uses, all derived from one palette."""

    window: str
    base: str
    text: str
    muted: str
    border: str
    card: str
    sidebar: str
    accent: str
    accent_text: str
    accent_soft: str
    dark: bool

    @classmethod
    def of(cls, pal: QPalette) -> Colors:
        """The colours for palette ``pal``: muted text, borders and cards mixed
        from its window and text colours."""
        window = pal.color(QPalette.ColorRole.Window)
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.WindowText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        dark = window.lightness() < 128
        return cls(
            window=window.name(), base=base.name(), text=text.name(),
            muted=_mix(text, window, 0.38).name(),
            border=_mix(window, text, 0.16).name(),
            # A card stands out from the window: the base colour on light, a lifted grey on dark.
            card=_mix(window, text, 0.06).name() if dark else base.name(),
            sidebar=_mix(window, text, 0.04 if dark else 0.03).name(),
            accent=accent.name(), accent_text=pal.color(QPalette.ColorRole.HighlightedText).name(),
            accent_soft=_mix(window, accent, 0.22 if dark else 0.14).name(),
            dark=dark,
        )


def stylesheet(c: Colors) -> str:
    """The application style sheet for these colours."""
    return f"""
QMainWindow, QDialog {{ background: {c.window}; }}
QListWidget#sidebar {{
    background: {c.sidebar}; border: none; border-right: 1px solid {c.border};
    padding: 10px 6px; outline: none;
}}
QListWidget#sidebar::item {{ padding: 8px 10px; margin: 1px 0; border-radius: 8px; color: {c.text}; }}
QListWidget#sidebar::item:hover {{ background: {c.accent_soft}; }}
QListWidget#sidebar::item:selected {{ background: {c.accent_soft}; color: {c.text}; font-weight: 600; }}
QLabel#pageTitle {{ font-size: 17pt; font-weight: 600; padding: 4px 0 2px 0; }}
QLabel#pageSubtitle, QLabel#muted, QLabel[muted="true"] {{ color: {c.muted}; }}
QLabel#sectionTitle {{ font-size: 11pt; font-weight: 600; padding-top: 8px; }}
QLabel#emptyState {{ color: {c.muted}; padding: 24px 12px; font-size: 11pt; }}
QGroupBox {{
    background: {c.card}; border: 1px solid {c.border}; border-radius: 10px;
    margin-top: 1.6em; padding: 10px 8px 6px 8px;
}}
QGroupBox::title {{
    subcontrol-origin: margin; subcontrol-position: top left; left: 6px; padding: 0 4px;
    font-weight: 600; color: {c.text};
}}
QFrame#card {{ background: {c.card}; border: 1px solid {c.border}; border-radius: 10px; }}
QFrame#card QLabel {{ background: transparent; }}
QFrame#heroCard {{ background: {c.accent_soft}; border: none; border-radius: 12px; }}
QFrame#heroCard QLabel {{ background: transparent; }}
QLabel#chip {{
    background: {c.accent_soft}; color: {c.text}; border-radius: 9px; padding: 1px 8px;
}}
QLineEdit, QPlainTextEdit, QTextBrowser, QComboBox, QSpinBox {{
    border: 1px solid {c.border}; border-radius: 7px; padding: 5px 8px; background: {c.base};
    selection-background-color: {c.accent}; selection-color: {c.accent_text};
}}
QComboBox::drop-down {{ border: none; width: 22px; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus {{ border: 1px solid {c.accent}; }}
QPushButton {{
    border: 1px solid {c.border}; border-radius: 7px; padding: 5px 14px; background: {c.base};
}}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:default, QPushButton#primary {{
    background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
}}
QPushButton:disabled {{ color: {c.muted}; }}
QTableWidget, QTableView, QListView {{
    border: 1px solid {c.border}; border-radius: 8px; background: {c.base};
    gridline-color: {c.border}; selection-background-color: {c.accent_soft}; selection-color: {c.text};
}}
QListView#hits {{ border: none; background: transparent; }}
QListView#hits::item {{ border: none; background: transparent; }}
QHeaderView::section {{
    background: {c.window}; border: none; border-bottom: 1px solid {c.border}; padding: 5px 6px;
    color: {c.muted}; font-weight: 600;
}}
QProgressBar {{ border: none; border-radius: 4px; background: {c.border}; max-height: 8px; text-align: center; }}
QProgressBar::chunk {{ border-radius: 4px; background: {c.accent}; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QStatusBar {{ color: {c.muted}; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle {{ background: {c.border}; border-radius: 3px; min-height: 24px; min-width: 24px; }}
QScrollBar::handle:hover {{ background: {c.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
"""


def apply(app: QApplication) -> Colors:
    """Style ``app`` from its palette now and again whenever the system palette changes."""
    colors = Colors.of(app.palette())
    app.setStyleSheet(stylesheet(colors))
    hints = app.styleHints()
    if not getattr(app, "_secondme_theme_hooked", False):
        # colorSchemeChanged: the desktop switched light/dark while the app runs.
        signal = getattr(hints, "colorSchemeChanged", None)
        if signal is not None:
            signal.connect(lambda *_: apply(app))
        app._secondme_theme_hooked = True  # type: ignore[attr-defined]
    return colors


def line_icon(name: str, color: QColor | str) -> QIcon:
    """One of our line icons (``resources/icons/pages/NAME.svg``) drawn in ``color``."""
    path = resource_path("icons", "pages", f"{name}.svg")
    try:
        svg = path.read_text("utf-8").replace("currentColor", QColor(color).name())
    except OSError:
        log.debug("no icon %s", name)
        return QIcon()
    return svg_icon(svg.encode(), ICON_SIZES)
