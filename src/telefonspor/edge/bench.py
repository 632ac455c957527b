"""`make bench`: time the full audit at three sizes and the phone engine's throughput.

Each measurement runs in a fresh process (``python -m telefonspor.edge.bench --one DIR``)
so caches and memory start cold; the median of three runs is reported with
the peak RSS. Results go to ``bench/result.json`` and a table on the screen.
Speed is proved here, never by timed asserts in tests.

Issue 15's yardsticks are measured in the same run, side by side, each in a fresh
process: the analyst's pandas script (``bench/baseline.py``) against a KLIK-only audit
of 40,000 holders, and the *floor* (just reading a chain's input files with orjson,
the csv module, expat and calamine) against the full audit of that chain. Ratios use
the processes' CPU seconds (user + system, from start-up to exit): on a machine shared
with others the wall clock mostly measures the neighbours; wall seconds are kept too.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telefonspor.phones import LANDLINE_PREFIXES_2, MOBILE_PREFIXES_2


@dataclass(frozen=True)
class Size:
    name: str
    holders: int
    users: int
    municipalities: int


SIZES = (
    Size("medium", 1_500, 8_000, 1),
    Size("large", 6_000, 60_000, 1),
    Size("national", 150_000, 600_000, 98),
)
KLIK_ONLY = Size("klik40k", 40_000, 40_000, 1)
TARGETS = {"large": (4.0, 800), "national": (40.0, 4096)}  # seconds, MB
PHONE_TARGET = 1_000_000  # raw values per second
BASELINE_TARGET = 5.0  # the analyst script's time / telefonspor's, at least
FLOOR_TARGET = 2.0  # the large chain's audit / just reading its files, at most
LINEAR_TARGET = 1.2  # growth in time or memory / growth in data, at most
REPEATS = 3
#: The baseline's runs each: a KLIK-only run is ~1.6 CPU s, and on a shared machine one run
#: in three moved by 10-15 %; the median of five pairs is steadier (both sides alike).
BASELINE_REPEATS = 5
SEED = 20261128


def _baseline_script() -> Path:
    """bench/baseline.py of the checkout this module runs from (or of the working folder)."""
    here = Path(__file__).resolve()
    for folder in (*here.parents, Path.cwd()):
        candidate = folder / "bench" / "baseline.py"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("bench/baseline.py findes ikke; kør make bench fra projektets mappe")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="telefonspor.edge.bench", description="Måler telefonspors hastighed."
    )
    parser.add_argument("--cache", type=Path, default=Path("bench/cache"))
    parser.add_argument("--out", type=Path, default=Path("bench/result.json"))
    parser.add_argument("--sizes", default=",".join(s.name for s in (*SIZES, KLIK_ONLY)))
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one timed run
    parser.add_argument("--klik-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, help=argparse.SUPPRESS)  # internal: override
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)  # internal: read only
    parser.add_argument("--baseline", type=Path, help=argparse.SUPPRESS)  # internal: the script
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_one_run(args.one, klik_only=args.klik_only, processes=args.processes)))
        return 0
    if args.floor:
        print(json.dumps(_floor_run(args.floor)))
        return 0
    if args.baseline:
        print(json.dumps(_baseline_run(args.baseline)))
        return 0
    wanted = set(args.sizes.split(","))
    _compile_package()
    results: dict[str, Any] = {
        "measured": {
            "date": datetime.now(UTC).date().isoformat(),
            "cpus": os.cpu_count(),
            # The machine is shared: the load before the run says how much of it we had.
            "load": round(os.getloadavg()[0], 1),
        }
    }
    for size in SIZES:
        if size.name not in wanted:
            continue
        directory = _generate(size, args.cache)
        # The national size takes minutes a run: it is measured once so `make bench` stays
        # under ten minutes; the others are the median of `--repeats` fresh runs.
        repeats = 1 if size.name == "national" else args.repeats
        _warm(directory)
        runs = [_timed_subprocess(["--one", str(directory)]) for _ in range(repeats)]
        # The same audit in one process: growth between sizes is measured in one mode, as
        # the chain is read in two processes from 32 MB of files on (medium is smaller).
        alone = [
            _timed_subprocess(["--one", str(directory), "--processes", "1"]) for _ in range(repeats)
        ]
        results[size.name] = {
            **_median(runs),
            "runs": repeats,
            "cpu_one_process": _median(alone)["cpu"],
        }
        _print_size(size, results[size.name])
        if size.name == "large":
            results["floor"] = _floor(directory, repeats)
        if size.name == "national":
            # Not a target of its own: it says how much of the national time is just reading.
            results["national_floor"] = _floor(directory, 1)
    if KLIK_ONLY.name in wanted or "baseline" in wanted:
        repeats = max(args.repeats, BASELINE_REPEATS)
        results["baseline"] = _versus_baseline(_generate(KLIK_ONLY, args.cache), repeats)
    results["phone_engine"] = {"values_per_second": _phone_throughput()}
    results["targets"] = verdicts(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"\nResultat skrevet til {args.out}")
    return 0


def _compile_package() -> None:
    """Byte-compile telefonspor as installing it does, so no timed process compiles it.

    pip writes the ``.pyc`` files of an installed package; an editable checkout run with
    ``PYTHONDONTWRITEBYTECODE`` (or a fresh clone) has none, and every timed process would
    then compile the whole package again (~0.07 s) - a cost no installed telefonspor has.
    The analyst's script imports only installed packages, which pip compiled.
    """
    import compileall

    import telefonspor

    compileall.compile_dir(Path(telefonspor.__file__).parent, quiet=1)


def _generate(size: Size, cache: Path) -> Path:
    from telefonspor.sample import generate_chain

    directory = cache / f"{size.name}-{SEED}"
    marker = directory / ".complete"
    if not marker.exists():
        print(
            f"Genererer {size.name}: {size.holders:,} rolleindehavere, {size.users:,} brugere …",
            flush=True,
        )
        started = time.perf_counter()
        generate_chain(
            directory,
            holders=size.holders,
            users=size.users,
            seed=SEED,
            municipalities=size.municipalities,
        )
        marker.write_text("ok\n", encoding="utf-8")
        print(f"  genereret på {time.perf_counter() - started:.1f} s", flush=True)
    return directory


def _timed_subprocess(arguments: list[str]) -> dict[str, float]:
    """One fresh process; its own figures plus its whole life's wall and CPU seconds.

    ``peak_tree_mb`` is the highest memory of the process and its children together (a run
    forks a reader, see edge.parallel_read), sampled every 50 ms, and never less than the
    process's own peak RSS.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "telefonspor.edge.bench", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_memory_kb(process.pid))
            time.sleep(0.05)
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, arguments, stdout, stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    figures = dict(json.loads(stdout.strip().splitlines()[-1]))
    own_peak = float(figures.get("peak_rss_mb", 0.0))
    return {
        **figures,
        "process_wall": wall,
        "process_cpu": cpu,
        "peak_tree_mb": max(peak / 1024, own_peak),
    }


