"""Profile: the person as Second Me knows them.

A card with the bios (who you are, lately), the shades (interest areas) as cards with their
dated timelines, and the fields forms ask for, grouped (identity, contact, addresses, work,
family, preferences…) with where each value came from and whether it is locked. A field is
edited, locked or deleted from the bar at the bottom; a label box tries ``fill``.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from secondme.profile.fields import GROUPS, spec
from ui import core_api
from ui.pages.base import Page
from ui.qt import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.services import Services

EXPLAIN = (
    "It is built every night from your memories: who you are (a short bio), what you have been "
    "doing lately, your interest areas, and the fields forms ask for (address, e-mail, work…), "
    "each with its sources. Edit and lock any field: a locked field is never changed by the app."
)
GROUP_TITLES: dict[str, str] = {
    "identity": "Identity", "contact": "Contact", "address": "Addresses", "work": "Work",
    "family": "Family", "preferences": "Preferences", "documents": "Documents",
    "health": "Health", "finances": "Finances", "custom": "Other",
}
TIMELINE_SHOWN = 3
MASK = "•••• (sensitive)"


def _day(ts: float) -> str:
    if not ts:
        return ""
    d = datetime.fromtimestamp(ts)
    return f"{d.day} {d.strftime('%b %Y')}"


def provenance(f: Any) -> str:
    """Where a field's value came from, in words."""
    if getattr(f, "origin", "memory") == "user":
        where = "you set it"
    else:
        n = len(getattr(f, "sources", []) or [])
        where = f"from {n} memor{'y' if n == 1 else 'ies'}" if n else "derived from other fields"
    when = _day(float(getattr(f, "as_of", 0) or getattr(f, "updated_at", 0) or 0))
    return f"{where} · {when}" if when else where


def _label(text: str, parent: QWidget, *, name: str | None = None, rich: bool = False) -> QLabel:
    lab = QLabel(text, parent)
    lab.setWordWrap(True)
    lab.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        lab.setObjectName(name)
    return lab


