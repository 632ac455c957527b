"""Reading the chain in two processes gives what reading it in one gives (edge.parallel_read).

The same data in the configured order, the same result files byte for byte, the
error of the first bad input in the configured order, and nothing left behind
when the child dies or the parent gives up early.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest

from telefonspor.edge import parallel_read
from telefonspor.edge.parallel_read import (
    PARALLEL_FROM_BYTES,
    can_fork,
    read_in_two_processes,
    worth_a_second_process,
)
from telefonspor.edge.run import audit_files, read_inputs
from telefonspor.errors import InputError
from telefonspor.model import SourceData
from telefonspor.reports.jsonout import dumps_bytes, to_json
from telefonspor.sample import SampleChain, generate_chain
from telefonspor.settings import SourceSpec, load
from telefonspor.sources import read_source

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> SampleChain:
    return generate_chain(tmp_path_factory.mktemp("kaede"), holders=120, users=400, seed=11)


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two processes for any chain, however small; yields the pids forked."""
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(parallel_read.os, "fork", fork)
    return forked


def _temp_files() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("telefonspor-*")}


def test_two_processes_read_the_same_data_in_the_configured_order(
    chain: SampleChain, always_parallel: list[int]
) -> None:
    settings = load(chain.config)
    klik_one, data_one = read_inputs(chain.klik, settings, processes=1)
    assert not always_parallel
    klik_two, data_two = read_inputs(chain.klik, settings, processes=2)
    assert len(always_parallel) == 1, "the chain's files were read in a forked child"
    assert klik_two == klik_one
    assert [d.kind for d in data_two] == [spec.kind for spec in settings.sources]
    assert data_two == data_one


def test_the_result_is_byte_identical(chain: SampleChain, always_parallel: list[int]) -> None:
    settings = load(chain.config)
    one = audit_files(chain.klik, settings, processes=1)
    two = audit_files(chain.klik, settings, processes=2)
    assert always_parallel
    two = replace(two, generated_at=one.generated_at)
    assert dumps_bytes(to_json(two)) == dumps_bytes(to_json(one))


def test_the_child_really_reads_some_files(chain: SampleChain, always_parallel: list[int]) -> None:
    """Each process reads at least one file: the work is shared, not done twice."""
    settings = load(chain.config)
    readers: dict[str, set[int]] = {}
    marks = Path(tempfile.mkdtemp())

    def read_one(spec: SourceSpec) -> SourceData:
        (marks / f"{spec.kind}.{os.getpid()}").touch()
        time.sleep(0.2)  # long enough that the other process takes the next file
        return read_source(spec, settings)

    data = read_in_two_processes(settings.sources, read_one)
    for mark in marks.iterdir():
        kind, pid = mark.name.rsplit(".", 1)
        readers.setdefault(kind, set()).add(int(pid))
    assert [d.kind for d in data] == [s.kind for s in settings.sources]
    assert all(len(pids) == 1 for pids in readers.values()), "no file was read twice"
    assert len(set().union(*readers.values())) == 2, readers
    assert set(readers) == {s.kind for s in settings.sources}


def test_the_first_bad_file_in_the_configured_order_is_the_error(
    chain: SampleChain, tmp_path: Path, always_parallel: list[int]
) -> None:
    settings = load(chain.config)
    first, *rest = settings.sources
    last = rest[-1]
    broken_first = tmp_path / ("first" + Path(first.path).suffix)
    broken_first.write_bytes(b"\x00\x01 not a file of this kind \xff" * 3)
    broken_last = tmp_path / ("last" + Path(last.path).suffix)
    broken_last.write_bytes(b"")
    specs = (
        replace(first, path=str(broken_first)),
        *rest[:-1],
        replace(last, path=str(broken_last)),
    )
    before = _temp_files()
    with pytest.raises(InputError) as one:
        read_inputs(chain.klik, settings, sources=specs, processes=1)
    with pytest.raises(InputError) as two:
        read_inputs(chain.klik, settings, sources=specs, processes=2)
    assert always_parallel
    assert str(two.value) == str(one.value)
    assert "first" in str(two.value)
    assert _temp_files() == before


