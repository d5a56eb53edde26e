"""The one module that imports PySide6.

Everything else in ``ui/`` imports Qt names from here, so a Qt binding change, a missing module
or a version quirk is handled in one place (qutebrowser's discipline). ``secondme/`` never imports
this module: the core stays headless.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QElapsedTimer,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QRunnable,
    QSettings,
    QSize,
    QSocketNotifier,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    QtMsgType,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QClipboard,
    QCloseEvent,
    QColor,
    QCursor,
    QDesktopServices,
    QGuiApplication,
    QHideEvent,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QShortcut,
    QShowEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QSystemTrayIcon,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from shiboken6 import isValid as _shiboken_is_valid


def is_alive(obj: object) -> bool:
    """True while the C++ side of a Qt object still exists (a deleted widget is not alive)."""
    if obj is None:
        return False
    try:
        return bool(_shiboken_is_valid(obj))
    except TypeError:  # not a Qt object: plain Python objects live as long as referenced
        return True


__all__ = [
    "QAbstractItemView", "QAbstractListModel", "QAction", "QApplication", "QButtonGroup",
    "QByteArray", "QCheckBox", "QClipboard", "QCloseEvent", "QColor", "QComboBox", "QCoreApplication",
    "QCursor", "QDesktopServices", "QDialog", "QDialogButtonBox", "QElapsedTimer", "QEvent",
    "QFileDialog", "QFormLayout", "QFrame", "QGridLayout", "QGroupBox", "QGuiApplication", "QHBoxLayout",
    "QHeaderView", "QHideEvent", "QIcon", "QImage", "QInputDialog", "QKeyEvent", "QKeySequence", "QKeySequenceEdit", "QLabel",
    "QLineEdit",
    "QListView", "QListWidget", "QListWidgetItem", "QLocalServer", "QLocalSocket", "QMainWindow",
    "QMenu", "QMessageBox", "QMimeData", "QModelIndex", "QObject", "QPainter", "QPalette", "QPen",
    "QPersistentModelIndex", "QPixmap", "QPlainTextEdit", "QPoint", "QProgressBar",
    "QPushButton", "QRadioButton", "QRect", "QRectF", "QRunnable", "QScrollArea", "QSettings", "QShortcut",
    "QShowEvent", "QSize", "QSizePolicy", "QSocketNotifier", "QSpinBox", "QStackedWidget", "QStyle",
    "QStyleOptionViewItem", "QStyledItemDelegate", "QSvgRenderer", "QSystemTrayIcon",
    "QTableWidget", "QTableWidgetItem", "QTextBrowser", "QTextCursor", "QTextDocument", "QThread",
    "QThreadPool", "QTimer", "QUrl", "QVBoxLayout", "QWidget", "QWizard", "QWizardPage", "Qt",
    "QtMsgType", "Signal", "Slot", "is_alive", "qInstallMessageHandler",
]
