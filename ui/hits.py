"""A list model and a rich-text delegate for search hits (quick recall and the Search page)."""

from __future__ import annotations

from typing import Any

from secondme.results import SearchHit
from ui.highlight import hit_html, hit_text
from ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QColor,
    QGuiApplication,
    QListView,
    QModelIndex,
    QPainter,
    QPen,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextDocument,
    QWidget,
)
from ui.theme import Colors

HitRole = Qt.ItemDataRole.UserRole + 1
PAD_X, PAD_Y, CARD_GAP = 12, 8, 8
Index = QModelIndex | QPersistentModelIndex


class HitModel(QAbstractListModel):
    """Holds the current results; the view and the delegate read from it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """No results yet."""
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        """Replace the results (a model reset, so views drop their selection)."""
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        """A copy of the current results."""
        return list(self._hits)

    def hit(self, row: int) -> SearchHit | None:
        """The result on ``row``, or None out of range."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        """Number of results (a list model: no children)."""
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain text for display, the path or kind as tooltip, and the hit itself under ``HitRole``."""
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return hit_text(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.path or hit.kind
        if role == HitRole:
            return hit
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints a hit as rich text (title, highlighted snippet, source · date)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """One text document is reused for every row; colours are worked out on first paint."""
        super().__init__(parent)
        self._doc = QTextDocument(self)
        self._colors: tuple[int, Colors] | None = None

    def colors(self) -> Colors:
        """The card colours, worked out again only when the palette changes (paint is hot)."""
        # The application's palette: the view's own is made transparent by the style sheet.
        pal = QGuiApplication.palette()
        if self._colors is None or self._colors[0] != pal.cacheKey():
            self._colors = (pal.cacheKey(), Colors.of(pal))
        return self._colors[1]

    def _prepare(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument | None:
        hit = index.data(HitRole)
        if not isinstance(hit, SearchHit):
            return None
        c = self.colors()
        self._doc.setDefaultFont(option.font)
        # Follow the palette (light or dark) instead of a fixed text colour; the source line is
        # in the muted colour (Qt's rich text has no opacity). Set before the HTML, which it styles.
        self._doc.setDefaultStyleSheet(f"body, div {{ color: {c.text}; }} .muted {{ color: {c.muted}; }}")
        self._doc.setHtml(hit_html(hit))
        # The view's width, not the option's: size hints are asked before the rows are laid
        # out, and a card measured narrower than it is drawn would spill into the next one.
        view = self.parent()
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        self._doc.setTextWidth(max(100, width - 2 * PAD_X - 4))
        return self._doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Draw the hit as a rounded card (accent edge when selected, muted when hovered) with its rich
        text; rows without a hit are painted the default way."""
        doc = self._prepare(option, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        c = self.colors()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        hovered = bool(opt.state & QStyle.StateFlag.State_MouseOver)
        # A card per result: rounded, on the card colour, the accent's edge when selected.
        card = QRectF(opt.rect).adjusted(2, CARD_GAP / 2, -2, -CARD_GAP / 2)
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.accent if selected else (c.muted if hovered else c.border)),
                            2 if selected else 1))
        painter.setBrush(QColor(c.accent_soft if selected else c.card))
        painter.drawRoundedRect(card, 8, 8)
        painter.restore()
        painter.save()
        painter.translate(card.left() + PAD_X, card.top() + PAD_Y)
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """The card's height for its wrapped text at the view's width, gaps included."""
        doc = self._prepare(option, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2 * PAD_Y + CARD_GAP)


def make_hit_view(parent: QWidget, model: HitModel) -> QListView:
    """A keyboard-friendly list of hits: one selected row, rows sized to their text."""
    view = QListView(parent)
    view.setObjectName("hits")
    view.setMouseTracking(True)  # the card under the mouse is outlined
    view.setModel(model)
    view.setItemDelegate(HitDelegate(view))
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setUniformItemSizes(False)
    view.setWordWrap(True)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    return view
