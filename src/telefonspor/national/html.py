"""landsoversigt.html: one self-contained page (inline CSS and SVG, no script, works offline).

The map is a tile grid (see :mod:`tilegrid`) coloured with six steps of the
viridis palette, which stays distinguishable for the common forms of colour
blindness and in greyscale. Colour is never the only carrier: every tile also
prints its coverage and has an accessible label, and municipalities without
data are hatched and say "ingen data".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import jinja2

from telefonspor.model import CAUSE_CODES
from telefonspor.national.jsonout import ordered
from telefonspor.national.overview import Entry, Overview
from telefonspor.national.tilegrid import COLUMNS, ROWS, TILES
from telefonspor.reports.atomic import write_text_atomic
from telefonspor.reports.view import danish_datetime, danish_number
from telefonspor.texts import CAUSE_EXPLANATIONS, cause_label

TILE: Final = 48
GAP: Final = 4
PITCH: Final = TILE + GAP


@dataclass(frozen=True, slots=True)
class Band:
    """One colour step of the legend: coverage from ``low`` (inclusive) up to the next band."""

    low: float
    fill: str
    ink: str  # text colour with enough contrast on ``fill``
    label: str


#: viridis, dark (low coverage) to light (high coverage).
BANDS: Final[tuple[Band, ...]] = (
    Band(0.0, "#440154", "#ffffff", "under 50 %"),
    Band(50.0, "#414487", "#ffffff", "50–60 %"),
    Band(60.0, "#2a788e", "#ffffff", "60–70 %"),
    Band(70.0, "#22a884", "#000000", "70–80 %"),
    Band(80.0, "#7ad151", "#000000", "80–90 %"),
    Band(90.0, "#fde725", "#000000", "90 % og derover"),
)
NO_DATA_FILL: Final = "url(#ingen-data)"


def band_of(coverage: float) -> Band:
    chosen = BANDS[0]
    for band in BANDS:
        if coverage >= band.low:
            chosen = band
    return chosen


@dataclass(frozen=True, slots=True)
class MapTile:
    code: str
    x: int
    y: int
    label: str
    value: str  # printed on the tile
    fill: str
    ink: str
    aria: str


@dataclass(frozen=True, slots=True)
class CauseRow:
    code: str
    label: str
    explanation: str
    count: int
    share: str
    width: float  # bar width in percent of the widest


def percent(value: float | None) -> str:
    return "ingen data" if value is None else f"{danish_number(value)} %"


def change_text(change: float | None) -> str:
    """'▲ +3,2 procentpoint', '▼ −1,0 procentpoint', '● uændret', '' without a comparison."""
    if change is None:
        return ""
    if change > 0:
        return f"▲ +{danish_number(change)} procentpoint"
    if change < 0:
        return f"▼ −{danish_number(-change)} procentpoint"
    return "● uændret"


def aria_label(entry: Entry) -> str:
    name = entry.municipality.name
    if entry.coverage_pct is None:
        return f"{name}: ingen data"
    text = f"{name}: {percent(entry.coverage_pct)} af rollerne har telefonnummer"
    change = entry.change
    if change is None or entry.previous is None:
        return text
    since = f"siden {_day(entry.previous.date)}"
    if change == 0:
        return f"{text}, uændret {since}"
    # Spoken words, not arrows: the direction must be clear without the symbol.
    verb = "steget" if change > 0 else "faldet"
    return f"{text}, {verb} {danish_number(abs(change))} procentpoint {since}"


def tiles(overview: Overview) -> list[MapTile]:
    out = []
    for entry in overview.entries:
        tile = TILES[entry.municipality.code]
        if entry.coverage_pct is None:
            fill, ink, value = NO_DATA_FILL, "#000000", "–"
        else:
            band = band_of(entry.coverage_pct)
            fill, ink, value = band.fill, band.ink, danish_number(entry.coverage_pct)
        out.append(
            MapTile(
                code=entry.municipality.code,
                x=tile.col * PITCH,
                y=tile.row * PITCH,
                label=tile.label,
                value=value,
                fill=fill,
                ink=ink,
                aria=aria_label(entry),
            )
        )
    return out


def cause_rows(overview: Overview) -> list[CauseRow]:
    counts = ordered(overview.national.causes, CAUSE_CODES)
    total = sum(counts.values())
    widest = max(counts.values(), default=0)
    return [
        CauseRow(
            code=code,
            label=cause_label(code) or code,
            explanation=CAUSE_EXPLANATIONS.get(code, ""),
            count=count,
            share=percent(round(100.0 * count / total, 1)) if total else "",
            width=round(100.0 * count / widest, 1) if widest else 0.0,
        )
        for code, count in counts.items()
    ]


def render_html(overview: Overview) -> str:
    template = _environment().get_template("landsoversigt.html.j2")
    return template.render(
        o=overview,
        tiles=tiles(overview),
        bands=BANDS,
        tile_size=TILE,
        width=COLUMNS * PITCH - GAP,
        height=ROWS * PITCH - GAP,
        ranking=overview.ranking(),
        causes=cause_rows(overview),
        missing=[e for e in overview.entries if e.coverage_pct is None],
    )


def write_html(overview: Overview, path: Path) -> Path:
    write_text_atomic(path, render_html(overview))
    return path


def _day(iso: str) -> str:
    return danish_datetime(iso[:10])


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("telefonspor.national", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = percent
    env.filters["num"] = lambda v: "" if v is None else danish_number(v)
    env.filters["change"] = change_text
    env.filters["day"] = lambda v: "" if not v else _day(str(v))
    env.filters["when"] = lambda v: danish_datetime(str(v)) if v else ""
    env.globals["rank_of"] = overview_rank
    return env


def overview_rank(overview: Overview, entry: Entry) -> str:
    rank = overview.rank_of(entry)
    return "" if rank is None else f"{rank}."
