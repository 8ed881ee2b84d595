"""Signals that stop a command, so that what it was writing is cleaned up.

Ctrl-C (SIGINT), `kill` (SIGTERM), a closed terminal (SIGHUP) and Ctrl-\\
(SIGQUIT) all stop `new` and `update` the same way: as KeyboardInterrupt,
so the code that removes a half-written project, or undoes a half-made
update, runs. Only the first signal interrupts: a second Ctrl-C, or a second
`kill`, arriving while that cleanup runs is ignored, so it cannot leave half
of a temporary directory behind.

Kept free of heavy imports: cli.py imports it.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator

# Windows has only SIGINT and SIGTERM of these.
STOP_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
    if hasattr(signal, name)
)


class Interrupts:
    """While active, the first stop signal raises KeyboardInterrupt; later ones are ignored
    until the command exits.

    `received` is the first signal that arrived, or None. Code that must not
    be cut short sets `armed = False` (an attribute store, not a call, so no
    signal handler can run between catching an exception and that line), or
    holds signals back with `held()`.
    """

    def __init__(self) -> None:
        self.armed = True
        self.received: int | None = None
        self.fired = False  # a signal raised KeyboardInterrupt here or in a nested use
        self._holding = False
        self._previous: dict[int, object] = {}

    # Nested uses (the whole `new` command, and the writing inside it) are one
    # command: the first signal disarms them all, so it interrupts only once.
    _active: list[Interrupts] = []

    def _handle(self, signum: int, frame) -> None:
        if self.received is None:
            self.received = signum
        if self.armed and not self._holding:
            self._interrupt()

    def _dropped(self, unraisable) -> None:
        """sys.unraisablehook: Python reports an exception it cannot raise, and goes on.

        The signal handler runs wherever Python is: in a `__del__` method or a
        callback (one runs whenever a library loads) its KeyboardInterrupt is
        dropped. The signal is remembered all the same (`received`), and
        `check()`, before anything that cannot be undone, interrupts then; so
        the report, "Exception ignored in ...", a traceback, is not shown.
        """
        if unraisable.exc_type is KeyboardInterrupt and self.fired:
            return
        self._previous_hook(unraisable)

    def _interrupt(self) -> None:
        for active in Interrupts._active:
            active.armed = False
            active.fired = True
            active.received = active.received or self.received
        raise KeyboardInterrupt

    def __enter__(self) -> Interrupts:
        Interrupts._active.append(self)
        self._previous_hook = sys.unraisablehook
        sys.unraisablehook = self._dropped
        try:
            for signum in STOP_SIGNALS:
                if signal.getsignal(signum) is signal.SIG_IGN:
                    continue  # ignored from the start (nohup, a background job): it stays so
                self._previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread: signals cannot be handled here
            pass
        return self

    def __exit__(self, *exc) -> None:
        self.armed = False
        Interrupts._active.remove(self)
        sys.unraisablehook = self._previous_hook
        if self.fired:
            # Interrupted: the command only says so and exits now. A late
            # signal must not turn that into a traceback, a second message or
            # a death by signal; SIG_IGN, unlike a Python handler, also holds
            # while Python shuts down.
            for signum in self._previous:
                signal.signal(signum, signal.SIG_IGN)
            return
        for signum, previous in self._previous.items():
            # None: the handler was not set from Python; the default is what it was.
            signal.signal(signum, signal.SIG_DFL if previous is None else previous)

    @staticmethod
    def interrupted(error: BaseException) -> bool:
        """Whether `error` is, or stands for, an interrupt by a stop signal.

        A library may turn the KeyboardInterrupt into another error: Python
        3.11 wraps one raised while a class is made (as libraries load) in a
        RuntimeError.
        """
        return isinstance(error, KeyboardInterrupt) or any(a.fired for a in Interrupts._active)

    def check(self) -> None:
        """Raise KeyboardInterrupt if a stop signal has arrived, before work that cannot be undone.

        Also when its KeyboardInterrupt was lost: raised inside a `__del__`
        method or a callback, Python only prints it and goes on.
        """
        if any(active.received is not None for active in Interrupts._active):
            self._interrupt()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the stop signals back until the block ends: a few renames happen all or none.

        A signal that arrives meanwhile interrupts when the block ends, unless
        the block set `armed` to False (then the work is done and it is
        ignored). A flag, not the signal mask: the mask would hold signals
        back from this thread only, and rich's progress display runs another.
        """
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        if self.armed and self.received is not None:
            self._interrupt()
