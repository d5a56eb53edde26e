"""``ctx.models``: the local chat model (which one, switching, finding GGUF files) and answering
questions from memory with it."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secondme.errors import DiskFull, ModelMissing
from secondme.results import Answer

if TYPE_CHECKING:
    from secondme.app import SecondMe
    from secondme.llm.discovery import ModelInfo
    from secondme.llm.gguf import GGUFInfo

log = logging.getLogger("secondme.services.models")

# Below this cosine similarity a hit is not evidence for an answer (MiniLM: unrelated text
# scores ~0.0–0.2, related text 0.35+).
ASK_MIN_RELEVANCE = 0.3


class ModelsService:
    """The chat model: made on first use from the factory SecondMe was built with (the model
    file itself loads lazily), switched, found on disk; and :meth:`ask`, which answers from
    memory with numbered citations."""

    def __init__(self, core: SecondMe, factory: Callable[[], Any] | None) -> None:
        """Over ``core``; ``factory`` makes the chat model on first use (None: no model)."""
        self._core = core
        self._factory = factory
        self._model: Any = None
        self._lock = threading.RLock()
        self._conversation: str | None = None

    @property
    def configured(self) -> bool:
        """True when this context can make a chat model at all."""
        return self._factory is not None

    @property
    def chat_model(self) -> Any:
        """The ChatModel (created on first use; the model file itself loads lazily)."""
        with self._lock:
            if self._model is None:
                if self._factory is None:
                    raise ModelMissing("no chat model is configured")
                self._model = self._factory()
            return self._model

    def switch(self, path: str) -> None:
        """Use the GGUF file at ``path`` from now on (and remember it in the settings)."""
        self.chat_model.switch_model(path)
        self._core.settings.model_path = str(path)
        self._core.save_settings()

    def close(self) -> None:
        """Unload the model (on the context's close)."""
        with self._lock:
            model, self._model = self._model, None
        if model is not None:
            model.close()

    def discover(self, extra: Iterable[Path] = (), *, default_model: Path | None = None,
                 include_system: bool = False, n_ctx: int | None = None,
                 home: Path | None = None) -> list[ModelInfo]:
        """GGUF files on this computer (LM Studio, Ollama, GPT4All, caches, the models folder).

        Reads file headers only, but walks several folders: call it off the UI thread."""
        from secondme.llm.discovery import discover

        return discover(home if home is not None else Path.home(),
                        models_dir=self._core.paths.models_dir, extra=extra,
                        default_model=default_model, include_system=include_system, n_ctx=n_ctx)

    @staticmethod
    def read(path: Path) -> GGUFInfo:
        """The header of one GGUF file (name, size, quantization, chat template)."""
        from secondme.llm.gguf import read_gguf

        return read_gguf(path)

    def ask(self, question: str, *, on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None, k: int = 6,
            conversation: str | None = None, when: float | None = None,
            remember: bool = True) -> Answer:
        """Answer from memory with numbered citations; abstain when nothing relevant is found.

        The question and the answer are remembered as messages of ``conversation`` (by default
        one conversation per context) unless ``remember`` is False; only the memories the answer
        cites are reinforced. ``when`` is the question's own date (time phrases resolve
        against it; default now)."""
        from secondme import answer as ans
        from secondme.guesses import answer_terms
        from secondme.memory.engine import close_enough, usable_for_answer
        from secondme.span_fields import written_as

        engine = self._core.memory.engine()
        model = self.chat_model
        # A model that writes answers also guesses the answer's words, which recall searches
        # for beside the question's own (list questions share few words with their answers).
        guesses = answer_terms(model, question, cancel) if ans.writes_answers(model) else ""
        found = engine.evidence(question, k=k + 4, when=when, expansion=guesses, answering=True)
        # Each hit's text was opened once, by the recall that found it: quoted from there.
        usable = [e for e in usable_for_answer(found, question)
                  if close_enough(e, question, ASK_MIN_RELEVANCE, written=written_as)][:k]
        hits = [e.hit for e in usable]
        texts = [ans.hit_text(e.hit, e.text) for e in usable]
        result = ans.answer(question, hits, model, texts, on_token=on_token, cancel=cancel,
                            now=when, knows=engine.knows, asked=[e.asked for e in usable])
        if not remember:
            return result
        try:
            engine.reinforce([h.id for h in result.citations if h.kind != "chunk"])
            engine.remember_exchange(question, result, conversation or self._conversation_id())
        except DiskFull as exc:
            # The person still gets the answer they waited for; only remembering it failed.
            log.warning("answer given but not remembered: %s", exc)
        return result

    def _conversation_id(self) -> str:
        if self._conversation is None:
            self._conversation = f"ask:{uuid.uuid4().hex[:12]}"
        return self._conversation
