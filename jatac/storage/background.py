"""Work done on a second core while the command goes on, for an answer it shows at the end.

    with Background(similar_open, repo, location, category) as similar:
        record = create(...)            # meanwhile, a forked child reads the index
        others = similar.result()

Only for reading: the child must change nothing but jatac's own index (whose writes are
atomic and checked on every read). On Linux with two cores or more the function runs in a
forked child and its result comes back pickled through a pipe; elsewhere, or if the child
fails in any way, ``result()`` simply calls the function here. Either way the answer is the
same; only the time differs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def fork_cores() -> int:
    """The cores work can be forked onto: fork is only trusted on Linux (macOS and Windows get 1)."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _can_fork() -> bool:
    return fork_cores() > 1 and not os.environ.get("JATAC_NO_BACKGROUND")


class Background(Generic[T]):
    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self._call = lambda: fn(*args)
        self._pid: int | None = None
        self._pipe = -1
        if _can_fork():
            self._start()

    def _start(self) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (a limit on processes, memory): work here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, leave without running the parent's exit code
            status = 1
            try:
                import pickle

                os.close(read)
                # nothing on standard output; standard error keeps a first read's progress
                os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
                data = pickle.dumps(self._call(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                sys.stderr.flush()
                os._exit(status)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> T:
        """The function's answer: the child's, or computed here if there is none."""
        if self._pid is None:
            return self._call()
        import pickle

        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        status = self._reap()
        if status == 0 and data:
            try:
                return pickle.loads(data)
            except Exception:  # a child cut short; its answer is not to be trusted
                pass
        return self._call()

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pid is not None:
            # not asked for (the command failed): wait for the child rather than kill it in the
            # middle of writing the index; closing the pipe ends its wait to send
            os.close(self._pipe)
            self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        try:
            return os.waitpid(pid, 0)[1] if pid is not None else 1
        except ChildProcessError:  # reaped by someone else: its answer is unknown
            return 1
