"""The model downloader against a real HTTP server on 127.0.0.1 (tests/http_range_server.py).

Every test serves a generated file and checks what a person would: the file in the models
folder is byte-for-byte the served one, a resumed download fetched only the rest, a failure
says why and leaves nothing half-installed under the real name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.errors import (
    Cancelled,
    DiskFull,
    DownloadChecksumMismatch,
    DownloadError,
    DownloadInterrupted,
    DownloadServerError,
    NotEnoughDiskSpace,
)
from secondme.llm import catalog
from secondme.llm.download import check_url, download_file, download_model
from secondme.llm.download_local import Progress
from secondme.paths import Paths
from secondme.settings import Settings
from tests.http_range_server import RangeServer, make_file

pytestmark = pytest.mark.timeout(120)

MiB = 1024 * 1024
SIZE = 24 * MiB


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = make_file(tmp_path_factory.mktemp("served") / "model.gguf", SIZE, seed=7)
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def server(served: tuple[Path, str]) -> Iterator[RangeServer]:
    with RangeServer(served[0]) as s:
        yield s


def same_bytes(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


def test_full_download_is_verified_and_put_in_place(server: RangeServer, served: tuple[Path, str],
                                                    tmp_path: Path) -> None:
    src, sha = served
    dest = tmp_path / "models" / "model.gguf"
    reports: list[Progress] = []
    result = download_file(server.url, dest, size=SIZE, sha256=sha, label="Test model",
                           on_progress=reports.append)
    assert result.path == dest and same_bytes(dest, src)
    assert not dest.with_name("model.gguf.part").exists()
    assert result.fetched == SIZE and result.resumed_from == 0
    assert [r.range for r in server.requests] == [None]
    # Progress ends with the verified file, and the byte counts never go backwards.
    assert reports[-1].phase == "done" and reports[-1].done == SIZE
    downloading = [r.done for r in reports if r.phase == "downloading"]
    assert downloading and downloading == sorted(downloading) and downloading[-1] == SIZE
    assert "verifying" in [r.phase for r in reports]


def test_redirects_are_followed(server: RangeServer, served: tuple[Path, str], tmp_path: Path) -> None:
    src, sha = served
    dest = tmp_path / "model.gguf"
    download_file(server.redirect_url, dest, size=SIZE, sha256=sha)
    assert same_bytes(dest, src)
    assert [r.status for r in server.requests] == [302, 200]


def test_dropped_connection_then_resume_fetches_only_the_rest(server: RangeServer, served: tuple[Path, str],
                                                              tmp_path: Path) -> None:
    src, sha = served
    dest = tmp_path / "model.gguf"
    part = tmp_path / "model.gguf.part"
    server.drop_after = 10 * MiB
    with pytest.raises(DownloadInterrupted, match="download again to resume") as err:
        download_file(server.url, dest, size=SIZE, sha256=sha, label="Test model")
    assert "Test model" in str(err.value)
    assert not dest.exists()
    kept = part.stat().st_size
    assert 0 < kept <= 10 * MiB
    assert part.read_bytes() == src.read_bytes()[:kept]

    before = server.bytes_sent()
    reports: list[Progress] = []
    result = download_file(server.url, dest, size=SIZE, sha256=sha, on_progress=reports.append)
    second = server.bytes_sent() - before
    assert same_bytes(dest, src) and not part.exists()
    assert server.requests[-1].range == f"bytes={kept}-" and server.requests[-1].status == 206
    assert second == SIZE - kept < SIZE
    assert result.resumed_from == kept and result.fetched == SIZE - kept
    assert reports[0].phase == "checking"  # the kept bytes are hashed again, not trusted


def test_wrong_hash_deletes_the_part_and_installs_nothing(server: RangeServer, tmp_path: Path) -> None:
    dest = tmp_path / "model.gguf"
    with pytest.raises(DownloadChecksumMismatch, match="not the expected file"):
        download_file(server.url, dest, size=SIZE, sha256="0" * 64, label="Test model")
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", [500, 503, 404, 403])
def test_server_errors_are_clear(server: RangeServer, served: tuple[Path, str], tmp_path: Path,
                                 status: int) -> None:
    server.status = status
    dest = tmp_path / "model.gguf"
    with pytest.raises(DownloadServerError) as err:
        download_file(server.url, dest, size=SIZE, sha256=served[1], label="Test model")
    assert err.value.status == status
    assert f"the server answered {status}" in str(err.value)
    assert "Test model" in str(err.value)
    assert not dest.exists()


def test_a_different_file_on_the_server_is_refused(tmp_path: Path) -> None:
    other = make_file(tmp_path / "served.gguf", 3 * MiB, seed=3)
    dest = tmp_path / "models" / "model.gguf"
    with RangeServer(other) as srv, pytest.raises(DownloadServerError, match="offers a file of"):
        download_file(srv.url, dest, size=SIZE, sha256="0" * 64)
    assert not dest.exists() and not dest.with_name("model.gguf.part").exists()


def test_nothing_listening_is_a_clear_error(tmp_path: Path) -> None:
    with RangeServer(tmp_path) as srv:  # a server started and stopped: its port is closed now
        url = srv.url
    with pytest.raises(DownloadInterrupted, match=r"could not reach 127\.0\.0\.1"):
        download_file(url, tmp_path / "m.gguf", size=SIZE, sha256="0" * 64)


def test_server_that_ignores_range_restarts_cleanly(server: RangeServer, served: tuple[Path, str],
                                                    tmp_path: Path) -> None:
    src, sha = served
    dest = tmp_path / "model.gguf"
    server.drop_after = 5 * MiB
    with pytest.raises(DownloadInterrupted):
        download_file(server.url, dest, size=SIZE, sha256=sha)
    server.ignore_range = True
    result = download_file(server.url, dest, size=SIZE, sha256=sha)
    assert same_bytes(dest, src)
    assert server.requests[-1].status == 200 and result.fetched == SIZE


def test_not_enough_space_is_found_before_any_request(server: RangeServer, served: tuple[Path, str],
                                                      tmp_path: Path) -> None:
    probed: list[Path] = []

    def tiny(path: Path) -> int:
        probed.append(path)
        return 5 * MiB

    dest = tmp_path / "models" / "model.gguf"
    with pytest.raises(NotEnoughDiskSpace, match="not enough free disk space for Test model") as err:
        download_file(server.url, dest, size=SIZE, sha256=served[1], label="Test model", free=tiny)
    assert isinstance(err.value, DiskFull)
    assert "only 5.2 MB is free" in str(err.value)
    assert probed == [dest.parent]
    assert server.requests == []


def _mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 16 MiB file system (tmpfs), so free space is what the kernel says."""
    where = tmp_path / "small-disk"
    _mount_tmpfs(where, "16m")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def disk_40m(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "disk-40m"
    _mount_tmpfs(where, "40m")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_small_real_disk_refuses_before_starting(server: RangeServer, served: tuple[Path, str],
                                                 small_disk: Path) -> None:
    dest = small_disk / "model.gguf"
    with pytest.raises(NotEnoughDiskSpace, match="free some space"):
        download_file(server.url, dest, size=SIZE, sha256=served[1], margin=0)
    assert server.requests == [] and list(small_disk.iterdir()) == []


def test_disk_filling_up_during_the_download_keeps_the_part(server: RangeServer, served: tuple[Path, str],
                                                            disk_40m: Path) -> None:
    src, sha = served
    dest = disk_40m / "model.gguf"
    server.rate = 8 * MiB
    filled = threading.Event()

    def fill_disk_once(p: Progress) -> None:
        # Another program takes the space after the check: the writes then fail for real.
        if not filled.is_set() and p.done >= 2 * MiB:
            filled.set()
            free = os.statvfs(disk_40m).f_bavail * os.statvfs(disk_40m).f_frsize
            with open(disk_40m / "other-program.bin", "wb") as fh:
                fh.write(b"\0" * (free - 64 * 1024))

    with pytest.raises(DiskFull, match="disk filled up while downloading"):
        download_file(server.url, dest, size=SIZE, sha256=sha, margin=0, on_progress=fill_disk_once)
    part = disk_40m / "model.gguf.part"
    assert part.exists() and not dest.exists()
    kept = part.stat().st_size
    assert part.read_bytes() == src.read_bytes()[:kept]
    # Space freed: the same call resumes and finishes.
    (disk_40m / "other-program.bin").unlink()
    server.rate = None
    download_file(server.url, dest, size=SIZE, sha256=sha, margin=0)
    assert same_bytes(dest, src)


def _download_in_thread(url: str, dest: Path, sha: str, cancel: threading.Event,
                        reports: list[Progress]) -> tuple[threading.Thread, dict[str, BaseException]]:
    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            download_file(url, dest, size=SIZE, sha256=sha, cancel=cancel, on_progress=reports.append)
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    return t, box


@pytest.mark.parametrize("rate", [4 * MiB, 1024])  # a slow transfer, and one that has all but stalled
def test_cancel_stops_within_a_second_and_keeps_the_part(server: RangeServer, served: tuple[Path, str],
                                                         tmp_path: Path, rate: int) -> None:
    src, sha = served
    dest = tmp_path / "model.gguf"
    server.rate = rate
    cancel = threading.Event()
    reports: list[Progress] = []
    t, box = _download_in_thread(server.url, dest, sha, cancel, reports)
    assert server.first_byte.wait(10)
    time.sleep(0.3)
    cancel.set()
    t0 = time.monotonic()
    t.join(5)
    assert not t.is_alive()
    assert time.monotonic() - t0 < 1.0
    assert isinstance(box.get("error"), Cancelled)
    part = tmp_path / "model.gguf.part"
    assert part.exists() and not dest.exists()
    kept = part.stat().st_size
    assert part.read_bytes() == src.read_bytes()[:kept]
    # A second click resumes.
    server.rate = None
    result = download_file(server.url, dest, size=SIZE, sha256=sha)
    assert same_bytes(dest, src) and result.resumed_from == kept
    assert server.requests[-1].range == (f"bytes={kept}-" if kept else None)


def test_an_already_downloaded_file_is_not_fetched_again(server: RangeServer, served: tuple[Path, str],
                                                         tmp_path: Path) -> None:
    dest = tmp_path / "model.gguf"
    download_file(server.url, dest, size=SIZE, sha256=served[1])
    n = len(server.requests)
    result = download_file(server.url, dest, size=SIZE, sha256=served[1])
    assert result.fetched == 0 and len(server.requests) == n


def test_only_https_or_loopback_http() -> None:
    check_url("https://huggingface.co/x/y/resolve/0123/model.gguf")
    check_url("http://127.0.0.1:8000/model.gguf")
    check_url("http://[::1]:8000/model.gguf")
    for bad in ("http://huggingface.co/model.gguf", "ftp://127.0.0.1/model.gguf", "file:///etc/passwd",
                "http://10.0.0.1/model.gguf"):
        with pytest.raises(DownloadError, match="only https"):
            check_url(bad)


def test_download_model_selects_it_like_models_use(server: RangeServer, served: tuple[Path, str],
                                                   tmp_path: Path) -> None:
    src, sha = served
    paths = Paths.at(tmp_path / "data")
    paths.ensure()
    settings = Settings.load(paths.config_file)
    entry = dataclasses.replace(catalog.find("qwen2.5-1.5b"), url=server.url, size=SIZE, sha256=sha)
    assert catalog.state(entry, paths.models_dir).downloaded is False
    result = download_model(entry, paths, settings)
    assert result.path == paths.models_dir / "qwen2.5-1.5b-instruct-q4_k_m.gguf"
    assert same_bytes(result.path, src)
    assert settings.model_path == str(result.path)
    assert Settings.load(paths.config_file).model_path == str(result.path)
    assert catalog.state(entry, paths.models_dir).downloaded is True
