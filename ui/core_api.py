"""Thin, Qt-free helpers the UI uses to call the core.

Widgets call these (through operations, off the UI thread) instead of reaching into core
modules themselves, so the places where the UI depends on a module's exact shape (model
discovery, the wizard's setup steps) are here and nowhere else.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secondme.app import SecondMe
from secondme.embed.lazy import LazyEmbedder
from secondme.ingest.registry import FORMATS

log = logging.getLogger("secondme.ui.core_api")

PROFILE_NOT_BUILT = "Your profile has not been built yet"

# What the Search page offers as type filters: core format names with readable labels.
FILE_TYPES: tuple[tuple[str, str], ...] = tuple((f.name, f.label) for f in FORMATS)

DATE_RANGES: tuple[tuple[str, float | None], ...] = (
    ("Any time", None), ("Last 7 days", 7.0), ("Last 30 days", 30.0), ("Last year", 365.0),
)


def fill(ctx: SecondMe, label: str, confirm_sensitive: bool = False) -> object | None:
    """The profile value for a form label, or None when the profile has no such field.

    A sensitive field comes back with status ``needs_confirmation`` and no value unless
    ``confirm_sensitive`` (the person confirmed they want it revealed)."""
    result: object | None = ctx.profile.fill(label, confirm_sensitive)
    return result


def needs_confirmation(result: object) -> bool:
    """Whether a fill result withholds a sensitive value until the person confirms."""
    return getattr(result, "status", "ok") == "needs_confirmation"


@dataclass(frozen=True)
class FillResult:
    """A profile value shaped for display: the value, where it came from, and its sensitivity."""

    value: str
    sources: tuple[str, ...] = ()
    sensitive: bool = False
    field_name: str = ""


def describe_fill(result: object) -> FillResult:
    """Whatever ``ctx.profile.fill`` returned, as text the quick recall box can show and copy."""
    value = getattr(result, "value", result)
    sources = getattr(result, "sources", ()) or ()
    return FillResult(
        value="" if value is None else str(value),
        sources=tuple(str(s) for s in sources),
        sensitive=bool(getattr(result, "sensitive", False)),
        field_name=str(getattr(result, "field", "") or getattr(result, "name", "") or ""),
    )


@dataclass(frozen=True)
class ModelChoice:
    """A model the Settings page and the wizard can offer."""

    path: str  # "" means the default model
    label: str
    detail: str = ""
    fits_in_ram: bool = True


def default_model_choice(ctx: SecondMe) -> ModelChoice:
    """The out-of-the-box model: always offered first, ready without a download."""
    from secondme.llm import default_model

    return ModelChoice("", "SmolLM2 135M Instruct (default, ready)",
                       f"{default_model.installed_path(ctx.paths.models_dir)}")


def discover_models(ctx: SecondMe) -> list[ModelChoice]:
    """GGUF files the person already has (LM Studio, Ollama, GPT4All, caches), default first.

    Reads file headers only, but walks several folders: call it off the UI thread.
    """
    choices = [default_model_choice(ctx)]
    try:
        found = ctx.models.discover()
    except OSError as exc:
        log.warning("model discovery failed: %s", exc)
        return choices
    for m in found:
        if getattr(m, "source", "") == "default" or Path(m.path).name.startswith("SmolLM2-135M"):
            continue
        summary: dict[str, Any] = m.gguf.summary() if hasattr(m, "gguf") else {}
        bits = [str(summary.get(k)) for k in ("size_label", "quantization") if summary.get(k)]
        if summary.get("context_length"):
            bits.append(f"{summary['context_length']} ctx")
        bits.append(f"from {m.source}")
        fits = bool(getattr(m, "fits_in_ram", True))
        if not fits:
            bits.append("too big for free RAM")
        choices.append(ModelChoice(str(m.path), str(m.name), ", ".join(bits), fits))
    return choices


def date_filter_since(days: float | None, now: float | None = None) -> float | None:
    """Epoch seconds for "the last N days", or None for any time."""
    if days is None:
        return None
    return (now if now is not None else time.time()) - days * 86400.0


@dataclass
class SetupChoices:
    """What the first-run wizard collected; :func:`apply_setup` turns it into core calls."""

    folders: list[str] = field(default_factory=list)
    model_path: str = ""  # "" = the default model
    passphrase: str | None = None  # None = protect the key with the system keyring


def apply_setup(ctx: SecondMe, choices: SetupChoices) -> None:
    """Create the vault, remember the model, and add the folders (runs off the UI thread).

    Safe to repeat after a failure part-way (the vault is only created once).
    """
    if not ctx.initialized:
        ctx.init(choices.passphrase)
    elif not ctx.unlocked:
        ctx.unlock(choices.passphrase)
    ctx.settings.model_path = choices.model_path
    ctx.save_settings()
    for folder in choices.folders:
        ctx.notes.add_folder(folder)


def vault_method(ctx: SecondMe) -> str | None:
    """"keyring", "passphrase", or None before the first run."""
    return ctx.keys.protection()


def start_background(ctx: SecondMe) -> None:
    """After unlock: watch the note folders (the core reconciles and indexes what changed)."""
    ctx.notes.start_watching()
    # The nightly pipeline (consolidate → decay → profile) with catch-up of missed nights.
    ctx.jobs.start()
    # Load the embedder now rather than inside the person's first search (it takes a second);
    # an embedder given ready-made (tests) has nothing to load.
    if isinstance(ctx.embedder, LazyEmbedder):
        ctx.embedder.get()
    settle_heap()


def settle_heap() -> None:
    """Exempt everything that exists once the app is up (modules, Qt wrappers, models) from
    Python's full garbage collections. Each full collection walks every tracked object while
    holding the GIL; with the app's heap that took 90-120 ms, and every one of those was a
    frozen window (measured under load: the only UI stalls over 100 ms). Once per process: what
    start-up made lives as long as the app, while a later unlock's leftovers (a closed
    session's objects) must stay collectable."""
    if gc.get_freeze_count() == 0:
        gc.freeze()


def _stop_then(ctx: SecondMe, final: Any) -> None:
    try:
        if ctx.unlocked:
            ctx.notes.stop_watching()
    finally:
        final()


def shutdown(ctx: SecondMe) -> None:
    """Stop the watcher, then close the context (seals indexes, closes the store)."""
    _stop_then(ctx, ctx.close)


def lock(ctx: SecondMe) -> None:
    """Stop watching and lock: the data key leaves memory until the next unlock."""
    _stop_then(ctx, ctx.lock)
