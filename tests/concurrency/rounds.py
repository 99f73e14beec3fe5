"""Repeat a race R times and count the rounds that went wrong, so a case says "failed in 7/10 rounds".

    tally = Tally("double payment", n)
    for r in tally:
        ...
        tally.check(r, condition, "what went wrong")
    tally.done()  # fails the test with the count and the first problems

With CONC_REPORT=<file> every case appends one line "<case> <backend> <failed>/<rounds>" to that file
(used to record the before/after figures).
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterator


class Tally:
    def __init__(self, case: str, rounds: int) -> None:
        self.case = case
        self.rounds = rounds
        self.failed: dict[int, list[str]] = {}
        self.started = time.monotonic()

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.rounds))

    def check(self, r: int, ok: object, message: str) -> bool:
        if not ok:
            self.failed.setdefault(r, []).append(message)
        return bool(ok)

    def fail(self, r: int, message: str) -> None:
        self.failed.setdefault(r, []).append(message)

    def summary(self) -> str:
        return f"{self.case}: failed in {len(self.failed)}/{self.rounds} rounds"

    def done(self, extra: list[str] | None = None) -> None:
        backend = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgres") else "sqlite"
        report = os.environ.get("CONC_REPORT")
        if report:
            with open(report, "a", encoding="utf-8") as f:
                f.write(f"{self.case}\t{backend}\t{len(self.failed)}/{self.rounds}\t"
                        f"{time.monotonic() - self.started:.1f}s\t{'; '.join(extra or [])[:300]}\n")
        lines = [f"round {r + 1}: " + "; ".join(msgs) for r, msgs in sorted(self.failed.items())[:4]]
        assert not self.failed and not extra, "\n".join([self.summary(), *lines, *(extra or [])])
