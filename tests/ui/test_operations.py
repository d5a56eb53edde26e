"""Operations deliver results and failures on the UI thread, and survive deleted receivers."""

from __future__ import annotations

import threading
import time

import pytest

from ui.operations import Runner
from ui.qt import QThread, QWidget


def _ui_thread() -> object:
    return QThread.currentThread()


def test_success_arrives_on_ui_thread(qtbot: pytest.FixtureRequest) -> None:
    runner = Runner()
    main = _ui_thread()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread().name
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["thread"] = QThread.currentThread()

    runner.run(work, success=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=5000)
    assert seen["value"] == 42
    assert seen["thread"] is main
    assert seen["worker"] != threading.main_thread().name
    assert runner.shutdown()


def test_failure_arrives_on_ui_thread(qtbot: pytest.FixtureRequest) -> None:
    runner = Runner()
    got: list[tuple[BaseException, object]] = []

    def work() -> None:
        raise ValueError("boom")

    runner.run(work, failure=lambda e: got.append((e, QThread.currentThread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    exc, thread = got[0]
    assert isinstance(exc, ValueError) and str(exc) == "boom"
    assert thread is _ui_thread()
    assert runner.active() == 0


def test_unhandled_failure_is_reported_not_swallowed(qtbot: pytest.FixtureRequest) -> None:
    errors: list[BaseException] = []
    runner = Runner(on_error=errors.append)
    runner.run(lambda: 1 / 0)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ZeroDivisionError)


def test_progress_items_arrive_in_order(qtbot: pytest.FixtureRequest) -> None:
    runner = Runner()
    items: list[object] = []
    done: list[str] = []

    def work(report: object) -> str:
        for i in range(50):
            report(i)  # type: ignore[operator]
        return "end"

    runner.run(work, progress=items.append, success=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert items == list(range(50))
    assert done == ["end"]


def test_deleted_receiver_gets_nothing_and_cancel_is_set(qtbot: pytest.FixtureRequest) -> None:
    errors: list[BaseException] = []
    runner = Runner(on_error=errors.append)
    receiver = QWidget()
    release = threading.Event()
    called: list[object] = []

    def work() -> str:
        release.wait(5)
        return "late"

    op = runner.run(work, receiver=receiver, success=called.append)
    receiver.deleteLater()
    qtbot.waitUntil(lambda: op.cancel.is_set(), timeout=5000)  # destroyed → cancel requested
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert called == []
    assert errors == []


def test_deleted_receiver_failure_is_still_reported(qtbot: pytest.FixtureRequest) -> None:
    errors: list[BaseException] = []
    runner = Runner(on_error=errors.append)
    receiver = QWidget()
    release = threading.Event()

    def work() -> None:
        release.wait(5)
        raise RuntimeError("bug after the widget went away")

    handled: list[BaseException] = []
    op = runner.run(work, receiver=receiver, failure=handled.append)
    receiver.deleteLater()
    qtbot.wait(50)
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert handled == []
    assert len(errors) == 1 and "went away" in str(errors[0])


def test_ui_stays_responsive_while_workers_are_busy(qtbot: pytest.FixtureRequest) -> None:
    runner = Runner()
    done: list[bool] = []
    stop = threading.Event()

    def busy() -> bool:
        end = time.monotonic() + 0.6
        while time.monotonic() < end and not stop.is_set():
            sum(range(2000))  # pure Python work holding the GIL in slices
        return True

    for _ in range(3):
        runner.run(busy, success=done.append)
    from tests.ui.stall import StallMeter

    with StallMeter() as meter:
        qtbot.waitUntil(lambda: len(done) == 3, timeout=10_000)
    # What a person notices is the longest freeze (the meter counts the gap up to its end too,
    # so a thread that never got back to its loop fails). How many 10 ms ticks fit in between
    # depends on the machine's load (16 here, 5 on a busy CI run), so no count is asked for.
    assert meter.ticks > 0
    assert meter.longest_ms < 300, f"UI stalled {meter.longest_ms:.0f} ms ({meter.ticks} ticks)"


def test_many_short_operations_with_passing_receivers_finish_without_a_crash(
        qtbot: pytest.FixtureRequest) -> None:
    # Results arrive while their workers are still returning from the signal, receivers go away
    # as soon as they are served, and the runnables are freed on the pool's threads: the shape of
    # a quick recall box typed into and closed. Before one relay served the whole runner, a
    # per-operation relay deleted on delivery could be freed under a worker (a segfault in CI).
    runner = Runner()
    got: list[int] = []
    total = 1500

    def start(i: int) -> None:
        receiver = QWidget()

        def done(value: int) -> None:
            got.append(value)
            receiver.deleteLater()

        def work(report: object) -> int:
            for k in range(3):
                report(k)  # type: ignore[operator]
            return i

        runner.run(work, receiver=receiver, success=done, progress=lambda _item: None)

    for i in range(total):
        start(i)
    qtbot.waitUntil(lambda: len(got) == total, timeout=60_000)
    assert sorted(got) == list(range(total))
    assert runner.active() == 0
    assert runner.shutdown()
