"""Read the chain's files in two processes: the parent and one forked reader.

A national chain is five files of 60-470 MB; reading them is half of a run and each
reader is single-threaded Python. A forked child takes files from the same list as
the parent (largest expected cost first, whoever is free takes the next), writes each
:class:`~telefonspor.model.SourceData` it reads as msgpack to a private temporary
file, and the parent decodes it (msgspec builds the records in C, about a tenth of
what reading the file costs). The wall time of reading is then about half.

Only for one-shot commands (``audit``, ``fix``, ``demo``, ``whatif`` on the command line): forking a
process that runs threads (the web app) is unsafe, so :func:`telefonspor.edge.run.audit_files`
reads in one process unless its caller asks for two. Live systems are always fetched
by the parent (their progress, their sessions), and small chains are read in one
process, where a fork and the decoding cost more than they save.

The result is the same as reading one file after the other: the same data in the
configured order, and, when several inputs are bad, the error of the first of them
in that order (the parent reads a file the child failed on again, so the error is
raised with its own message and type). The child never prints; if it dies, the
parent reads what the child did not deliver.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import msgspec
from msgspec.structs import force_setattr

from telefonspor.model import SourceData
from telefonspor.settings import SourceSpec

#: Below this many bytes of chain files, one process reads them: a fork and the decoding
#: cost ~0.05 s plus ~10 % of the child's reading, which small files do not earn back.
PARALLEL_FROM_BYTES: Final = 32 * 1024 * 1024

#: CPU seconds per MB of file, by kind, measured on the bench's chain (for ordering only:
#: the costliest files go first, so neither process ends with a big one left to read).
_COST_PER_MB: Final = {
    "opus": 0.045,
    "ad": 0.046,
    "os2sync-db": 0.049,
    "fkorg": 0.041,
    "hr": 0.05,
    "os2sofd": 0.013,
    "os2mo": 0.02,
}

ReadOne = Callable[[SourceSpec], SourceData]


def can_fork() -> bool:
    """Whether this platform can fork a reader (not Windows, and more than one CPU to use)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity (macOS)
        cpus = os.cpu_count() or 1
    return cpus > 1


def file_bytes(spec: SourceSpec) -> int:
    """The bytes ``spec``'s file (or folder of files) holds; 0 when it is live or missing."""
    if spec.live or not spec.path:
        return 0
    path = Path(spec.path)
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except OSError:
        return 0  # the reader says what is wrong with it


def worth_a_second_process(specs: Sequence[SourceSpec]) -> bool:
    """Two or more files, together big enough to pay for the fork and the decoding."""
    files = [spec for spec in specs if not spec.live and spec.path]
    return len(files) >= 2 and sum(map(file_bytes, files)) >= PARALLEL_FROM_BYTES


def read_in_two_processes(
    specs: Sequence[SourceSpec],
    read_one: ReadOne,
    *,
    before_own: Callable[[], None] | None = None,
    done: Callable[[int], None] | None = None,
    extra: Callable[[SourceData], dict[str, int] | None] | None = None,
    extras: dict[int, dict[str, int]] | None = None,
) -> list[SourceData]:
    """``[read_one(spec) for spec in specs]``, the files shared with a forked child.

    ``before_own`` runs in the parent right after the fork (the KLIK export is read
    there, while the child already reads). ``done(count)`` is told how many systems
    are read so far, as they finish. ``extra(data)`` is run on each system by the process
    that read it, right after reading (work the audit then need not do); what it returns
    (unless None) is put in ``extras`` by the system's place in ``specs``. The parent's
    share of it makes the child take more of the files (the next file goes to whoever is
    free), so the two processes end nearer together.
    """
    found_extras: dict[int, dict[str, int]] = {} if extras is None else extras
    live = [i for i, spec in enumerate(specs) if spec.live or not spec.path]
    files = [i for i in range(len(specs)) if i not in live]
    # Costliest first: the last file either process takes is then a small one.
    files.sort(key=lambda i: -file_bytes(specs[i]) * _COST_PER_MB.get(specs[i].kind, 0.05))
    order = files + live  # live systems last, and only the parent takes them
    context = multiprocessing.get_context("fork")
    next_task = context.Value("i", 0)  # a shared counter with its own lock
    last_for_child = len(files)

    def take(limit: int) -> int | None:
        with next_task.get_lock():
            position = int(next_task.value)
            if position >= limit:
                return None
            next_task.value = position + 1
            return order[position]

    results: dict[int, SourceData] = {}
    failed: dict[int, BaseException] = {}
    with tempfile.TemporaryDirectory(prefix="telefonspor-") as folder:
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            os.close(reading)
            _child(take, last_for_child, read_one, extra, specs, Path(folder), writing)
        os.close(writing)
        child = _Child(pid, reading, Path(folder), found_extras)
        try:
            if before_own is not None:
                before_own()
            while (i := take(len(order))) is not None:
                try:
                    results[i] = read_one(specs[i])
                except Exception as exc:  # raised below, in the configured order
                    failed[i] = exc
                else:
                    found = extra(results[i]) if extra is not None else None
                    if found is not None:
                        found_extras[i] = found
                child.collect(results, block=False)
                if done is not None:
                    done(len(results) + len(failed))
            child.collect(results, block=True)
            if done is not None:
                done(len(results) + len(failed))
        finally:
            child.stop()
        for i in range(len(specs)):
            if i in failed:
                raise failed[i]
            if i not in results:  # the child failed on it (or died): its error, from here
                results[i] = read_one(specs[i])
                if done is not None:
                    done(len(results))
    return [results[i] for i in range(len(specs))]


