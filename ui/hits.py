"""A list model and a rich-text delegate for search hits (quick recall and the Search page)."""

from __future__ import annotations

from typing import Any

from secondme.results import SearchHit
from ui.highlight import hit_html, hit_text
from ui.qt import (
    QAbstractItemView,
    QAbstractListModel,
    QListView,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QTextDocument,
    QWidget,
)

HitRole = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class HitModel(QAbstractListModel):
    """Holds the current results; the view and the delegate read from it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
        super().__init__(parent)
        self._doc = QTextDocument(self)

    def _prepare(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument | None:
        hit = index.data(HitRole)
        if not isinstance(hit, SearchHit):
            return None
        self._doc.setDefaultFont(option.font)
        self._doc.setHtml(hit_html(hit))
        self._doc.setTextWidth(max(100, option.rect.width() - 12))
        return self._doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        doc = self._prepare(option, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        color = opt.palette.color(role).name()
        # Follow the palette (light or dark, selected or not) instead of a fixed text colour.
        doc.setDefaultStyleSheet(f"body, div {{ color: {color}; }}")
        doc.setHtml(hit_html(index.data(HitRole)))
        rect = opt.rect
        painter.save()
        painter.translate(rect.left() + 6, rect.top() + 4)
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        doc = self._prepare(option, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 8)


def make_hit_view(parent: QWidget, model: HitModel) -> QListView:
    """A keyboard-friendly list of hits: one selected row, rows sized to their text."""
    view = QListView(parent)
    view.setModel(model)
    view.setItemDelegate(HitDelegate(view))
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setUniformItemSizes(False)
    view.setWordWrap(True)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    return view
