"""rapport.html: one self-contained file (inline CSS, JS and SVG; works offline).

The summary, charts and small tables are rendered here with Jinja2 (autoescape
on). The table of holders without a number is embedded as JSON and rendered in
the browser 50 rows at a time (search, filters, sorting), so a report with
thousands of holders opens at once. Printing renders every row of the current
filter into a plain table just before the print dialog (``beforeprint``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jinja2
import orjson
from markupsafe import Markup

from telefonspor.errors import InputError
from telefonspor.gcpause import without_gc
from telefonspor.hints import whatif_command
from telefonspor.model import FINDING_CODES, AuditResult, HolderResult, Hop, ReportContext
from telefonspor.reports import view
from telefonspor.reports.atomic import atomic_path, write_text_atomic
from telefonspor.texts import (
    CAUSE_EXPLANATIONS,
    CAUSE_LABELS,
    FINDING_EXPLANATIONS,
    FINDING_LABELS,
    NO_CHAIN_TEXT,
    NO_CHAIN_TITLE,
    PARTY_LABELS,
    cause_label,
    party_label,
    plural,
    system_label,
)

_PAGE_SIZE: Final = 50


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    y: float
    width: float
    text: str


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    label: str
    value: float


@without_gc
def write_html(result: AuditResult, path: Path | str, context: ReportContext | None = None) -> Path:
    """Write rapport.html atomically and return its path."""
    target = Path(path)
    page = _page(result, context, rows=False)
    open_, decided = page["data"]
    # The table's JSON is most of the page: rendered around a marker and written as the
    # encoder's bytes, it is never decoded, copied into a Markup, joined and encoded again.
    page["data"] = _DATA_MARKER
    head, marker, tail = _template().render(**page).partition(_DATA_MARKER)
    if not marker or _DATA_MARKER in tail:  # pragma: no cover - one {{ data }}, escaped text
        write_text_atomic(target, render_html(result, context))
        return target
    with atomic_path(target) as tmp:
        try:
            with tmp.open("wb") as handle:
                parts = _table_json_parts(open_, decided)
                if parts is None:
                    parts = [_json_bytes(_table_data(open_, decided))]
                handle.writelines((head.encode("utf-8"), *parts, tail.encode("utf-8")))
        except OSError as exc:
            raise InputError(
                f"Kan ikke skrive rapporten: {exc.strerror}", path=str(target)
            ) from exc
    return target


#: Where the table's JSON goes in the rendered page: markup, so no escaped text can be it.
_DATA_MARKER: Final = Markup("<telefonspor-holder-data/>")


def render_html(result: AuditResult, context: ReportContext | None = None) -> str:
    page = _page(result, context)
    page["data"] = embed_json(page["data"])
    return _template().render(**page)


_TEMPLATE: Final = "rapport.html.j2"
#: The template compiled ahead of time (``scripts/compile_templates.py`` writes it, a test
#: checks that it is current), loaded from its .pyc like any module.
COMPILED_MODULE: Final = "telefonspor.reports._compiled_rapport"


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The report's template: the compiled module when it was made from this very template
    by this Jinja version with these options, else compiled now (~0.04 s a process)."""
    env = _environment()
    try:
        compiled = importlib.import_module(COMPILED_MODULE)
    except ImportError:  # pragma: no cover - the module ships with the package
        compiled = None
    if compiled is not None and getattr(compiled, "KEY", None) == _template_key(env):
        # What jinja2.ModuleLoader does with a module of compile_templates().
        return env.template_class.from_module_dict(env, vars(compiled), env.make_globals(None))
    return env.get_template(_TEMPLATE)


def _template_source(env: jinja2.Environment) -> str:
    assert env.loader is not None
    return env.loader.get_source(env, _TEMPLATE)[0]


def _template_key(env: jinja2.Environment) -> str:
    """What the compiled code depends on: Jinja's version, the options, the template."""
    made_by = (
        jinja2.__version__,
        env.autoescape,
        env.trim_blocks,
        env.lstrip_blocks,
        env.keep_trailing_newline,
        env.newline_sequence,
    )
    text = f"{made_by!r}\n{_template_source(env)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compiled_module_text() -> str:
    """The text of :data:`COMPILED_MODULE` for the current template (deferred init, as
    ``Environment.compile_templates`` writes it, so one module serves any environment)."""
    env = _environment()
    code = env.compile(_template_source(env), _TEMPLATE, raw=True, defer_init=True)
    return (
        f'"""rapport.html.j2 compiled by Jinja: made by scripts/compile_templates.py; do not edit."""\n'
        f"# ruff: noqa\n"
        f"KEY = {_template_key(env)!r}\n"
        f"{code}\n"
    )


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # One per process: the template is compiled once (the web app renders many reports).
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("telefonspor.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dk"] = view.danish_number
    env.filters["when"] = view.danish_datetime
    env.globals["plural"] = plural
    return env


def _static(name: str) -> Markup:
    # Our own hand-written files: trusted, inlined verbatim.
    text = resources.files("telefonspor.reports").joinpath("static", name).read_text("utf-8")
    return Markup(text)  # noqa: S704