def test_a_file_the_child_fails_on_is_read_again_by_the_parent(chain: SampleChain) -> None:
    """The child reports a failure; the parent raises that file's own error, from here."""
    settings = load(chain.config)
    parent = os.getpid()

    def read_one(spec: SourceSpec) -> SourceData:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return read_source(spec, settings)

    data = read_in_two_processes(settings.sources, read_one)
    assert data == [read_source(spec, settings) for spec in settings.sources]


def test_a_child_that_dies_leaves_its_files_to_the_parent(chain: SampleChain) -> None:
    settings = load(chain.config)
    parent = os.getpid()

    def read_one(spec: SourceSpec) -> SourceData:
        if os.getpid() != parent:
            os._exit(9)  # killed: out of memory, say
        return read_source(spec, settings)

    before = _temp_files()
    data = read_in_two_processes(settings.sources, read_one)
    assert data == [read_source(spec, settings) for spec in settings.sources]
    assert _temp_files() == before


def test_a_parent_that_gives_up_stops_the_child(
    chain: SampleChain, always_parallel: list[int]
) -> None:
    """An interrupt in the parent: the child is killed and reaped, the folder removed."""
    settings = load(chain.config)
    parent = os.getpid()

    def read_one(spec: SourceSpec) -> SourceData:
        if os.getpid() != parent:
            time.sleep(60)
        raise KeyboardInterrupt

    before = _temp_files()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        read_in_two_processes(settings.sources, read_one)
    assert time.monotonic() - started < 30, "the parent did not wait for the sleeping child"
    assert _temp_files() == before
    [child] = always_parallel
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped already: no zombie left behind


def test_live_systems_are_fetched_by_the_parent_only(chain: SampleChain) -> None:
    settings = load(chain.config)
    live = SourceSpec(kind="os2sofd", position="local", live=True)
    specs = (*settings.sources, live)
    parent = os.getpid()
    fetched_in: list[int] = []

    def read_one(spec: SourceSpec) -> SourceData:
        if spec.live:
            fetched_in.append(os.getpid())  # only the parent's list is seen here
            return SourceData(kind="os2sofd", position="local", records=(), origin="live")
        time.sleep(0.1)
        return read_source(spec, settings)

    data = read_in_two_processes(specs, read_one)
    assert fetched_in == [parent]
    assert [d.kind for d in data] == [s.kind for s in specs]


def test_progress_counts_every_system(chain: SampleChain) -> None:
    settings = load(chain.config)
    seen: list[int] = []
    read_in_two_processes(
        settings.sources, lambda spec: read_source(spec, settings), done=seen.append
    )
    assert seen == sorted(seen) and seen[-1] == len(settings.sources)


def test_small_chains_single_files_and_live_systems_stay_in_one_process(
    chain: SampleChain, tmp_path: Path
) -> None:
    assert not worth_a_second_process(load(chain.config).sources), "small: not worth a fork"
    half = PARALLEL_FROM_BYTES // 2
    files = []
    for name in ("ad.csv", "fkorg.csv"):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(half)  # sparse: only the size counts
        files.append(SourceSpec(kind=name.split(".")[0], position="source", path=str(path)))
    assert worth_a_second_process(files)
    assert not worth_a_second_process(files[:1]), "one file: nothing to share"
    live = SourceSpec(kind="os2sofd", position="local", live=True)
    assert not worth_a_second_process([files[0], live, live])
    missing = SourceSpec(kind="ad", position="source", path=str(tmp_path / "findes-ikke.csv"))
    assert not worth_a_second_process([files[0], missing])


def test_the_web_reads_in_one_process(
    chain: SampleChain, tmp_path: Path, always_parallel: list[int]
) -> None:
    """A server runs threads: forking it is unsafe, so a web job never asks for two."""
    from telefonspor.web.jobs import AuditRequest, Job, audit_work

    settings = load(chain.config, overrides=[f"store.db=sqlite:///{tmp_path / 'h.db'}"])
    request = AuditRequest(
        klik=chain.klik,
        settings=settings,
        sources=settings.sources,
        db_url=settings.db_url(),
        report_dir=tmp_path / "web",
    )
    assert audit_work(request)(Job("j", "anna", "nu")) == 1
    assert not always_parallel


