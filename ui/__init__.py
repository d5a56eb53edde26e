"""Second Me's desktop shell (PySide6): tray, quick recall, main window, first-run wizard.

Only this package imports Qt, and only through :mod:`ui.qt`. Business logic lives in the core
(:mod:`secondme`); widgets call it through background operations (:mod:`ui.operations`).
"""