def embed_json(data: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' survive as such."""
    try:
        # What json.dumps(ensure_ascii=False, separators=(",", ":")) writes for text, ints,
        # bools, null, lists and dicts with text keys, ~10x faster.
        text = orjson.dumps(data).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate: the plain encoder
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if "<" in text or ">" in text or "&" in text:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704


def _json_bytes(data: Any) -> bytes:
    """``embed_json(data)`` encoded as UTF-8, made without a str of it where it can be."""
    try:
        raw = orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate: as embed_json does
        return str(embed_json(data)).encode("utf-8")
    return _escaped(raw)  # ASCII: the same replacements as bytes


def _page(
    result: AuditResult, context: ReportContext | None, *, rows: bool = True
) -> dict[str, Any]:
    """The template's values; ``rows=False``: "data" is (the open cases, the decisions), the
    table's rows not made (``write_html`` makes and writes them a batch at a time)."""
    s = result.summary
    open_, accepted = view.split_uncovered(result, context)
    decided = view.decisions(context)
    gap = s.roles - s.roles_covered
    ranked = view.ranked_gains(result)
    gains = [f for f, _ in ranked]
    cumulative = [pct for _, pct in ranked]
    causes = view.cause_counts(result)
    trend = context.trend if context else ()
    quality = Counter(f.code for f in result.findings)
    return {
        "css": _static("report.css"),
        "js": _static("report.js"),
        "municipality": view.municipality(result),
        "generated_at": result.generated_at,
        "date": result.generated_at[:10],
        "s": s,
        "open_count": len(open_),
        "accepted": [(h, view.decision_text(decided.get(h.user_id))) for h in accepted],
        "gains": list(zip(gains, cumulative, strict=True)),
        "gain_bars": _bars(
            [(f.title, c) for f, c in zip(gains, cumulative, strict=True)], 100, suffix=" %"
        ),
        "gap": gap,
        "steps": view.task_steps(result, context),
        "task_decision": context.task_decision if context else None,
        "decision_text": view.decision_text,
        "cause_bars": _bars([(CAUSE_LABELS.get(c, c), n) for c, n in causes]),
        "causes": [
            (c, n, CAUSE_LABELS.get(c, c), CAUSE_EXPLANATIONS.get(c, "")) for c, n in causes
        ],
        "chain": _chain(result),
        "trend": trend if len(trend) >= 2 else (),
        "trend_points": _trend_points(trend) if len(trend) >= 2 else [],
        "changes": context.changes if context else None,
        "quality": [
            (
                code,
                quality[code],
                FINDING_LABELS.get(code, code),
                FINDING_EXPLANATIONS.get(code, ""),
            )
            for code in FINDING_CODES
            if quality[code]
        ],
        "by_role": result.by_role,
        "by_unit": result.by_unit,
        "sources": result.sources,
        "source_notes": result.source_notes,
        "rerun": result.rerun,
        "whatif_command": whatif_command,
        "no_chain": None if result.sources or not result.uncovered() else NO_CHAIN_TEXT,
        "no_chain_title": NO_CHAIN_TITLE,
        "system_label": system_label,
        "position_label": view.position_label,
        "party_label": party_label,
        "cause_label": cause_label,
        "without_roles": sorted(result.users_without_roles, key=lambda u: u.user_id),
        "page_size": _PAGE_SIZE,
        # The table's rows as data: embed_json'ed by render_html, written as bytes by write_html.
        "data": _table_data(open_, decided) if rows else (open_, decided),
    }


def _bars(
    items: Sequence[tuple[str, float]], scale: int | None = None, suffix: str = ""
) -> list[Bar]:
    """Horizontal bars, 28 px apart, up to 380 px long."""
    top = scale or max((v for _, v in items), default=0) or 1
    return [
        Bar(
            label,
            value,
            28.0 * i,
            round(380.0 * value / top, 1),
            f"{view.danish_number(value)}{suffix}",
        )
        for i, (label, value) in enumerate(items)
    ]


def _trend_points(trend: Any) -> list[Point]:
    """Coverage over runs on a 600 x 200 plot (0-100 %)."""
    n = len(trend)
    step = 560.0 / (n - 1)
    return [
        Point(
            round(20 + i * step, 1),
            round(200 - 2 * p.coverage_pct, 1),
            p.started_at[:10],
            p.coverage_pct,
        )
        for i, p in enumerate(trend)
    ]


def _chain(result: AuditResult) -> dict[str, int]:
    losses = {step.causes: step.holders for step in view.chain_losses(result)}
    return {
        "source": losses[("missing_in_source", "invalid_in_source")],
        "source_local": losses[("lost_source_to_local",)],
        "local_fkorg": losses[("lost_local_to_fkorg", "lost_before_fkorg")],
        "fkorg_klik": losses[("lost_fkorg_to_klik",)],
        "legacy": losses[("legacy_klik_user",)],
        "undetermined": losses[("undetermined",)],
    }


class _Labels(dict[str, str]):
    """Danish labels by code, each made once by ``make`` (a plain lookup per hop)."""

    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, code: str) -> str:
        label = self[code] = self.make(code)
        return label


