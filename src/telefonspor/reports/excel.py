"""rapport.xlsx: the work list for the KLIK administrator and each responsible party.

Written with xlsxwriter in constant-memory mode (rows go to disk as they are
written, so 150,000 holders fit in little memory): every sheet is written top
to bottom, once. Every user-supplied string is written as text (never a
formula, never a number), see ``safe``.
"""

from __future__ import annotations

import io
import operator
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from itertools import zip_longest
from pathlib import Path
from typing import IO, Any, Final

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from telefonspor.errors import InputError
from telefonspor.gcpause import without_gc
from telefonspor.localtime import danish_datetime, short_datetime
from telefonspor.model import AuditResult, GroupCoverage, HolderResult, Hop, ReportContext
from telefonspor.reports import view
from telefonspor.reports.atomic import atomic_path
from telefonspor.reports.safe import FORMULA_STARTS, is_formula_like
from telefonspor.reports.xlsxrows import Cell, columns_xml
from telefonspor.texts import (
    CAUSE_LABELS,
    FINDING_LABELS,
    SLOT_LABELS,
    cause_label,
    party_label,
    system_label,
)

#: Excel's limit for one cell's text.
_MAX_CELL: Final = 32_767

HOLDER_HEADERS: Final = (
    "Brugernavn",
    "Navn",
    "Enhed",
    "Roller",
    "Direkte nummer",
    "Mobil nummer",
    "Hvad er galt",
    "Årsag",
    "Forklaring",
    "Ansvarlig",
    "Handling",
    "Beslutning",
)
_HOLDER_WIDTHS: Final = (16, 26, 24, 40, 16, 16, 34, 34, 60, 24, 60, 30)

#: Rows turned into XML at a time (1,024 measured ~0.05-0.1 s faster than 4,096 on 150,000
#: holders: a block's lists and text stay in the processor's caches).
_BLOCK: Final = 1_024
#: Where a table's data rows go in its worksheet's XML until ``_repack`` puts them there. No
#: cell can contain it: cell text is escaped ("<" is "&lt;").
_MARKER: Final = "<!--telefonspor-rows-%d-->"
_MARKER_START: Final = b"<!--telefonspor-rows-"
_MARKER_RE: Final = re.compile(rb"<!--telefonspor-rows-(\d+)-->")
#: Bytes of data rows kept in memory before they go to a temporary file.
_SPOOL_MAX: Final = 64 << 20
#: zlib level of rapport.xlsx's parts (see ``_repack``).
_ZIP_LEVEL: Final = 1


class _Sheet:
    """One worksheet written strictly row by row (constant-memory mode)."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.ws: Any = book.wb.add_worksheet(name)
        self.row = 0

    def widths(self, widths: Sequence[float]) -> None:
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)

    def line(self, values: Sequence[Cell], fmt: Any = None) -> int:
        row = self.row
        ws, cell = self.ws, self.book.cell
        write_string = ws._write_string  # past write_string's A1-notation wrapper: ~1 µs a cell
        for col, value in enumerate(values):
            # The common cell, inlined: the same checks as _Book.cell.
            if (
                type(value) is str
                and value
                and (fmt is not None or not value.startswith(FORMULA_STARTS))
            ):
                write_string(row, col, value[:_MAX_CELL], fmt)
                continue
            cell(ws, row, col, value, fmt)
        self.row += 1
        return row

    def blank(self) -> None:
        self.row += 1

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, freeze: bool
    ) -> None:
        """A header row, data rows, autofilter; frozen header when the table starts the sheet."""
        self._head(headers, len(rows), freeze)
        self.data_rows(rows)

    def column_table(
        self, headers: Sequence[str], columns: Sequence[Sequence[Cell]], *, freeze: bool
    ) -> None:
        """``table`` of rows given as their columns (each as long as the table)."""
        count = len(columns[0]) if columns else 0
        self._head(headers, count, freeze)
        self.data_columns(columns, count)

    def _head(self, headers: Sequence[str], count: int, freeze: bool) -> None:
        first = self.line(headers, self.book.header)
        if freeze:
            self.ws.freeze_panes(first + 1, 0)
        self.ws.autofilter(first, 0, first + max(count, 1), len(headers) - 1)

    def data_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Rows of plain cells (no format): see ``data_columns``."""
        self.data_columns(list(zip_longest(*rows, fillvalue=None)), len(rows))

    def data_columns(self, columns: Sequence[Sequence[Cell]], count: int) -> None:
        """``count`` rows of plain cells (no format), given as their columns: the same XML as
        ``line`` a row at a time would make, built a column at a time (``xlsxrows``) and
        kept aside; the worksheet gets a marker where they go, and ``_repack`` puts them
        there when the file is zipped."""
        if not count:
            return
        ws = self.ws
        # Flush the row xlsxwriter still holds (the header), then mark the place.
        ws._write_single_row(self.row)
        spool, tables = self.book.rows_spool, self.book.row_tables
        ws.fh.write(_MARKER % len(tables))
        offset = spool.tell()
        for start in range(0, count, _BLOCK):
            end = min(start + _BLOCK, count)
            block = columns_xml(
                [column[start:end] for column in columns],
                end - start,
                self.row,
                self.book.quoted_xf,
            )
            if block.last_row >= 0:
                spool.write(block.xml.encode("utf-8"))
                # Grow the sheet's <dimension> as the written cells would have.
                ws._check_dimensions(block.last_row, block.first_col)
                ws._check_dimensions(block.last_row, block.last_col)
            self.row += end - start
            ws.previous_row = self.row  # xlsxwriter writes nothing more into these rows
        tables.append((offset, spool.tell() - offset))