_DECODER: Final = msgspec.msgpack.Decoder(SourceData)
_EXTRA_DECODER: Final = msgspec.msgpack.Decoder(dict[str, int])


def _shared(data: SourceData) -> SourceData:
    """``data`` with the values its reader shared shared again, to save memory.

    A reader gives every record of a system the same ``system`` string and the same few
    ``flags`` sets, and its phones the same few ``type``/``visibility`` strings; decoding
    makes one object per record (a frozenset is 216 bytes: ~130 MB per national system).
    Fields equal to their default are not sent at all (``omit_defaults`` on the Structs),
    so they come back as the one default object. The records are new and not yet seen by
    anyone, so setting their fields in place is safe.
    """
    strings: dict[str, str] = {}
    flag_sets: dict[frozenset[str], frozenset[str]] = {}
    string, flags = strings.setdefault, flag_sets.setdefault
    for record in data.records:
        force_setattr(record, "system", string(record.system, record.system))
        force_setattr(record, "flags", flags(record.flags, record.flags))  # empty ones too
        for phone in record.phones:
            force_setattr(phone, "type", string(phone.type, phone.type))
            if phone.visibility:
                force_setattr(phone, "visibility", string(phone.visibility, phone.visibility))
    return data


class _Child:
    """The parent's end of the forked reader: its pipe of finished files, and the process."""

    def __init__(
        self, pid: int, pipe: int, folder: Path, extras: dict[int, dict[str, int]]
    ) -> None:
        self.pid = pid
        self.pipe = pipe
        self.folder = folder
        self.extras = extras
        self._pending = b""
        self._open = True

    def collect(self, results: dict[int, SourceData], *, block: bool) -> None:
        """Decode what the child has finished; ``block`` waits until it is done with all."""
        while self._open:
            if not block and not select.select([self.pipe], [], [], 0)[0]:
                return
            chunk = os.read(self.pipe, 4096)
            if not chunk:
                self._open = False  # the child is done (or dead)
                break
            self._pending += chunk
            *lines, self._pending = self._pending.split(b"\n")
            for line in lines:
                index, status = line.decode("ascii").split()
                if status == "ok":
                    file = self.folder / f"{index}.msgpack"
                    results[int(index)] = _shared(_DECODER.decode(file.read_bytes()))
                    file.unlink()
                    extra = self.folder / f"{index}.extra.msgpack"
                    if extra.exists():
                        self.extras[int(index)] = _EXTRA_DECODER.decode(extra.read_bytes())
                        extra.unlink()

    def stop(self) -> None:
        """Make sure the child is gone (it is when it delivered everything), and reap it."""
        if self._open:  # the parent gave up early: the child's work is not wanted
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _child(  # pragma: no cover - runs in the forked child
    take: Callable[[int], int | None],
    limit: int,
    read_one: ReadOne,
    extra: Callable[[SourceData], dict[str, int] | None] | None,
    specs: Sequence[SourceSpec],
    folder: Path,
    pipe: int,
) -> None:
    """Read files until none are left; report each as "<index> ok|failed" on ``pipe``."""
    status = 0
    try:
        encoder = msgspec.msgpack.Encoder()
        while (i := take(limit)) is not None:
            try:
                data = read_one(specs[i])
                found = extra(data) if extra is not None else None
                if found is not None:  # written first: "ok" says both are there
                    (folder / f"{i}.extra.msgpack").write_bytes(encoder.encode(found))
                (folder / f"{i}.msgpack").write_bytes(encoder.encode(data))
                outcome = "ok"
            except Exception:  # the parent reads it again and raises its error
                outcome = "failed"
            os.write(pipe, f"{i} {outcome}\n".encode("ascii"))
    except BaseException:  # never let the child run the parent's code on
        status = 1
    finally:
        os._exit(status)