def _tree_memory_kb(pid: int) -> int:
    """Resident kB (VmRSS) of ``pid`` and all its descendants now (0 for any already gone).

    VmRSS, not PSS: the kernel keeps it as a counter, while PSS (smaps_rollup) walks the
    process's page tables under its memory-map lock, which stalled a national run's page
    faults by a third when sampled every 50 ms. The forked reader is forked before anything
    is read, so the pages it shares with the parent (counted in both) are a few MB.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text("ascii")
            status = Path(f"/proc/{current}/status").read_text("ascii")
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
                break
        pending += [int(child) for child in children.split()]
    return total


def _warm(directory: Path) -> None:
    """Read the size's files once, untimed: the runs then measure telefonspor, not the disk.

    A national chain is 1 GB; whether it was still in the page cache (as after an export)
    or had to come from disk moved a run by 5-10 s.
    """
    for path in _chain_files(directory):
        with path.open("rb") as handle:
            while handle.read(1 << 24):
                pass


def _klik_file(directory: Path) -> Path:
    return next(directory.glob("klik*.xlsx"), None) or next(directory.glob("klik*"))


def _one_run(
    directory: Path, *, klik_only: bool = False, processes: int | None = None
) -> dict[str, float]:
    """The full audit with every report, as the CLI does it, timed per stage."""
    from telefonspor.edge.quick_exit import keep_until_exit
    from telefonspor.edge.run import audit_files
    from telefonspor.reports.excel import write_excel
    from telefonspor.reports.html import write_html
    from telefonspor.reports.jsonout import write_json
    from telefonspor.settings import Key, load

    started = time.perf_counter()
    cpu_started = time.process_time() + _children_cpu()
    timings: dict[str, float] = {}
    settings = load(directory / "kaede.toml")
    klik = _klik_file(directory)
    result = audit_files(
        klik,
        settings,
        timings=timings,
        sources=() if klik_only else None,
        after_read=gc.freeze,  # as in a CLI run (cli.app.freeze_inputs)
        processes=settings.get(Key.AUDIT_PROCESSES) if processes is None else processes,
    )
    with tempfile.TemporaryDirectory() as out:
        for name, writer, filename in (
            ("report_xlsx", write_excel, "rapport.xlsx"),
            ("report_html", write_html, "rapport.html"),
            ("report_json", write_json, "resultat.json"),
        ):
            t = time.perf_counter()
            writer(result, Path(out) / filename)
            timings[name] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    # The same span in CPU seconds, the forked reader's included (see edge.parallel_read).
    timings["cpu"] = time.process_time() + _children_cpu() - cpu_started
    timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    keep_until_exit(result)  # as the CLI's commands do: the operating system frees it at exit
    return timings


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the forked reader of a run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _chain_files(directory: Path) -> list[Path]:
    """The KLIK export and every file the chain's sources name (folders: their files)."""
    from telefonspor.settings import load

    settings = load(directory / "kaede.toml")
    paths = [_klik_file(directory)]
    paths += [Path(spec.path) for spec in settings.sources if spec.path]
    out: list[Path] = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return out