class _Book:
    def __init__(self, wb: Any, result: AuditResult, context: ReportContext | None) -> None:
        self.wb = wb
        self.result = result
        self.context = context
        self.decided = view.decisions(context)
        #: (open cases, accepted cases), in report order
        self.split = view.split_uncovered(result, context)
        #: The data rows of every table as UTF-8 XML, one after the other: in memory up to
        #: _SPOOL_MAX, then in a temporary file (a national report's rows stay out of memory).
        #: write_workbook, which makes the book, closes it.
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX)  # noqa: SIM115
        self.rows_spool: IO[bytes] = spool
        #: (offset, length) in the spool of each table's rows, in the order of their markers.
        self.row_tables: list[tuple[int, int]] = []
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#1A1A6C", "font_color": "#FFFFFF", "text_wrap": True}
        )
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1A1A6C"})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1A1A6C"})
        self.text_quoted = wb.add_format({"quote_prefix": True})
        self.pct = wb.add_format({"num_format": "0.0"})

    def quoted_xf(self) -> int:
        """The quote-prefix style's index (numbered on first use, as xlsxwriter does)."""
        return int(self.text_quoted._get_xf_index())

    def cell(self, ws: Any, row: int, col: int, value: Cell, fmt: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_string(row, col, "Ja" if value else "Nej", fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt if fmt is not None else None)
        else:
            text = value[:_MAX_CELL]
            # Text from users: always a string cell; formula-like text also gets Excel's quote prefix.
            quoted = fmt is None and is_formula_like(text)
            ws.write_string(row, col, text, self.text_quoted if quoted else fmt)

    # --- sheets ------------------------------------------------------------------

    def write(self) -> None:
        open_, accepted = self.split
        self.overview()
        # The open cases' cells, made once: "Uden telefon" and the party sheets show them.
        open_columns = self.holder_columns(open_)
        self.holder_sheet("Uden telefon", open_, open_columns)
        self.holder_sheet(
            "Accepteret", accepted, self.holder_columns(accepted), decided_columns=True
        )
        self.quality()
        self.groups("Pr. rolle", "Rolle", self.result.by_role)
        self.groups("Pr. enhed", "Enhed", self.result.by_unit)
        self.trace()
        cases: dict[str, list[int]] = {}
        for i, h in enumerate(open_):
            cases.setdefault(h.responsible, []).append(i)
        for party in view.party_order():
            if party in cases:
                self.party_sheet(view.PARTY_SHEETS[party], open_columns, cases[party])
        self.without_roles()

    def overview(self) -> None:
        r, s = self.result, self.result.summary
        sh = _Sheet(self, "Overblik")
        sh.widths((46, 16, 16, 16, 16, 16, 40, 30))
        where = view.municipality(r)
        sh.line(
            [f"Telefonspor – roller i KLIK uden telefonnummer{' – ' + where if where else ''}"],
            self.title,
        )
        sh.line([f"Dannet {danish_datetime(r.generated_at)}"])
        sh.blank()
        if r.systemic:
            self.gains(sh)
        open_, accepted = self.split
        sh.line(["Nøgletal"], self.heading)
        figures: list[tuple[str, Cell]] = [
            ("Roller i KLIK", s.roles),
            ("Roller med brugbart nummer", s.roles_covered),
            ("Rolle-dækning (%)", s.coverage_pct),
            ("Rolleindehavere", s.role_holders),
            ("Rolleindehavere med brugbart nummer", s.covered_holders),
            ("Personer-dækning (%)", s.holder_coverage_pct),
            ("Kan kontaktes direkte (personligt nummer)", s.direct_reach_holders),
            ("Åbne sager (uden nummer, ikke accepteret)", len(open_)),
            ("Accepterede sager (handles ikke)", len(accepted)),
            ("Brugere uden roller (tæller ikke med)", s.users_without_roles),
        ]
        for label, value in figures:
            sh.line([label, value], None)
        sh.blank()
        self.task(sh)
        self.causes(sh)
        self.chain(sh)
        self.trend(sh)
        self.changes(sh)
        self.sources(sh)

    def gains(self, sh: _Sheet) -> None:
        r = self.result
        sh.line(["Største gevinster – rettelser ordnet efter roller, de dækker"], self.heading)
        headers = (
            "Ændring",
            "Roller dækket",
            "Personer",
            "Lukker af hullet (%, samlet)",
            "Ansvarlig",
            "Bevis",
            "Sådan rettes det",
            "Afprøv med whatif",
        )
        first = sh.line(headers, self.header)
        gains = view.ranked_gains(r)
        ranked = [f for f, _ in gains]
        for f, closed in gains:
            sh.line(
                [
                    f.title,
                    f.roles_gained,
                    f.holders_gained,
                    closed,
                    party_label(f.responsible),
                    f.evidence_text,
                    f.fix,
                    f.setting,
                ]
            )
        chart = self.wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "Roller dækket",
                "categories": ["Overblik", first + 1, 0, first + len(ranked), 0],
                "values": ["Overblik", first + 1, 1, first + len(ranked), 1],
                "fill": {"color": "#1A1A6C"},
            }
        )
        line = self.wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": "Samlet andel af hullet (%)",
                "categories": ["Overblik", first + 1, 0, first + len(ranked), 0],
                "values": ["Overblik", first + 1, 3, first + len(ranked), 3],
                "y2_axis": True,
                "marker": {"type": "circle"},
            }
        )
        chart.combine(line)
        chart.set_title({"name": "Største gevinster"})
        chart.set_legend({"position": "bottom"})
        sh.ws.insert_chart(first, 9, chart, {"x_scale": 1.2})
        sh.blank()

    def task(self, sh: _Sheet) -> None:
        sh.line(["KLIK-opgavens fem trin"], self.heading)
        sh.line(("Trin", "Status", "Dato", "Note"), self.header)
        for step in view.task_steps(self.result, self.context):
            status = "Udført" if step.done_at else "Ikke udført"
            sh.line(
                [
                    f"{step.number}. {step.title}",
                    status,
                    short_datetime(step.done_at or ""),
                    step.note,
                ]
            )
        whole = self.context.task_decision if self.context else None
        if whole is not None:
            sh.line(
                [
                    "Beslutning for hele opgaven",
                    view.decision_text(whole),
                    short_datetime(whole.decided_at),
                    whole.decided_by,
                ]
            )
        sh.blank()

    def causes(self, sh: _Sheet) -> None:
        counts = view.cause_counts(self.result)
        sh.line(["Rolleindehavere uden nummer fordelt på årsag"], self.heading)
        first = sh.line(("Årsag", "Personer", "Roller"), self.header)
        roles: dict[str, int] = {}
        for h in self.result.holders:
            if not h.covered and h.cause:
                roles[h.cause] = roles.get(h.cause, 0) + len(h.roles)
        for code, n in counts:
            sh.line([CAUSE_LABELS.get(code, code), n, roles.get(code, 0)])
        if counts:
            chart = self.wb.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": "Personer",
                    "categories": ["Overblik", first + 1, 0, first + len(counts), 0],
                    "values": ["Overblik", first + 1, 1, first + len(counts), 1],
                    "fill": {"color": "#1A1A6C"},
                }
            )
            chart.set_title({"name": "Uden nummer pr. årsag"})
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})
            sh.ws.insert_chart(first, 9, chart, {"x_scale": 1.2})
        sh.blank()

    def chain(self, sh: _Sheet) -> None:
        sh.line(["Kæden: hvor numrene forsvinder"], self.heading)
        sh.line(("Sted i kæden", "Personer"), self.header)
        for step in view.chain_losses(self.result):
            sh.line([step.label, step.holders])
        sh.blank()

    def trend(self, sh: _Sheet) -> None:
        points = self.context.trend if self.context else ()
        if len(points) < 2:
            return
        sh.line(["Udvikling over kørsler"], self.heading)
        first = sh.line(
            ("Kørsel", "Dato", "Rolle-dækning (%)", "Roller", "Roller med nummer"), self.header
        )
        for p in points:
            sh.line(
                [
                    f"Kørsel {p.run_id}",
                    short_datetime(p.started_at),
                    p.coverage_pct,
                    p.roles,
                    p.roles_covered,
                ]
            )
        chart = self.wb.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": "Rolle-dækning (%)",
                "categories": ["Overblik", first + 1, 1, first + len(points), 1],
                "values": ["Overblik", first + 1, 2, first + len(points), 2],
                "line": {"color": "#1A1A6C"},
                "marker": {"type": "circle"},
            }
        )
        chart.set_title({"name": "Rolle-dækning over tid"})
        chart.set_y_axis({"min": 0, "max": 100})
        chart.set_legend({"none": True})
        sh.ws.insert_chart(first, 9, chart, {"x_scale": 1.2})
        sh.blank()

    def changes(self, sh: _Sheet) -> None:
        c = self.context.changes if self.context else None
        if c is None:
            return
        sh.line([f"Ændringer siden sidst (kørsel {c.from_run} → {c.to_run})"], self.heading)
        sh.line(("Ændring", "Personer"), self.header)
        sh.line(["Har fået nummer", len(c.fixed)])
        if c.via_selfservice:
            sh.line(["Heraf via selvbetjening", len(c.via_selfservice)])
        sh.line(["Nye uden nummer", len(c.newly_missing)])
        sh.line(["Skiftet årsag", len(c.changed_cause)])
        sh.line(["Ikke længere i KLIK", len(c.gone)])
        sh.blank()

    def sources(self, sh: _Sheet) -> None:
        r = self.result
        if not r.sources and not r.source_notes:
            return
        sh.line(["Kilder i kæden"], self.heading)
        sh.line(
            (
                "System",
                "Plads i kæden",
                "Poster",
                "Komplet",
                "Fil eller adresse",
                "",
                "Bemærkninger",
            ),
            self.header,
        )
        for src in r.sources:
            sh.line(
                [
                    system_label(src.kind),
                    view.position_label(src.position),
                    len(src.records),
                    "Ja" if src.complete else "NEJ – ufuldstændig",
                    src.origin,
                    None,
                    "; ".join(src.notes),
                ]
            )
        for note in r.source_notes:
            sh.line([f"Bemærk: {note}"])

    def holder_columns(self, holders: Sequence[HolderResult]) -> list[list[Cell]]:
        """The cells of ``HOLDER_HEADERS`` for ``holders``, a column at a time."""
        # The few distinct causes and parties: each label made once, then looked up.
        causes = {h.cause: cause_label(h.cause) for h in holders}
        parties = {h.responsible: party_label(h.responsible) for h in holders}
        parties[""] = ""
        decided = self.decided
        return [
            [h.user_id for h in holders],
            [h.name for h in holders],
            [h.unit for h in holders],
            ["; ".join(h.roles) for h in holders],
            [h.direct.raw for h in holders],
            [h.mobile.raw for h in holders],
            [view.problem_text(h) for h in holders],
            [causes[h.cause] for h in holders],
            [view.explanation(h) for h in holders],
            [parties[h.responsible] for h in holders],
            [h.action for h in holders],
            [view.decision_text(decided.get(h.user_id)) for h in holders]
            if decided
            else [""] * len(holders),
        ]

    def holder_sheet(
        self,
        name: str,
        holders: Sequence[HolderResult],
        columns: list[list[Cell]],
        *,
        decided_columns: bool = False,
    ) -> None:
        """``holders`` with their ``holder_columns``; their decisions' author and time too."""
        sh = _Sheet(self, name)
        headers: tuple[str, ...] = HOLDER_HEADERS
        widths: tuple[float, ...] = _HOLDER_WIDTHS
        if decided_columns:
            decisions = [self.decided.get(h.user_id) for h in holders]
            columns = [
                *columns,
                [d.decided_by if d else "" for d in decisions],
                [short_datetime(d.decided_at) if d else "" for d in decisions],
            ]
            headers += ("Besluttet af", "Besluttet")
            widths += (18, 20)
        sh.widths(widths)
        sh.column_table(headers, columns, freeze=True)

    def quality(self) -> None:
        holders = {h.user_id: h for h in self.result.holders}
        sh = _Sheet(self, "Datakvalitet")
        sh.widths((16, 18, 20, 30, 80))
        rows: list[Sequence[Cell]] = [
            [
                f.user_id,
                SLOT_LABELS.get(f.field, f.field),
                _raw(holders.get(f.user_id), f.field),
                FINDING_LABELS.get(f.code, f.code),
                f.message,
            ]
            for f in self.result.findings
        ]
        sh.table(("Brugernavn", "Felt", "Værdi", "Fund", "Forklaring"), rows, freeze=True)

    def groups(self, name: str, label: str, groups: Sequence[GroupCoverage]) -> None:
        sh = _Sheet(self, name)
        sh.widths((40, 16, 16, 12, 18, 14))
        rows: list[Sequence[Cell]] = [
            [
                g.name or "(ingen)",
                g.holders,
                g.covered_holders,
                g.roles,
                g.roles_covered,
                g.coverage_pct,
            ]
            for g in groups
        ]
        headers = (
            label,
            "Rolleindehavere",
            "Med nummer",
            "Roller",
            "Roller med nummer",
            "Dækning (%)",
        )
        sh.table(headers, rows, freeze=True)

    def trace(self) -> None:
        holders = view.trace_order(self.result)
        keys, hops_by_key = _trace_hops(holders)
        sh = _Sheet(self, "Spor")
        sh.widths((16, 26, 10, 34, *([18] * (2 * len(keys)))))
        headers = ["Brugernavn", "Navn", "Dækket", "Årsag"]
        for key in keys:
            headers += [f"{view.hop_label(key)} direkte", f"{view.hop_label(key)} mobil"]
        causes = {h.cause: cause_label(h.cause) for h in holders}
        columns: list[list[Cell]] = [
            [h.user_id for h in holders],
            [h.name for h in holders],
            ["Ja" if h.covered else "Nej" for h in holders],
            [causes[h.cause] for h in holders],
        ]
        for key in keys:
            # A trace cell: the system's number, "(ikke fundet)" without its record, ""
            # without the system in this holder's trace.
            found = hops_by_key[key]
            columns += [
                [
                    "" if hop is None else hop.direct if hop.found else "(ikke fundet)"
                    for hop in found
                ],
                [
                    "" if hop is None else hop.mobile if hop.found else "(ikke fundet)"
                    for hop in found
                ],
            ]
        sh.column_table(headers, columns, freeze=True)
        sh.ws.freeze_panes(1, 2)

    def party_sheet(self, name: str, open_columns: list[list[Cell]], rows: list[int]) -> None:
        """The open cases ``rows`` (indexes into ``open_columns``) of one responsible party."""
        sh = _Sheet(self, name)
        sh.widths((16, 26, 24, 40, 34, 60, 60, 16, 16))
        headers = (
            "Brugernavn",
            "Navn",
            "Enhed",
            "Roller",
            "Årsag",
            "Forklaring",
            "Handling",
            "Direkte nummer",
            "Mobil nummer",
        )
        # HOLDER_HEADERS' columns, in this sheet's order
        chosen = (0, 1, 2, 3, 7, 8, 10, 4, 5)
        columns = [[open_columns[c][i] for i in rows] for c in chosen]
        sh.column_table(headers, columns, freeze=True)

    def without_roles(self) -> None:
        sh = _Sheet(self, "Brugere uden roller")
        sh.widths((16, 26, 30, 24, 16, 16))
        users = sorted(self.result.users_without_roles, key=lambda u: u.user_id)
        rows: list[Sequence[Cell]] = [
            [u.user_id, u.name, u.email, u.unit, u.direct_raw, u.mobile_raw] for u in users
        ]
        headers = ("Brugernavn", "Navn", "E-mail", "Enhed", "Direkte nummer", "Mobil nummer")
        sh.table(headers, rows, freeze=True)


