"""Running a template (Jinja, then Typst) in a child process with a memory and a time limit.

A repository's template is a file a partner pushed: it may loop for ever or ask for
gigabytes, in Jinja or in Typst, which compiles inside this process and cannot be
interrupted. So the work runs in a forked copy of jatac whose address space is capped
(``RLIMIT_AS``) and which is killed when its time is up; jatac itself never runs out of
memory, and the person is told what the template exceeded. A fork costs a few
milliseconds and copies nothing to the child (it sees jatac's memory as it was);
the result comes back through a pipe.

Where there is no fork (Windows) or the limit is not enforced (macOS), the work runs
here, bounded only by the sandbox's budget (``jatac.render.sandbox``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from jatac.errors import JatacError

MEMORY = 1 << 30  # bytes a paper may add to what jatac holds (Typst, 10,000 cases' agenda: 210 MB)
SECONDS = 30.0  # a paper's Jinja, or its Typst (10,000 cases' agenda: under 0.5 s each)

T = TypeVar("T")


class LimitReached(JatacError):
    """A template needed more memory or time than any real paper does."""


def available() -> bool:
    """Whether the work can run in a limited child here (Linux: fork and RLIMIT_AS)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _address_space() -> int:
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(extra: int) -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = _address_space() + extra
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child(write_end: int, work: Callable[[], Any]) -> None:
    """In the child: limit, work, send (kind, payload) back, and never return."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C is the parent's to report
        quiet = os.open(os.devnull, os.O_WRONLY)  # Typst's own words on running out of memory
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        import faulthandler

        faulthandler.disable()  # a test runner's handler holds its own stderr: an abort is ours to report
        _limit_memory(MEMORY)
        try:
            outcome: tuple[str, Any] = ("ok", work())
        except MemoryError:
            outcome = ("memory", None)
        except JatacError as e:
            outcome = ("error", (type(e), str(e), e.hint))
        except BaseException:  # a bug in jatac, shown as one in the parent
            outcome = ("bug", traceback.format_exc())
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no atexit, no flushing of the parent's buffers


def _collect(read_end: int, pid: int, seconds: float) -> tuple[bytes, bool]:
    """What the child sent, and whether it finished in ``seconds`` (else it is killed)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            return b"", False
        ready, _, _ = select.select([read_end], [], [], left)
        if ready:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)


def run_limited(work: Callable[[], T], what: str, hint: str) -> T:
    """``work()``'s result, computed in a child limited to ``MEMORY`` more bytes and
    ``SECONDS``; a ``JatacError`` it raises is raised here. ``what`` names the work in the
    message ("agenda.typ.j2", "the PDF of agenda.typ.j2"); ``hint`` says what to do."""
    if not available():
        return work()
    import gc

    read_end, write_end = os.pipe()
    gc.freeze()  # the child's collector leaves jatac's objects alone: no copying of their pages
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:
        os.close(read_end)
        _child(write_end, work)
    gc.unfreeze()
    os.close(write_end)
    finished = False
    try:
        data, finished = _collect(read_end, pid, SECONDS)
    finally:
        os.close(read_end)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not finished:
        raise LimitReached(f"{what} took longer than {SECONDS:g} seconds, the limit for a paper", hint=hint)
    if not data:  # killed by a signal: Typst (Rust) aborts when an allocation fails
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
            raise KeyboardInterrupt
        raise LimitReached(_memory_message(what), hint=hint)
    kind, payload = pickle.loads(data)
    if kind == "ok":
        result: T = payload
        return result
    if kind == "memory":
        raise LimitReached(_memory_message(what), hint=hint)
    if kind == "error":
        cls, message, error_hint = payload
        error = cls.__new__(cls)
        JatacError.__init__(error, message, error_hint)
        raise error
    raise RuntimeError(f"rendering failed in the child process:\n{payload}")


@contextlib.contextmanager
def memory_bounded(what: str, hint: str) -> Iterator[None]:
    """The block may add at most ``MEMORY`` bytes to what jatac holds, here in this process:
    for work done thousands of times in one command (the site's pages), where a child per
    page would cost its start each time. A template that asks for more is refused with
    LimitReached naming ``what``; jatac's memory is given back as the error unwinds. Its
    time is held by the sandbox's clock (``jatac.render.sandbox``), not by a kill."""
    if not available():
        yield
        return
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    try:
        _limit_memory(MEMORY)
        try:
            yield
        finally:  # before anything else is allocated: the limit is the template's alone
            resource.setrlimit(resource.RLIMIT_AS, before)
    except MemoryError:
        raise LimitReached(_memory_message(what), hint=hint) from None


def _memory_message(what: str) -> str:
    return f"{what} needed more than {MEMORY >> 20:,} MB of memory, the limit for a paper"