def _floor_run(directory: Path) -> dict[str, float]:
    """Just read the chain's files, each with the fastest plain tool, and keep the rows."""
    import csv
    import xml.etree.ElementTree as ET

    import orjson
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    kept: list[object] = []
    for path in _chain_files(directory):
        suffix = path.suffix.lower()
        if suffix in {".xlsx", ".xls", ".ods"}:
            book = CalamineWorkbook.from_path(str(path))
            kept += [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]
        elif suffix == ".json":
            kept.append(orjson.loads(path.read_bytes()))
        elif suffix == ".xml":
            kept.append(ET.parse(path))  # noqa: S314
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                first = handle.readline()
                handle.seek(0)
                delimiter = ";" if first.count(";") >= first.count(",") else ","
                kept.append(list(csv.reader(handle, delimiter=delimiter)))
    return {
        "files": len(kept),
        "total": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _floor(directory: Path, repeats: int) -> dict[str, float]:
    runs = [_timed_subprocess(["--floor", str(directory)]) for _ in range(repeats)]
    floor = {**_median(runs), "runs": repeats}
    print(f"  gulv (læs blot filerne): {floor['process_cpu']:.2f} s CPU", flush=True)
    return floor


def _baseline_run(klik: Path) -> dict[str, float]:
    """The analyst's script (bench/baseline.py), timed like an audit: start to written file."""
    import contextlib
    import io
    import runpy

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
        script = runpy.run_path(str(_baseline_script()))
        script["main"](str(klik), str(Path(out) / "uden_nummer.xlsx"))
    return {
        "total": time.perf_counter() - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _versus_baseline(directory: Path, repeats: int) -> dict[str, Any]:
    """telefonspor's KLIK-only audit with all three reports against the analyst's script."""
    ours_args = ["--one", str(directory), "--klik-only"]
    theirs_args = ["--baseline", str(_klik_file(directory))]
    # One untimed run of each first (files, libraries and bytecode in the page cache, as after
    # the national size's 6 GB), then the two alternately: neither gets the warmer machine.
    _timed_subprocess(ours_args)
    _timed_subprocess(theirs_args)
    ours: list[dict[str, float]] = []
    theirs: list[dict[str, float]] = []
    for _ in range(repeats):
        ours.append(_timed_subprocess(ours_args))
        theirs.append(_timed_subprocess(theirs_args))
    telefonspor = {**_median(ours), "runs": repeats}
    script = {**_median(theirs), "runs": repeats}
    print(
        f"  {KLIK_ONLY.holders:,} rolleindehavere, kun KLIK: telefonspor "
        f"{telefonspor['process_cpu']:.2f} s CPU, analytikerens script "
        f"{script['process_cpu']:.2f} s CPU",
        flush=True,
    )
    return {"holders": KLIK_ONLY.holders, "telefonspor": telefonspor, "script": script}


def _size_of(name: str) -> int:
    """The amount of data a size holds: users per system plus holders."""
    size = next(s for s in SIZES if s.name == name)
    return size.users + size.holders


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 15's five targets, each as the figure measured in this run against its goal."""
    out: list[dict[str, Any]] = []
    if "baseline" in results:
        b = results["baseline"]
        ratio = b["script"]["process_cpu"] / b["telefonspor"]["process_cpu"]
        wall = b["script"]["process_wall"] / b["telefonspor"]["process_wall"]
        out.append(
            {
                "target": "baseline",
                "value": round(ratio, 2),
                "wall": round(wall, 2),
                "goal": BASELINE_TARGET,
                "met": ratio >= BASELINE_TARGET,
            }
        )
    if "floor" in results and "large" in results:
        ratio = results["large"]["process_cpu"] / results["floor"]["process_cpu"]
        wall = results["large"]["process_wall"] / results["floor"]["process_wall"]
        out.append(
            {
                "target": "floor",
                "value": round(ratio, 2),
                "wall": round(wall, 2),
                "goal": FLOOR_TARGET,
                "met": ratio <= FLOOR_TARGET,
            }
        )
    if "national" in results:
        # What the user waits for: the whole process's wall time, start to written reports, with
        # the forked reader's memory added to the peak (_tree_peak). CPU seconds are shown too.
        got = results["national"]
        seconds, megabytes = TARGETS["national"]
        wall = got.get("process_wall", got["total"])
        memory = _tree_peak(got)
        out.append(
            {
                "target": "national",
                "value": round(wall, 1),
                "cpu": round(got.get("process_cpu", got["cpu"]), 1),
                "memory": memory,
                "goal": seconds,
                "memory_goal": megabytes,
                "met": wall <= seconds and memory <= megabytes,
                **(
                    {"floor": results["national_floor"]["process_cpu"]}
                    if "national_floor" in results
                    else {}
                ),
            }
        )
    rate = results.get("phone_engine", {}).get("values_per_second")
    if rate is not None:
        out.append(
            {
                "target": "phone_engine",
                "value": rate,
                "goal": PHONE_TARGET,
                "met": rate >= PHONE_TARGET,
            }
        )
    sizes = [s.name for s in SIZES if s.name in results]
    for small, big in itertools.pairwise(sizes):
        growth = _size_of(big) / _size_of(small)
        time_growth = _one_process_cpu(results[big]) / _one_process_cpu(results[small]) / growth
        memory_growth = _tree_peak(results[big]) / _tree_peak(results[small]) / growth
        out.append(
            {
                "target": f"linear {small}->{big}",
                "value": round(time_growth, 2),
                "memory": round(memory_growth, 2),
                "goal": LINEAR_TARGET,
                "met": time_growth <= LINEAR_TARGET and memory_growth <= LINEAR_TARGET,
            }
        )
    return out


def _one_process_cpu(figures: dict[str, float]) -> float:
    """CPU seconds of the size's audit in one process (older results: the run's own)."""
    return float(figures.get("cpu_one_process", figures["cpu"]))


def _tree_peak(figures: dict[str, float]) -> float:
    """The peak memory of a run and its forked reader (older results: the run's own)."""
    return float(figures.get("peak_tree_mb", figures["peak_rss_mb"]))


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = runs[0].keys()
    return {k: round(statistics.median(r.get(k, 0.0) for r in runs), 3) for k in keys}


def realistic_raw_values(count: int, seed: int = SEED) -> list[object]:
    """Raw cells as KLIK, AD and OS2sofd exports hold them: text, Excel numbers, noise."""
    rng = random.Random(seed)
    prefixes = sorted(MOBILE_PREFIXES_2 | LANDLINE_PREFIXES_2)
    out: list[object] = []
    for _ in range(count):
        digits = rng.choice(prefixes) + f"{rng.randrange(1_000_000):06d}"
        shape = rng.random()
        if shape < 0.30:
            out.append(digits)
        elif shape < 0.50:
            out.append(f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}")
        elif shape < 0.62:
            out.append(f"+45 {digits}")
        elif shape < 0.72:
            out.append(float(digits))
        elif shape < 0.76:
            out.append(float("45" + digits))
        elif shape < 0.86:
            out.append("")
        elif shape < 0.89:
            out.append(f"tlf. {digits[:4]} {digits[4:]}")
        elif shape < 0.92:
            out.append(rng.choice(["12345678", "00000000", "70101155", "4417", "1234"]))
        elif shape < 0.94:
            out.append(f"{digits} / {rng.choice(prefixes)}{rng.randrange(1_000_000):06d}")
        elif shape < 0.95:
            out.append("+46 70 123 45 67")
        else:
            out.append(int(digits))
    return out


def _phone_throughput() -> float:
    from telefonspor.phones import PhoneEngine

    values = realistic_raw_values(1_000_000)
    gc.freeze()  # as in a CLI run (cli.app.freeze_inputs): the inputs are not the collector's business
    engine = PhoneEngine()
    # CPU time: on a shared machine the wall clock measures the neighbours too.
    started = time.process_time()
    for raw in values:
        engine.parse(raw)
    elapsed = time.process_time() - started
    return round(len(values) / elapsed)


def _print_size(size: Size, timings: dict[str, float]) -> None:
    print(f"  {size.name}: {timings['total']:.2f} s, {timings['peak_rss_mb']:.0f} MB", flush=True)


def _print_table(results: dict[str, Any]) -> None:
    sizes = [s.name for s in SIZES if s.name in results]
    stages = [
        "read",
        "normalise",
        "identity",
        "diagnose",
        "systemic",
        "summarise",
        "report_xlsx",
        "report_html",
        "report_json",
        "total",
        "cpu",
        "process_wall",
        "peak_tree_mb",
    ]
    print()
    print("| trin | " + " | ".join(sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for stage in stages:
        cells = [
            f"{_tree_peak(results[s]) if stage == 'peak_tree_mb' else results[s].get(stage, 0.0):.2f}"
            for s in sizes
        ]
        print(f"| {stage} | " + " | ".join(cells) + " |")
    rate = results["phone_engine"]["values_per_second"]
    print(f"\nTelefonmotor: {rate:,.0f} værdier/s (mål {PHONE_TARGET:,})")
    for verdict in results.get("targets", ()):
        mark = "OK" if verdict["met"] else "OVER MÅL"
        extra = f", hukommelse {verdict['memory']:g}" if "memory" in verdict else ""
        extra += f", CPU {verdict['cpu']:g} s" if "cpu" in verdict else ""
        print(f"{verdict['target']}: {verdict['value']:g}{extra} (mål {verdict['goal']:g}): {mark}")


if __name__ == "__main__":
    from telefonspor.edge.quick_exit import exit_process

    exit_process(main())  # a timed run ends as the command line does (cli.main)