class _HopEntries(dict[Hop, dict[str, Any]]):
    """A hop's entry in the table's data by the hop (its content: frozen, hashable), made once.

    Few uncovered holders' hops differ (a system that misses them, an empty field): a tenth
    of them at scale, so most entries are shared, not made again. An entry is a function of
    the hop and its key, which is the hop's system for these (see ``_hop_entries``).
    """

    def __init__(self, make: Callable[[str, Hop], dict[str, Any]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, hop: Hop) -> dict[str, Any]:
        entry = self[hop] = self.make(hop.system, hop)
        return entry


def _hop_entry_maker() -> Callable[[str, Hop], dict[str, Any]]:
    """A hop's entry in the table's data from its key and the hop, with Danish labels."""
    # The labels by subscript, not a call or .get per hop: a trace has few distinct codes.
    labels = _Labels(view.hop_label)  # hop key -> its label
    positions = _Labels(view.position_label)
    keys = _Labels(lambda code: view.KEY_LABELS.get(code, code))
    confidences = _Labels(lambda code: view.CONFIDENCE_LABELS.get(code, code))

    def entry(key: str, hop: Hop) -> dict[str, Any]:
        return {
            "system": labels[key],
            "position": positions[hop.position],
            "found": hop.found,
            "direct": hop.direct,
            "mobile": hop.mobile,
            "sent_direct": hop.sent_direct,
            "sent_mobile": hop.sent_mobile,
            "key": keys[hop.key],
            "confidence": confidences[hop.confidence],
            "notes": hop.notes,  # tuples are JSON arrays as lists are
        }

    return entry


def _hop_entries(trace: Sequence[Hop], entries: _HopEntries) -> list[dict[str, Any]]:
    """The entries of a holder's trace, in order, keyed as ``view.keyed_trace``."""
    if len(trace) == 1:  # a KLIK-only audit: no comprehension for one hop
        return [entries[trace[0]]]
    # Each system once (the common trace): each hop's key is its system, and its entry the
    # shared one; else ("#2" keys) an entry made for this key.
    if len({hop.system for hop in trace}) == len(trace):
        return [entries[hop] for hop in trace]
    return [entries.make(key, hop) for key, hop in view.keyed_hops(trace)]


def _table_data(holders: Sequence[HolderResult], decided: Any) -> dict[str, Any]:
    """The uncovered holders as compact rows for report.js (short keys keep the file small)."""
    return {**_table_head(), "rows": _rows(holders, decided, _HopEntries(_hop_entry_maker()))}


def _table_head() -> dict[str, Any]:
    """The table data's keys before its rows."""
    return {
        "pageSize": _PAGE_SIZE,
        "causes": {code: cause_label(code) for code in CAUSE_LABELS},
        "parties": dict(PARTY_LABELS),
    }


def _rows(holders: Sequence[HolderResult], decided: Any, entries: _HopEntries) -> list[Any]:
    rows = []
    for h in holders:
        hops = _hop_entries(h.trace, entries)
        decision = decided.get(h.user_id)
        rows.append(
            {
                "u": h.user_id,
                "n": h.name,
                "e": h.unit,
                "r": h.roles,
                "d": h.direct.raw,
                "m": h.mobile.raw,
                "p": view.problem_text(h),
                "c": h.cause or "",
                "x": view.explanation(h),
                "s": h.responsible,
                "a": h.action,
                "b": view.decision_text(decision) if decision is not None else "",
                "f": h.flags,
                "t": hops,
            }
        )
    return rows


#: Rows made and encoded at a time by ``_table_json_parts``: few enough that a batch's dicts
#: stay in the processor's caches (as resultat.json's records, see jsonout._BATCH).
_ROWS_BATCH: Final = 512


def _table_json_parts(holders: Sequence[HolderResult], decided: Any) -> list[bytes] | None:
    """``_json_bytes(_table_data(holders, decided))`` in pieces, the rows made and encoded a
    batch at a time (not 50,000 row dicts before the first is encoded); None when orjson
    refuses a value (then ``_json_bytes`` of the whole, with its fallback)."""
    entries = _HopEntries(_hop_entry_maker())
    try:
        head = orjson.dumps({**_table_head(), "rows": []})
        # orjson writes no spaces: the list's "[" and "]" are the head's last but one bytes
        parts = [_escaped(head[:-2])]
        for start in range(0, len(holders), _ROWS_BATCH):
            chunk = orjson.dumps(_rows(holders[start : start + _ROWS_BATCH], decided, entries))
            if start:
                parts.append(b",")
            parts.append(_escaped(chunk[1:-1]))  # without the batch's brackets
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate
        return None
    parts.append(b"]}")
    return parts


def _escaped(raw: bytes) -> bytes:
    """As ``_json_bytes``: no '<', '>' or '&' survive as such (each byte on its own: any cut of
    the encoder's text into pieces escapes alike)."""
    if b"<" in raw or b">" in raw or b"&" in raw:
        raw = raw.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
    return raw
