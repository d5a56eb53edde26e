"""Render resources/icons/secondme.svg into the PNG sizes desktops expect, a Windows .ico and a macOS .icns.

Run from the repository root when the SVG changes; the PNGs are committed:
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
APP_ID = "io.github.secondme.SecondMe"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    img = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return img


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "secondme.svg"))
    if not renderer.isValid():
        print("secondme.svg could not be read", file=sys.stderr)
        return 1
    for size in SIZES:
        out = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(out), "PNG"):
            print(f"could not write {out}", file=sys.stderr)
            return 1
    scalable = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ICONS / "secondme.svg", scalable)
    # Windows executables take a multi-size .ico; Qt's ico plugin writes the first image only,
    # so the 256 px one (Windows scales it down).
    writable = {bytes(f.data()) for f in QImageWriter.supportedImageFormats()}
    if b"ico" in writable:
        render(renderer, 256).save(str(ICONS / "secondme.ico"), "ICO")
    # macOS app bundles take an .icns; Qt's icns plugin writes one 512 px image into it.
    if b"icns" in writable:
        render(renderer, 512).save(str(ICONS / "secondme.icns"), "ICNS")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