class ProfilePage(Page):
    """Bios, shade cards with timelines, grouped fields with provenance and lock; fill a label."""

    title = "Profile"

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        """Build the label-fill row, and the scrolled area for bios, shades and fields."""
        super().__init__(services, parent)
        row = QHBoxLayout()
        self.label_edit = QLineEdit(self)
        self.label_edit.setPlaceholderText("Try a form label in any language, e.g. Shipping address, Nom de famille")
        self.try_button = QPushButton("&Fill", self)
        row.addWidget(self.label_edit, 1)
        row.addWidget(self.try_button)
        self.layout_.addLayout(row)
        self.result = _label("", self, rich=True)
        self.layout_.addWidget(self.result)
        self.empty = self.empty_label(f"{core_api.PROFILE_NOT_BUILT}.\n\n{EXPLAIN}")
        self.layout_.addWidget(self.empty)
        self.sheet = QScrollArea(self)
        self.sheet.setWidgetResizable(True)
        self.sheet.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget(self.sheet)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 6, 0)
        self.body_layout.setSpacing(10)
        self.sheet.setWidget(self.body)
        self.layout_.addWidget(self.sheet, 1)
        self.sheet.hide()
        edit = QHBoxLayout()
        self.field_choice = QComboBox(self)
        self.field_choice.setAccessibleName("Field to edit")
        self.field_choice.setMinimumContentsLength(16)
        self.value_edit = QLineEdit(self)
        self.value_edit.setPlaceholderText("New value for the chosen field")
        self.save_button = QPushButton("&Save", self)
        self.lock_button = QPushButton("&Lock", self)
        self.delete_button = QPushButton("&Delete", self)
        for w in (self.field_choice, self.value_edit, self.save_button, self.lock_button, self.delete_button):
            edit.addWidget(w, 1 if w is self.value_edit else 0)
        self.layout_.addLayout(edit)
        self.try_button.clicked.connect(self._fill)
        self.label_edit.returnPressed.connect(self._fill)
        self.save_button.clicked.connect(self._save)
        self.value_edit.returnPressed.connect(self._save)
        self.lock_button.clicked.connect(self._toggle_lock)
        self.delete_button.clicked.connect(self._delete)
        self.field_choice.currentIndexChanged.connect(self._chosen)
        self.focus_target = self.label_edit
        self._fields: dict[str, Any] = {}
        self.group_titles: list[str] = []
        self.shade_cards: list[QFrame] = []
        self._set_editing_enabled(False)

    # --- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the profile (fields, shades, bios) off-thread and show it."""
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.profile.show(), receiver=self, success=self._show_profile,
                              failure=self._failed)

    def _show_profile(self, prof: object) -> None:
        data: dict[str, Any] = prof if isinstance(prof, dict) else {}
        bios = data.get("bios", {}) or {}
        shades = list(data.get("shades", []) or [])
        self._fields = dict(data.get("fields", {}) or {})
        has_any = bool(self._fields or shades or any(b.get("text") for b in bios.values() if isinstance(b, dict)))
        self.empty.setVisible(not has_any)
        self.sheet.setVisible(has_any)
        self._clear_body()
        if has_any:
            self.body_layout.addWidget(self._hero(bios))
            if shades:
                self.body_layout.addWidget(_label("Interest areas", self.body, name="sectionTitle"))
                self.body_layout.addWidget(self._shade_grid(shades))
            self._add_field_groups()
            self.body_layout.addStretch(1)
        self._fill_choice()

    def _clear_body(self) -> None:
        self.group_titles = []
        self.shade_cards = []
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()

    def _hero(self, bios: dict[str, Any]) -> QFrame:
        card = QFrame(self.body)
        card.setObjectName("heroCard")
        lay = QVBoxLayout(card)
        lay.setContentsMargins(18, 14, 18, 14)
        name = self._fields.get("name")
        heading = _label(name.value if name is not None and not name.sensitive else "You", card)
        heading.setObjectName("pageTitle")
        lay.addWidget(heading)
        self.bio_labels: dict[str, QLabel] = {}
        for kind, title in (("global", "Who you are"), ("status", "Lately")):
            text = (bios.get(kind) or {}).get("text") if isinstance(bios.get(kind), dict) else None
            if not text:
                continue
            lab = _label(f"<b>{title}</b><br>{escape(str(text))}", card, rich=True)
            self.bio_labels[kind] = lab
            lay.addWidget(lab)
        if not self.bio_labels:
            lay.addWidget(_label("Your bio is written by the nightly job once there are memories to "
                                 "write it from.", card, name="muted"))
        return card

    def _shade_grid(self, shades: list[dict[str, Any]]) -> QWidget:
        holder = QWidget(self.body)
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for i, s in enumerate(shades):
            card = QFrame(holder)
            card.setObjectName("card")
            lay = QVBoxLayout(card)
            lay.setContentsMargins(14, 10, 14, 10)
            size = int(s.get("size", len(s.get("timeline", []))))
            lay.addWidget(_label(f"<b>{escape(str(s.get('name', '')))}</b>"
                                 f"&nbsp;&nbsp;<span style='font-size:small'>{size} memor"
                                 f"{'y' if size == 1 else 'ies'}</span>", card, rich=True))
            if s.get("description"):
                lay.addWidget(_label(str(s["description"]), card, name="muted"))
            timeline = list(s.get("timeline", []))[-TIMELINE_SHOWN:]
            for t in reversed(timeline):
                lay.addWidget(_label(f"<span style='font-size:small'><b>{escape(str(t.get('date', '')))}"
                                     f"</b> — {escape(str(t.get('text', '')))}</span>", card, rich=True))
            lay.addStretch(1)
            self.shade_cards.append(card)
            grid.addWidget(card, i // 2, i % 2)
        return holder

    def _add_field_groups(self) -> None:
        by_group: dict[str, list[tuple[str, Any]]] = {}
        for name, f in self._fields.items():
            by_group.setdefault(spec(name).group, []).append((name, f))
        for group in (*GROUPS, "custom"):
            items = by_group.get(group)
            if not items:
                continue
            title = GROUP_TITLES.get(group, group.capitalize())
            self.group_titles.append(title)
            self.body_layout.addWidget(_label(title, self.body, name="sectionTitle"))
            card = QFrame(self.body)
            card.setObjectName("card")
            grid = QGridLayout(card)
            grid.setContentsMargins(14, 8, 14, 8)
            grid.setHorizontalSpacing(16)
            grid.setColumnStretch(1, 1)
            for r, (name, f) in enumerate(sorted(items, key=lambda nf: nf[1].label)):
                grid.addWidget(_label(f.label, card, name="muted"), r, 0, Qt.AlignmentFlag.AlignTop)
                value = MASK if f.sensitive else str(f.value)
                grid.addWidget(_label(value, card), r, 1, Qt.AlignmentFlag.AlignTop)
                lock = "🔒 locked · " if f.locked else ""
                src = _label(f"{lock}{provenance(f)}", card, name="muted")
                src.setWordWrap(False)
                src.setProperty("field", name)
                grid.addWidget(src, r, 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
            self.body_layout.addWidget(card)

    def _fill_choice(self) -> None:
        current = self._selected()
        self.field_choice.blockSignals(True)
        self.field_choice.clear()
        for name, f in sorted(self._fields.items(), key=lambda nf: nf[1].label):
            self.field_choice.addItem(f.label, name)
        if current in self._fields:
            self.field_choice.setCurrentIndex(self.field_choice.findData(current))
        self.field_choice.blockSignals(False)
        self._chosen()

    def _chosen(self, *_: object) -> None:
        name = self._selected()
        self._set_editing_enabled(name is not None)
        if name is not None:
            self.lock_button.setText("Un&lock" if self._fields[name].locked else "&Lock")

    def _set_editing_enabled(self, on: bool) -> None:
        for w in (self.field_choice, self.value_edit, self.save_button, self.lock_button, self.delete_button):
            w.setEnabled(on)

    def _selected(self) -> str | None:
        data = self.field_choice.currentData()
        return str(data) if data is not None and str(data) in self._fields else None

    def select_field(self, name: str) -> None:
        """Choose ``name`` in the edit bar (keyboard: the combo box)."""
        i = self.field_choice.findData(name)
        if i >= 0:
            self.field_choice.setCurrentIndex(i)

    # --- editing -------------------------------------------------------------------------------
    def _edit(self, value: str | None, lock: bool | None) -> None:
        name = self._selected()
        if name is None:
            return
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.profile.set_field(name, value, lock), receiver=self,
                              success=lambda _r: self._edited(), failure=self._failed)

    def _edited(self) -> None:
        self.value_edit.clear()
        self.refresh()

    def _save(self) -> None:
        value = self.value_edit.text().strip()
        if value:
            self._edit(value, None)

    def _toggle_lock(self) -> None:
        name = self._selected()
        if name is not None:
            self._edit(None, not self._fields[name].locked)

    def _delete(self) -> None:
        name = self._selected()
        if name is None:
            return
        ctx: Any = self.services.ctx
        self.services.ops.run(lambda: ctx.profile.delete_field(name), receiver=self,
                              success=lambda _r: self.refresh(), failure=self._failed)

    # --- trying a label ------------------------------------------------------------------------
    def _fill(self) -> None:
        label = self.label_edit.text().strip()
        if not label:
            return
        ctx = self.services.ctx
        self.services.ops.run(lambda: core_api.fill(ctx, label), receiver=self,
                              success=self._show, failure=self._failed)

    def _show(self, result: object) -> None:
        if result is None:
            self.result.setText("Unknown: no profile value for this label.")
            return
        if getattr(result, "status", "ok") == "needs_confirmation":
            self.result.setText("This field is sensitive: use the command line with --confirm to copy it.")
            return
        v = core_api.describe_fill(result)
        src = "<br>".join(f"<small>from {escape(s)}</small>" for s in v.sources)
        self.result.setText(f"<b>{escape(v.value)}</b><br>{src}")

    def _failed(self, exc: BaseException) -> None:
        self.show_failure(exc, self.result)
