"""``make fuzz``: run the property tests randomized, round after round, for FUZZ_MINUTES.

Each round runs every Hypothesis test (marked ``property`` by ``tests/conftest.py``) with
the ``fuzz`` profile and a fresh seed, which it prints, so a failing round can be replayed
with ``--hypothesis-seed``. The first failure stops the loop; pytest has printed the
falsifying example and its ``@reproduce_failure`` blob. Add the input to the fixed corpus
(tests/robustness/make_corpus.py or an ``@example``) so ``make test`` keeps checking it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def property_test_files() -> list[str]:
    """Test files that use Hypothesis (the same files ``grep -rl 'from hypothesis' tests`` lists)."""
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if "from hypothesis" in path.read_text(encoding="utf-8")
    )


def main() -> int:
    minutes = float(os.environ.get("FUZZ_MINUTES", "20"))
    extra = os.environ.get("FUZZ_ARGS", "").split()
    files = property_test_files()
    started = time.monotonic()
    rounds = 0
    print(f"fuzz: {len(files)} files, {minutes:g} minutes: {' '.join(files)}", flush=True)
    while True:
        rounds += 1
        seed = secrets.randbelow(2**32)
        elapsed = (time.monotonic() - started) / 60
        print(f"\nfuzz: round {rounds}, seed {seed}, {elapsed:.1f} min elapsed", flush=True)
        command = [
            sys.executable,
            "-m",
            "pytest",
            *files,
            "-m",
            "property",
            "--hypothesis-profile=fuzz",
            f"--hypothesis-seed={seed}",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "timeout=0",
            *extra,
        ]
        code = subprocess.call(command, cwd=ROOT)
        if code != 0:
            print(
                f"\nfuzz: round {rounds} (seed {seed}) FAILED after {(time.monotonic() - started) / 60:.1f} min; "
                "the falsifying example is printed above.",
                flush=True,
            )
            return code
        if time.monotonic() - started >= minutes * 60:
            break
    total = (time.monotonic() - started) / 60
    print(f"\nfuzz: {rounds} rounds in {total:.1f} min, no failures.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
