"""The prompt side of the chat model: messages, completions, and fitting a prompt into the
context window (shortening messages, dropping or cutting retrieved chunks)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from llama_cpp import Llama

# The runtime's logger: prompt fitting is part of what the runtime reports.
log = logging.getLogger("secondme.llm.runtime")

Message = dict[str, str]

# Room kept free for the answer when a prompt has to be shortened to fit.
_MIN_ANSWER_TOKENS = 16
# A retrieved chunk is cut to fit only if at least this much of it survives.
_MIN_CHUNK_TOKENS = 32
CONTEXT_HEADER = "Context:"
_ELLIPSIS = " … "


class CancelToken(Protocol):
    """Anything with ``is_set()``; ``threading.Event`` is one."""

    def is_set(self) -> bool:
        """True once the caller wants generation to stop."""


@dataclass
class Completion:
    """The result of one generation."""

    text: str
    finish_reason: str  # "stop" | "length" | "cancelled"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_seconds: float | None = None
    total_seconds: float = 0.0

    @property
    def cancelled(self) -> bool:
        """Whether generation was stopped by a cancel token rather than by the model or the length limit."""
        return self.finish_reason == "cancelled"


@dataclass
class FittedPrompt:
    """System prompt, retrieved context and question trimmed so the prompt fits ``n_ctx``."""

    system: str
    context: list[str]
    question: str
    prompt_tokens: int = 0
    dropped_chunks: int = 0
    truncated_chunks: int = 0
    question_truncated: bool = False
    notes: list[str] = field(default_factory=list)

    def messages(self) -> list[Message]:
        """The chat messages to send: the fitted context goes in the system message."""
        return build_messages(self.system, self.context, self.question)


def build_messages(system: str, context: Sequence[str], question: str) -> list[Message]:
    """The message layout ``fit_context`` measures: context goes in the system message."""
    sys_text = system
    if context:
        sys_text = f"{system}\n\n{CONTEXT_HEADER}\n" + "\n\n".join(context)
    msgs: list[Message] = []
    if sys_text:
        msgs.append({"role": "system", "content": sys_text})
    msgs.append({"role": "user", "content": question})
    return msgs


class PromptFitting:
    """Fitting a prompt into ``n_ctx``, mixed into :class:`~secondme.llm.runtime.ChatModel`; runs on
    its worker thread, with the model, tokenizer and template that class provides."""

    @property
    def n_ctx(self) -> int:
        """The context size in tokens; provided by the class this is mixed into."""
        raise NotImplementedError

    def _ensure_loaded(self) -> Llama:
        raise NotImplementedError

    def _tokenize(self, text: str) -> list[int]:
        raise NotImplementedError

    def _prompt_tokens(self, messages: list[Message]) -> int:
        raise NotImplementedError

    def _shorten(self, text: str, keep_tokens: int) -> str:
        """Cut ``text`` to about ``keep_tokens`` tokens, keeping its start and its end."""
        llm = self._ensure_loaded()
        toks = self._tokenize(text)
        if len(toks) <= keep_tokens:
            return text
        keep = max(keep_tokens, 2)
        head, tail = toks[: keep // 2], toks[len(toks) - (keep - keep // 2) :]
        dec = llm.detokenize
        return (dec(head).decode("utf-8", "ignore") + _ELLIPSIS
                + dec(tail).decode("utf-8", "ignore"))

    def _cut_head(self, text: str, keep_tokens: int) -> str:
        llm = self._ensure_loaded()
        toks = self._tokenize(text)
        if len(toks) <= keep_tokens:
            return text
        return llm.detokenize(toks[:keep_tokens]).decode("utf-8", "ignore") + " …"

    def _fit_messages(
        self, messages: list[Message], max_tokens: int
    ) -> tuple[list[Message], int]:
        """Shorten the longest message until the prompt leaves room for an answer.

        Returns the messages and their prompt token count.
        """
        limit = self.n_ctx - min(max(max_tokens, 1), _MIN_ANSWER_TOKENS)
        used = 0
        for _ in range(8):
            used = self._prompt_tokens(messages)
            if used <= limit:
                return messages, used
            longest = max(range(len(messages)), key=lambda i: len(messages[i].get("content", "")))
            content = messages[longest].get("content", "")
            n = len(self._tokenize(content))
            keep = max(1, n - (used - limit) - 8)
            log.warning("prompt of %d tokens exceeds the context of %d; shortening it",
                        used, self.n_ctx)
            messages = list(messages)
            messages[longest] = {**messages[longest], "content": self._shorten(content, keep)}
        return messages, used

    def _fit(
        self, system: str, chunks: list[str], question: str, reserve: int
    ) -> FittedPrompt:
        reserve = max(0, min(reserve, self.n_ctx // 2))
        budget = self.n_ctx - reserve
        fp = FittedPrompt(system=system, context=[], question=question)
        used = self._prompt_tokens(fp.messages())
        if used > budget:
            # The question (or system prompt) alone is too long: shorten the longer of them.
            over = used - budget
            q_len = len(self._tokenize(fp.question))
            s_len = len(self._tokenize(fp.system))
            if q_len >= s_len:
                fp.question = self._shorten(fp.question, max(1, q_len - over - 8))
                fp.question_truncated = True
            else:
                fp.system = self._shorten(fp.system, max(1, s_len - over - 8))
                fp.notes.append("system prompt shortened")
            used = self._prompt_tokens(fp.messages())
        for chunk in chunks:
            trial = self._prompt_tokens(build_messages(fp.system, [*fp.context, chunk], fp.question))
            if trial <= budget:
                fp.context.append(chunk)
                used = trial
                continue
            room = budget - used - 8
            if room >= _MIN_CHUNK_TOKENS:
                for keep in (room, room * 3 // 4, room // 2):
                    cut = self._cut_head(chunk, keep)
                    trial = self._prompt_tokens(
                        build_messages(fp.system, [*fp.context, cut], fp.question)
                    )
                    if trial <= budget:
                        fp.context.append(cut)
                        fp.truncated_chunks += 1
                        used = trial
                        break
            fp.dropped_chunks = len(chunks) - len(fp.context)
            break
        fp.prompt_tokens = used
        return fp
