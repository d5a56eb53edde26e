"""ChatModel against the real default model (SmolLM2-135M-Instruct), loaded once per module."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from secondme.errors import Cancelled, ModelInvalid
from secondme.llm import default_model
from secondme.llm.backend import default_threads, gpu_offload_supported, parse_gpu_layers
from secondme.llm.prompt import Completion, build_messages
from secondme.llm.runtime import ChatModel, MalformedOutput

N_CTX = 2048


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return default_model.ensure_default_model(tmp_path_factory.mktemp("models"))


# One thread: test machines run other suites in parallel, and llama.cpp's thread barriers
# slow down many-fold when a core is taken away mid-token.
THREADS = 1


@pytest.fixture(scope="module")
def model(model_path: Path) -> Iterator[ChatModel]:
    m = ChatModel(model_path, n_ctx=N_CTX, n_threads=THREADS, gpu_layers="auto",
                  idle_unload_seconds=600)
    yield m
    m.close()


@pytest.fixture(scope="module")
def small(model_path: Path) -> Iterator[ChatModel]:
    """A short context, so filling it stays fast."""
    m = ChatModel(model_path, n_ctx=512, n_threads=THREADS)
    yield m
    m.close()


def ask(model: ChatModel, question: str, **kw: object) -> Completion:
    return model.generate([{"role": "user", "content": question}], **kw)  # type: ignore[arg-type]


def test_answers_a_simple_question(model: ChatModel) -> None:
    comp = ask(model, "Which city is the capital of France?", max_tokens=40)
    assert "Paris" in comp.text
    assert comp.finish_reason in ("stop", "length")
    assert comp.prompt_tokens > 0 and comp.completion_tokens > 0
    assert model.loaded


def test_greedy_is_deterministic(model: ChatModel) -> None:
    a = ask(model, "Name a colour.", max_tokens=12).text
    b = ask(model, "Name a colour.", max_tokens=12).text
    assert a == b


def test_uses_the_gguf_chat_template(model: ChatModel) -> None:
    assert model.llama_kwargs()["chat_format"] == "chat_template.default"
    prompt = model.render_prompt([{"role": "user", "content": "Hi"}])
    # SmolLM2's own template adds its default system prompt and ChatML framing.
    assert "You are a helpful AI assistant named SmolLM" in prompt
    assert prompt.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")


def test_streaming_delivers_tokens_in_order(model: ChatModel) -> None:
    pieces: list[str] = []
    comp = ask(model, "Count from one to ten in words.", max_tokens=60,
               on_token=pieces.append)
    assert len(pieces) > 5
    assert "".join(pieces) == comp.text
    assert comp.completion_tokens == len(pieces)
    assert comp.first_token_seconds is not None
    assert comp.first_token_seconds <= comp.total_seconds


def test_cancel_stops_a_long_generation_quickly(model: ChatModel) -> None:
    cancel = threading.Event()
    started = threading.Event()
    pieces: list[str] = []

    def on_token(piece: str) -> None:
        pieces.append(piece)
        if len(pieces) >= 5:
            started.set()

    fut = model.submit(
        [{"role": "user", "content": "Write a very long story about a dragon and a knight."}],
        max_tokens=1500, temperature=0.8, on_token=on_token, cancel=cancel,
    )
    assert started.wait(30)
    t0 = time.monotonic()
    cancel.set()
    comp = fut.result(timeout=5)
    elapsed = time.monotonic() - t0
    assert elapsed < 0.5
    assert comp.cancelled and comp.finish_reason == "cancelled"
    assert comp.text == "".join(pieces) and comp.text
    # The worker is free again afterwards.
    assert "Paris" in ask(model, "Which city is the capital of France?", max_tokens=30).text


def test_cancel_before_start_returns_nothing(model: ChatModel) -> None:
    cancel = threading.Event()
    cancel.set()
    comp = ask(model, "Hello", max_tokens=20, cancel=cancel)
    assert comp.cancelled and comp.text == ""


def test_generate_json_follows_the_schema(model: ChatModel) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "city": {"type": "string"}},
        "required": ["name", "city"],
        "additionalProperties": False,
    }
    value = model.generate_json(
        [{"role": "user", "content": "Extract the person's name and city as JSON: "
          "Alice lives in Berlin."}],
        schema,
        max_tokens=80,
    )
    assert isinstance(value, dict) and set(value) == {"name", "city"}
    assert all(isinstance(v, str) for v in value.values())


def test_generate_json_gives_up_cleanly(model: ChatModel) -> None:
    schema = {
        "type": "object",
        "properties": {"a_rather_long_property_name": {"type": "string"}},
        "required": ["a_rather_long_property_name"],
    }
    # Two and then four tokens cannot hold the object: both attempts fail, nothing half-used.
    with pytest.raises(MalformedOutput, match="structured output"):
        model.generate_json([{"role": "user", "content": "Give JSON."}], schema, max_tokens=2)


def test_generate_json_cancelled_raises(model: ChatModel) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        model.generate_json([{"role": "user", "content": "Give JSON."}], {"type": "object"},
                            cancel=cancel)


def test_concurrent_callers_are_served_one_at_a_time(model: ChatModel) -> None:
    results: list[str] = []
    lock = threading.Lock()

    def worker(q: str) -> None:
        text = ask(model, q, max_tokens=10).text
        with lock:
            results.append(text)

    threads = [threading.Thread(target=worker, args=(f"Say the number {i}.",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 3 and all(results)


def test_token_counting(model: ChatModel) -> None:
    n = model.count_tokens("The quick brown fox jumps over the lazy dog.")
    assert 5 <= n <= 15
    msgs = [{"role": "user", "content": "Hi"}]
    assert model.count_prompt_tokens(msgs) > model.count_tokens("Hi")


def test_fit_context_trims_a_huge_context(small: ChatModel) -> None:
    model = small
    chunks = [f"Note {i}: " + "the weather was mild and the garden needed water. " * 30
              for i in range(200)]
    reserve = 128
    fp = model.fit_context("Answer from the context.", chunks, "What did the garden need?",
                           reserve_tokens=reserve)
    assert 0 < len(fp.context) < len(chunks)
    assert fp.dropped_chunks == len(chunks) - len(fp.context)
    assert fp.context[: len(fp.context) - fp.truncated_chunks] == chunks[: len(fp.context)
                                                                         - fp.truncated_chunks]
    measured = model.count_prompt_tokens(fp.messages())
    assert measured == fp.prompt_tokens
    assert measured + reserve <= model.n_ctx
    assert measured > model.n_ctx // 2  # the space is actually used
    comp = model.generate(fp.messages(), max_tokens=20)
    assert comp.text


def test_fit_context_truncates_an_overlong_question(small: ChatModel) -> None:
    model = small
    question = "Why is the sky blue? " + "Please explain in detail. " * 2000
    fp = model.fit_context("Be brief.", ["chunk one", "chunk two"], question,
                           reserve_tokens=128)
    assert fp.question_truncated
    assert model.count_prompt_tokens(fp.messages()) + 128 <= model.n_ctx
    assert fp.question.startswith("Why is the sky blue?")


def test_overlong_messages_do_not_crash_generate(small: ChatModel) -> None:
    huge = "word " * 20000
    comp = ask(small, huge + "\nSummarise this.", max_tokens=8)
    assert comp.finish_reason in ("stop", "length")


def test_build_messages_layout() -> None:
    msgs = build_messages("sys", ["a", "b"], "q")
    assert msgs[0]["role"] == "system" and "a\n\nb" in msgs[0]["content"]
    assert msgs[-1] == {"role": "user", "content": "q"}


def test_refuses_non_gguf_and_truncated(tmp_path: Path, model_path: Path) -> None:
    bad = tmp_path / "fake.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelInvalid):
        ChatModel(bad)
    cut = tmp_path / "cut.gguf"
    with open(model_path, "rb") as fh:
        cut.write_bytes(fh.read(5_000_000))
    with pytest.raises(ModelInvalid):
        ChatModel(cut)


def test_switch_model(model_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy.gguf"
    other.write_bytes(model_path.read_bytes())
    with ChatModel(model_path, n_ctx=512, n_threads=THREADS) as m:
        assert ask(m, "Hi", max_tokens=4).text
        bad = tmp_path / "bad.gguf"
        bad.write_text("nope")
        with pytest.raises(ModelInvalid):
            m.switch_model(bad)
        assert m.model_path == model_path and m.loaded
        m.switch_model(other)
        assert m.model_path == other and not m.loaded
        assert ask(m, "Hi", max_tokens=4).text
        assert m.loaded and m.load_count == 2


def test_idle_unload_and_reload(model_path: Path) -> None:
    proc = psutil.Process()
    with ChatModel(model_path, n_ctx=512, n_threads=THREADS, idle_unload_seconds=0.5) as m:
        assert not m.loaded  # lazy
        assert ask(m, "Hi", max_tokens=4).text
        assert m.loaded and m.load_count == 1
        rss_loaded = proc.memory_info().rss
        deadline = time.monotonic() + 5
        while m.loaded and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not m.loaded
        assert proc.memory_info().rss < rss_loaded
        assert ask(m, "Hi", max_tokens=4).text
        assert m.loaded and m.load_count == 2


def test_close_joins_the_worker(model_path: Path) -> None:
    m = ChatModel(model_path, n_ctx=512, n_threads=THREADS)
    m.load()
    m.close()
    assert not m.loaded
    assert not m._worker.is_alive()
    with pytest.raises(RuntimeError):
        m.submit([{"role": "user", "content": "Hi"}])
    m.close()  # idempotent


def test_settings_helpers() -> None:
    assert isinstance(gpu_offload_supported(), bool)
    assert default_threads() >= 1
    assert parse_gpu_layers("auto") is None
    assert parse_gpu_layers("off") == 0
    assert parse_gpu_layers("12") == 12
    with pytest.raises(Exception, match="gpu_layers"):
        parse_gpu_layers("lots")