def _trace_hops(holders: Sequence[HolderResult]) -> tuple[list[str], dict[str, list[Hop | None]]]:
    """The "Spor" sheet's trace keys in column order (``view.trace_keys``), and per key each
    holder's hop of it (None where the holder's trace has none)."""
    traces = [h.trace for h in holders]
    by_system = _by_position(traces)
    if by_system is not None:
        return view.trace_keys([view.keyed_trace(traces[0])]), by_system
    by_key = [view.keyed_trace(t) for t in traces]
    keys = view.trace_keys(by_key)
    return keys, {key: [hops.get(key) for hops in by_key] for key in keys}


def _by_position(traces: Sequence[Sequence[Hop]]) -> dict[str, list[Hop | None]] | None:
    """Each system's hops, when every trace has the same systems in the same order, each
    once (a chain's or a KLIK-only audit); else None.

    Then a system's hops are one position of every trace: taken in C (itemgetter), with no
    dict per holder as ``view.keyed_trace`` makes."""
    if not traces or len(set(map(len, traces))) != 1:
        return None
    columns: dict[str, list[Hop | None]] = {}
    for i, hop in enumerate(traces[0]):
        column: list[Hop | None] = list(map(operator.itemgetter(i), traces))
        if hop.system in columns or set(map(_SYSTEM, column)) != {hop.system}:
            return None
        columns[hop.system] = column
    return columns


