"""One writer per index directory, across processes.

Writing commands (ingest, build, match, demo, check, serve) hold an exclusive ``flock`` on
``<index_dir>/.lock`` for as long as they run. A second writer waits up to
``lock_timeout`` seconds, then fails with a message naming the process that holds the
directory. The kernel drops the lock when its holder dies, even by SIGKILL, so a crashed
run never leaves the directory locked.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path
from typing import IO

from ..errors import IndexBusy


class IndexLock:
    def __init__(self, index_dir: Path, timeout: float) -> None:
        self.path = index_dir / ".lock"
        self.timeout = timeout
        self._fh: IO[str] | None = None

    def acquire(self) -> IndexLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    fh.close()
                    raise IndexBusy(
                        f"{self.path.parent} is in use by {holder}; waited {self.timeout:g}s. "
                        "Wait for it to finish, stop it, or raise lock_timeout."
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} ({' '.join(os.path.basename(a) for a in sys.argv[:2])})")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
