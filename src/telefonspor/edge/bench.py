"""`make bench`: time the full audit at three sizes and the phone engine's throughput.

Each measurement runs in a fresh process (``python -m telefonspor.edge.bench --one DIR``)
so caches and memory start cold; the median of three runs is reported with
the peak RSS. Results go to ``bench/result.json`` and a table on the screen.
Speed is proved here, never by timed asserts in tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
TARGETS = {"large": (4.0, 800), "national": (40.0, 4096)}  # seconds, MB
PHONE_TARGET = 1_000_000  # raw values per second
REPEATS = 3
SEED = 20261128


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="telefonspor.edge.bench", description="Måler telefonspors hastighed."
    )
    parser.add_argument("--cache", type=Path, default=Path("bench/cache"))
    parser.add_argument("--out", type=Path, default=Path("bench/result.json"))
    parser.add_argument("--sizes", default=",".join(s.name for s in SIZES))
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: one timed run
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_one_run(args.one)))
        return 0
    wanted = set(args.sizes.split(","))
    results: dict[str, Any] = {}
    for size in SIZES:
        if size.name not in wanted:
            continue
        directory = _generate(size, args.cache)
        # The national size takes minutes a run: it is measured once so `make bench` stays
        # under ten minutes; the others are the median of `--repeats` fresh runs.
        repeats = 1 if size.name == "national" else args.repeats
        runs = [_timed_subprocess(directory) for _ in range(repeats)]
        results[size.name] = {**_median(runs), "runs": repeats}
        _print_size(size, results[size.name])
    results["phone_engine"] = {"values_per_second": _phone_throughput()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"\nResultat skrevet til {args.out}")
    return 0


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


def _timed_subprocess(directory: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "telefonspor.edge.bench", "--one", str(directory)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _one_run(directory: Path) -> dict[str, float]:
    """The full audit with every report, as the CLI does it, timed per stage."""
    from telefonspor.edge.run import audit_files
    from telefonspor.reports.excel import write_excel
    from telefonspor.reports.html import write_html
    from telefonspor.reports.jsonout import write_json
    from telefonspor.settings import load

    started = time.perf_counter()
    timings: dict[str, float] = {}
    settings = load(directory / "kaede.toml")
    klik = next(directory.glob("klik*.xlsx"), None) or next(directory.glob("klik*"))
    # As the CLI does it (cli.app.freeze_inputs): the inputs are not the collector's business.
    result = audit_files(klik, settings, timings=timings, after_read=gc.freeze)
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
    timings["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings


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
    started = time.perf_counter()
    for raw in values:
        engine.parse(raw)
    elapsed = time.perf_counter() - started
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
        "peak_rss_mb",
    ]
    print()
    print("| trin | " + " | ".join(sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for stage in stages:
        cells = [f"{results[s].get(stage, 0.0):.2f}" for s in sizes]
        print(f"| {stage} | " + " | ".join(cells) + " |")
    rate = results["phone_engine"]["values_per_second"]
    print(f"\nTelefonmotor: {rate:,.0f} værdier/s (mål {PHONE_TARGET:,})")
    for name, (seconds, megabytes) in TARGETS.items():
        if name in results:
            got = results[name]
            verdict = (
                "OK" if got["total"] <= seconds and got["peak_rss_mb"] <= megabytes else "OVER MÅL"
            )
            print(
                f"{name}: {got['total']:.1f} s / {got['peak_rss_mb']:.0f} MB (mål {seconds:g} s / {megabytes} MB): {verdict}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