_SYSTEM: Final = operator.attrgetter("system")


def _raw(h: HolderResult | None, field: str) -> str:
    """The raw value of a holder's field ("direct" or "mobile"), "" for anything else."""
    if h is None:
        return ""
    if field == "direct":
        return h.direct.raw
    if field == "mobile":
        return h.mobile.raw
    return ""


@without_gc
def write_excel(
    result: AuditResult, path: Path | str, context: ReportContext | None = None
) -> Path:
    """Write rapport.xlsx atomically and return its path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        write_workbook(tmp, result, context, _Book.write, name=target)
    return target


def write_workbook(
    path: Path,
    result: AuditResult,
    context: ReportContext | None,
    fill: Callable[[_Book], None],
    *,
    name: Path,
) -> None:
    """Let ``fill`` write a workbook's sheets, then save it to ``path`` (errors name ``name``).

    xlsxwriter makes the whole workbook (styles, charts, widths, panes, filters and every
    cell but the big tables' data rows) in memory; ``_repack`` then zips it into ``path``
    with the data rows in place.
    """
    small = io.BytesIO()
    wb = xlsxwriter.Workbook(
        small,
        {
            "constant_memory": True,
            # Raw values stay exactly as written: no guessing of numbers, formulas or links.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    # The packager's parts in memory, not each in a temporary file (made, zipped, removed):
    # set after the constructor, which would turn constant_memory off with it.
    wb.in_memory = True
    book = _Book(wb, result, context)
    with book.rows_spool:
        try:
            fill(book)
        finally:
            try:
                wb.close()
            except (XlsxWriterException, OSError) as exc:
                raise InputError(f"Kan ikke skrive Excel-rapporten: {exc}", path=str(name)) from exc
        try:
            _repack(small.getvalue(), path, book.rows_spool, book.row_tables)
        except OSError as exc:
            raise InputError(f"Kan ikke skrive Excel-rapporten: {exc}", path=str(name)) from exc


def _repack(small: bytes, path: Path, spool: IO[bytes], row_tables: list[tuple[int, int]]) -> None:
    """Copy the parts of the ``small`` xlsx into ``path``, each marker replaced by its rows.

    The data rows are most of the file: they are compressed once, here, at zlib level 1
    (a quarter of the default level's time for a file ~20 % larger).
    """
    with (
        zipfile.ZipFile(io.BytesIO(small)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as out,
    ):
        for info in source.infolist():
            data = source.read(info)
            if _MARKER_START not in data:
                out.writestr(info.filename, data)
                continue
            pieces = _MARKER_RE.split(data)
            rows = sum(row_tables[int(i)][1] for i in pieces[1::2])
            # A part's size must be known to be under 2 GiB, or be written as ZIP64 from the start.
            big = len(data) + rows >= zipfile.ZIP64_LIMIT
            with out.open(info.filename, "w", force_zip64=big) as part:
                for i, piece in enumerate(pieces):
                    if i % 2 == 0:
                        part.write(piece)
                    else:
                        _copy(spool, *row_tables[int(piece)], part)


def _copy(source: IO[bytes], offset: int, length: int, target: IO[bytes]) -> None:
    source.seek(offset)
    while length > 0:
        chunk = source.read(min(length, 1 << 20))
        if not chunk:
            raise OSError("the rows of a table were cut short")
        target.write(chunk)
        length -= len(chunk)