def test_the_command_line_reads_in_two(
    chain: SampleChain, tmp_path: Path, always_parallel: list[int]
) -> None:
    from typer.testing import CliRunner

    from telefonspor.cli import app

    out = CliRunner().invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "-o", str(tmp_path / "x")]
    )
    assert out.exit_code == 0, out.output
    assert len(always_parallel) == 1
    one = CliRunner().invoke(
        app,
        [
            "audit",
            str(chain.klik),
            "--config",
            str(chain.config),
            "-o",
            str(tmp_path / "y"),
            "--set",
            "audit.processes=1",
        ],
    )
    assert one.exit_code == 0, one.output
    assert len(always_parallel) == 1, "audit.processes = 1 reads in one process"


def test_decoded_records_share_what_the_reader_shared(chain: SampleChain) -> None:
    """A frozenset or string per record would cost ~45 % more memory than the reader's own."""
    import tracemalloc

    import msgspec

    settings = load(chain.config)
    for spec in settings.sources:
        tracemalloc.start()
        read = read_source(spec, settings)
        own = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        encoded = msgspec.msgpack.Encoder().encode(read)
        tracemalloc.start()
        decoded = parallel_read._shared(parallel_read._DECODER.decode(encoded))
        sent = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert decoded == read
        assert len({id(r.system) for r in decoded.records}) == 1, spec.kind
        flag_sets = {r.flags for r in decoded.records}
        assert len({id(r.flags) for r in decoded.records}) == len(flag_sets), spec.kind
        types = {p.type for r in decoded.records for p in r.phones}
        assert len({id(p.type) for r in decoded.records for p in r.phones}) == len(types)
        assert sent <= own * 1.1, f"{spec.kind}: {sent} bytes decoded, {own} read"


def test_each_process_counts_its_systems_for_the_systemic_detectors(
    chain: SampleChain, always_parallel: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a process read, it also counts right away (systemic.precount), the child and
    the parent alike: the same counts the audit makes, and the audit counts nothing again."""
    from telefonspor import systemic
    from telefonspor.phones import PhoneEngine
    from telefonspor.settings import Key

    settings = load(chain.config)
    sources = [read_source(spec, settings) for spec in settings.sources]
    population = systemic._Population(
        sources, settings, PhoneEngine(settings.get(Key.AUDIT_PLACEHOLDERS))
    )
    for data in sources:
        assert systemic.precount(data, settings) == population._counts(data.kind), data.kind

    one = audit_files(chain.klik, settings, processes=1)
    counted_here: list[str] = []
    real = systemic.kind_counts

    def spy(persons, tallies, usable):  # type: ignore[no-untyped-def]
        if os.getpid() == parent and persons:
            counted_here.append(persons[0].system)
        return real(persons, tallies, usable)

    parent = os.getpid()
    monkeypatch.setattr(systemic, "kind_counts", spy)
    precounted: dict[str, dict[str, int]] = {}
    read_inputs(chain.klik, settings, processes=2, precounted=precounted)
    kinds = [spec.kind for spec in settings.sources]
    assert len(set(kinds)) == len(kinds), "the sample chain has one system per kind"
    assert sorted(precounted) == sorted(kinds), "every system was counted where it was read"
    assert all(precounted[k] == population._counts(k) for k in precounted)
    assert counted_here, "the parent counted the systems it read itself"
    from telefonspor.edge import run

    handed: list[dict[str, dict[str, int]]] = []
    real_audit = run.run_audit

    def audit_spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        handed.append(dict(kwargs["precounted"]))
        counted_here.clear()  # from here on, what the audit itself counts
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(run, "run_audit", audit_spy)
    counted_here.clear()
    two = audit_files(chain.klik, settings, processes=2)
    [given] = handed
    assert sorted(given) == sorted(kinds)
    assert counted_here == [], "a system counted where it was read is not counted again"
    two = replace(two, generated_at=one.generated_at)
    assert dumps_bytes(to_json(two)) == dumps_bytes(to_json(one))
