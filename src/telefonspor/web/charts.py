"""Numbers for the inline SVG charts (the templates draw them; no JavaScript needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from telefonspor.model import AuditResult, Summary, TrendPoint
from telefonspor.reports.view import ChainStep, chain_losses

WIDTH: Final = 640
HEIGHT: Final = 220
_LEFT: Final = 48
_RIGHT: Final = 16
_TOP: Final = 16
_BOTTOM: Final = 36


@dataclass(frozen=True, slots=True)
class TrendDot:
    x: float
    y: float
    run_id: int
    started_at: str
    coverage_pct: float


@dataclass(frozen=True, slots=True)
class TrendChart:
    dots: tuple[TrendDot, ...]
    polyline: str
    grid: tuple[tuple[float, int], ...]  # (y, percent)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = _LEFT
    right: int = WIDTH - _RIGHT
    bottom: int = HEIGHT - _BOTTOM


def trend_chart(points: Sequence[TrendPoint]) -> TrendChart:
    """Coverage (0-100 %) over the stored runs, oldest left."""
    inner_w = WIDTH - _LEFT - _RIGHT
    inner_h = HEIGHT - _TOP - _BOTTOM
    step = inner_w / (len(points) - 1) if len(points) > 1 else 0.0
    dots = tuple(
        TrendDot(
            x=round(_LEFT + (i * step if len(points) > 1 else inner_w / 2), 1),
            y=round(_TOP + inner_h * (1 - min(100.0, max(0.0, p.coverage_pct)) / 100), 1),
            run_id=p.run_id,
            started_at=p.started_at,
            coverage_pct=p.coverage_pct,
        )
        for i, p in enumerate(points)
    )
    grid = tuple((round(_TOP + inner_h * (1 - pct / 100), 1), pct) for pct in (0, 25, 50, 75, 100))
    return TrendChart(dots, " ".join(f"{d.x},{d.y}" for d in dots), grid)


def chain_from_causes(causes: Mapping[str, int]) -> list[ChainStep]:
    """The chain diagram's losses per hop from a stored run's cause counts."""
    empty = AuditResult(
        summary=Summary(0, 0, 0, 0, 0, {}, {}),
        holders=(),
        users_without_roles=(),
        findings=(),
        by_role=(),
        by_unit=(),
        generated_at="",
    )
    return [
        ChainStep(step.label, step.causes, sum(int(causes.get(c, 0)) for c in step.causes))
        for step in chain_losses(empty)
    ]
