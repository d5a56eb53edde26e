"""The main window's pages, one module each, in the order of the sidebar (Ctrl+1..7)."""
