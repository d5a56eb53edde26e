"""The chat model: llama.cpp in-process behind exactly one inference worker thread.

Every model operation (load, generate, tokenize, unload) runs on the worker, so the llama.cpp
context is never touched by two threads and callers may call from any thread. The model is
loaded on first use and unloaded after ``idle_unload_seconds`` without work, so an idle app
holds no model in memory.

Cancellation: ``generate`` returns the partial text with ``finish_reason == "cancelled"``
(the words already streamed to the person stay meaningful); ``generate_json`` raises
``Cancelled`` because half a JSON document is useless. Cancel is checked between tokens, so it
takes effect within one token; a prompt that is still being read is finished first.
"""

from __future__ import annotations

import gc
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jsonschema

from secondme.errors import Cancelled, Closed, ModelInvalid, UserError
from secondme.llm.backend import _import_llama_cpp, default_threads, gpu_offload_supported, parse_gpu_layers
from secondme.llm.gguf import GGUFInfo, read_gguf
from secondme.llm.loops import loop_start, trim_loop
from secondme.llm.prompt import (
    CancelToken,
    Completion,
    FittedPrompt,
    Message,
    PromptFitting,
)

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger("secondme.llm.runtime")

T = TypeVar("T")

REPEAT_PENALTY = 1.1
LOOP_CHECK_EVERY = 8  # streamed pieces between two loop checks


class MalformedOutput(UserError):
    """The model's structured output did not match the schema, even after one retry."""


_STOP = object()


class ChatModel(PromptFitting):
    """A GGUF chat model served by one worker thread; safe to call from any thread.

    ``on_token`` callbacks run on the worker thread: UI code must hand tokens to its own
    thread. Use ``close()`` (or a ``with`` block) to stop the worker and free the model.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 0,
        gpu_layers: str | int = "auto",
        idle_unload_seconds: float = 600.0,
    ) -> None:
        """Check the GGUF file and start the worker; the model is loaded on first use and unloaded after
        ``idle_unload_seconds`` unused. ``n_threads`` 0: a default for this machine."""
        self._requested_ctx = max(256, int(n_ctx))
        self._n_threads = int(n_threads) if int(n_threads) > 0 else default_threads()
        self._gpu_setting = parse_gpu_layers(gpu_layers)
        self._idle = float(idle_unload_seconds)
        self._path, self._info = self._check(model_path)
        self._llm: Llama | None = None
        self._formatter: Any = None
        self._gpu_layers_used = 0
        self._last_used = time.monotonic()
        self._load_count = 0
        self._queue: queue.Queue[Any] = queue.Queue()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="secondme-llm", daemon=True)
        self._worker.start()

    # ----- properties -------------------------------------------------------------------------

    @property
    def model_path(self) -> Path:
        """The model file (``~`` expanded)."""
        return self._path

    @property
    def info(self) -> GGUFInfo:
        """What the model file's GGUF header says."""
        return self._info

    @property
    def n_ctx(self) -> int:
        """Context actually used: the setting, capped at what the model was trained for."""
        trained = self._info.context_length
        return min(self._requested_ctx, trained) if trained else self._requested_ctx

    @property
    def n_threads(self) -> int:
        """CPU threads llama.cpp uses."""
        return self._n_threads

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory now (it is loaded on demand and unloaded when idle)."""
        return self._llm is not None

    @property
    def load_count(self) -> int:
        """How many times the model was loaded (reloads after idle unload included)."""
        return self._load_count

    @property
    def gpu_layers_used(self) -> int:
        """Layers offloaded at the last load (-1 = all, 0 = CPU only)."""
        return self._gpu_layers_used

    def llama_kwargs(self) -> dict[str, Any]:
        """The ``llama_cpp.Llama`` arguments a load uses (without GPU layers); for benchmarks."""
        kw: dict[str, Any] = {
            "model_path": str(self._path),
            "n_ctx": self.n_ctx,
            "n_threads": self._n_threads,
            "n_threads_batch": self._n_threads,
            "verbose": False,
        }
        if self._info.has_chat_template:
            # Name the GGUF's own template explicitly, so llama-cpp-python never substitutes a
            # built-in format it guessed from a similar-looking template.
            kw["chat_format"] = "chat_template.default"
        return kw

    # ----- public API -------------------------------------------------------------------------

    def submit(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        on_token: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Future[Completion]:
        """Queue a generation and return at once; the Future resolves to a ``Completion``."""
        msgs = [dict(m) for m in messages]
        return self._submit(lambda: self._generate(msgs, max_tokens, temperature, on_token, cancel))

    def generate(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        on_token: Callable[[str], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> Completion:
        """Generate a reply (blocking). Tokens stream in order through ``on_token``."""
        msgs = [dict(m) for m in messages]
        return self._call(lambda: self._generate(msgs, max_tokens, temperature, on_token, cancel))

    def generate_json(
        self,
        messages: Sequence[Message],
        schema: dict[str, Any],
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        cancel: CancelToken | None = None,
    ) -> Any:
        """Generate JSON constrained by ``schema``; return it parsed and validated.

        Output is grammar-constrained, then checked with jsonschema. A failure is retried once
        (with more room and a little sampling); a second failure raises ``MalformedOutput``.
        """
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        msgs = [dict(m) for m in messages]
        problem = ""
        for attempt in range(2):
            tokens = max_tokens if attempt == 0 else max_tokens * 2
            temp = temperature if attempt == 0 else max(temperature, 0.3)
            comp = self._call(
                partial(self._generate, msgs, tokens, temp, None, cancel, schema=schema)
            )
            if comp.cancelled:
                raise Cancelled("structured generation was cancelled")
            try:
                value = json.loads(comp.text)
            except ValueError as exc:
                problem = f"not JSON ({exc.__class__.__name__}, finish: {comp.finish_reason})"
            else:
                errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
                if not errors:
                    return value
                # Name the rule and place, not the value: it may quote the person's notes.
                where = "/".join(str(x) for x in errors[0].path) or "top level"
                problem = f"schema mismatch at {where}: {errors[0].validator}"
            log.info("structured output attempt %d failed: %s", attempt + 1, problem)
        raise MalformedOutput(
            f"the model did not produce valid structured output ({problem}); "
            "a larger model may do better"
        )

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` under this model's tokenizer."""
        return self._call(lambda: len(self._tokenize(text)))

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens of the full prompt the chat template makes of ``messages``."""
        msgs = [dict(m) for m in messages]
        return self._call(lambda: self._prompt_tokens(msgs))

    def render_prompt(self, messages: Sequence[Message]) -> str:
        """The prompt text the GGUF's chat template makes of ``messages`` (for inspection)."""
        msgs = [dict(m) for m in messages]

        def render() -> str:
            self._ensure_loaded()
            if self._formatter is None:
                return "\n".join(f"{m['role']}: {m.get('content', '')}" for m in msgs)
            return str(self._formatter(messages=msgs).prompt)

        return self._call(render)

    def fit_context(
        self,
        system: str,
        context_chunks: Sequence[str],
        question: str,
        reserve_tokens: int = 512,
    ) -> FittedPrompt:
        """Keep as many retrieved chunks (in the given order) as fit with the question.

        The prompt of ``FittedPrompt.messages()`` plus ``reserve_tokens`` for the answer stays
        within ``n_ctx``. Chunks that do not fit are dropped (the first of them is cut down if
        enough of it fits); a question too long on its own is shortened in the middle.
        """
        chunks = list(context_chunks)
        return self._call(lambda: self._fit(system, chunks, question, reserve_tokens))

    def load(self) -> None:
        """Load now rather than on first use (e.g. to warm up while the person types)."""
        self._call(self._ensure_loaded)

    def unload(self) -> None:
        """Free the model now; the next call loads it again."""
        self._call(self._unload)

    def switch_model(self, path: str | Path) -> None:
        """Use another GGUF from the next call on (after queued work finishes)."""
        new_path, new_info = self._check(path)

        def swap() -> None:
            self._unload()
            self._path, self._info = new_path, new_info

        self._call(swap)

    def close(self) -> None:
        """Finish queued work, free the model and stop the worker."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        if threading.current_thread() is not self._worker:
            self._worker.join()

    def __enter__(self) -> ChatModel:
        """The model itself; :meth:`close` runs on leaving the block."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the model: finish queued work, free it and stop the worker."""
        self.close()

    # ----- worker -----------------------------------------------------------------------------

    @staticmethod
    def _check(path: str | Path) -> tuple[Path, GGUFInfo]:
        p = Path(path).expanduser()
        info = read_gguf(p)  # with the tensor directory, so truncated files are caught here
        return p, info

    def _submit(self, fn: Callable[[], T]) -> Future[T]:
        if self._closed:
            raise Closed("ChatModel is closed")
        fut: Future[T] = Future()
        self._queue.put((fut, fn))
        return fut

    def _call(self, fn: Callable[[], T]) -> T:
        # A callback running on the worker (on_token) must not wait on its own queue.
        if threading.current_thread() is self._worker:
            return fn()
        return self._submit(fn).result()

    def _run(self) -> None:
        while True:
            timeout: float | None = None
            if self._llm is not None and self._idle > 0:
                timeout = max(0.0, self._last_used + self._idle - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                log.info("model idle for %.0f s; unloading it", self._idle)
                self._unload()
                continue
            if item is _STOP:
                break
            fut, fn = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who decides
                fut.set_exception(exc)
            else:
                fut.set_result(result)
            finally:
                self._last_used = time.monotonic()
        self._unload()

    def _gpu_attempts(self) -> list[int]:
        if self._gpu_setting is not None:
            return [self._gpu_setting] if self._gpu_setting == 0 else [self._gpu_setting, 0]
        if not gpu_offload_supported():
            return [0]
        # All layers first; if VRAM is short, half, a quarter, then the CPU.
        layers = self._info.block_count or 32
        return list(dict.fromkeys([-1, layers // 2, layers // 4, 0]))

    def _ensure_loaded(self) -> Llama:
        if self._llm is not None:
            return self._llm
        Llama = _import_llama_cpp().Llama

        # The header may have changed on disk since construction; re-check before loading.
        self._path, self._info = self._check(self._path)
        kwargs = self.llama_kwargs()
        last: Exception | None = None
        t0 = time.monotonic()
        for layers in self._gpu_attempts():
            try:
                llm = Llama(n_gpu_layers=layers, **kwargs)
            except (ValueError, RuntimeError, OSError) as exc:
                last = exc
                log.warning("loading with %d GPU layers failed (%s)", layers, exc)
                continue
            self._llm = llm
            self._gpu_layers_used = layers
            self._formatter = self._make_formatter(llm)
            self._load_count += 1
            log.info("loaded %s in %.2f s (gpu layers %d, ctx %d, threads %d)",
                     self._path.name, time.monotonic() - t0, layers, self.n_ctx, self._n_threads)
            return llm
        raise ModelInvalid(f"llama.cpp could not load {self._path} ({last})")

    @staticmethod
    def _make_formatter(llm: Llama) -> Any:
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            return None
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def text_of(tok: int) -> str:
            return llm._model.token_get_text(tok) if tok != -1 else ""

        return Jinja2ChatFormatter(
            template=template,
            eos_token=text_of(llm.token_eos()),
            bos_token=text_of(llm.token_bos()),
            stop_token_ids=[llm.token_eos()],
        )

    def _unload(self) -> None:
        llm, self._llm, self._formatter = self._llm, None, None
        if llm is not None:
            llm.close()
            del llm
            gc.collect()
            log.info("model unloaded")

    # ----- work done on the worker ------------------------------------------------------------

    def _tokenize(self, text: str) -> list[int]:
        llm = self._ensure_loaded()
        return list(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _prompt_tokens(self, messages: list[Message]) -> int:
        llm = self._ensure_loaded()
        if self._formatter is None:
            # No template in the file: llama-cpp-python falls back to a generic format whose
            # framing costs a few tokens per message.
            return sum(len(self._tokenize(m.get("content", ""))) + 8 for m in messages) + 2
        res = self._formatter(messages=messages)
        toks = llm.tokenize(res.prompt.encode("utf-8"), add_bos=not res.added_special, special=True)
        return len(toks)

    def _generate(
        self,
        messages: list[Message],
        max_tokens: int,
        temperature: float,
        on_token: Callable[[str], None] | None,
        cancel: CancelToken | None,
        schema: dict[str, Any] | None = None,
    ) -> Completion:
        t0 = time.monotonic()
        if cancel is not None and cancel.is_set():
            return Completion("", "cancelled")
        llm = self._ensure_loaded()
        messages, prompt_tokens = self._fit_messages(messages, max_tokens)
        extra = _sampling_options(schema)
        # Typed loosely: llama-cpp-python's return type is a union of stream and non-stream.
        stream: Any = llm.create_chat_completion(
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=temperature,
            stream=True,
            **extra,
        )
        parts: list[str] = []
        finish = "stop"
        first: float | None = None
        try:
            for chunk in stream:
                choice = chunk["choices"][0]
                piece = choice["delta"].get("content")
                if piece:
                    if first is None:
                        first = time.monotonic() - t0
                    parts.append(piece)
                    if on_token is not None:
                        on_token(piece)
                    if schema is None and len(parts) % LOOP_CHECK_EVERY == 0:
                        so_far = "".join(parts)
                        if loop_start(so_far) is not None:
                            parts = [trim_loop(so_far)]
                            finish = "loop"
                            break
                reason = choice.get("finish_reason")
                if reason:
                    finish = str(reason)
                if cancel is not None and cancel.is_set():
                    finish = "cancelled"
                    break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        text = "".join(parts)
        if schema is None and finish != "loop" and loop_start(text) is not None:
            text, finish = trim_loop(text), "loop"
        log.debug("generated %d chunks (%s): %r", len(parts), finish, text)
        return Completion(
            text=text,
            finish_reason=finish,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(parts),
            first_token_seconds=first,
            total_seconds=time.monotonic() - t0,
        )

def _sampling_options(schema: dict[str, Any] | None) -> dict[str, Any]:
    """Extra arguments of a completion: the JSON schema it must follow, or for free text a mild
    repeat penalty (JSON is left alone: its keys and punctuation repeat by design)."""
    if schema is not None:
        return {"response_format": {"type": "json_object", "schema": schema}}
    return {"repeat_penalty": REPEAT_PENALTY}
