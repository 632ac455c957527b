from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from telefonspor.model import AuditResult, ReportContext
from telefonspor.reports.html import embed_json, render_html, write_html

from .builders import EVIL_NAME, build_context, build_result


class _Collector(HTMLParser):
    """Ids, section ids, script blocks and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.sections: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.labels_for: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "section":
            self.sections.append(str(a.get("id")))
        if tag == "label":
            self.labels_for.append(str(a.get("for")))
        for name in ("src", "href", "action", "data", "xlink:href"):
            if a.get(name):
                self.urls.append(str(a[name]))
        if tag == "script":
            self._script, self._data = a, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._data)))
            self._script = None


def _parse(text: str) -> _Collector:
    c = _Collector()
    c.feed(text)
    return c


def _data(page: _Collector) -> Any:
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_every_section_is_present_in_order(result: AuditResult, context: ReportContext) -> None:
    page = _parse(render_html(result, context))
    assert page.sections == [
        "gevinster",
        "overblik",
        "opgave",
        "aarsager",
        "kaede",
        "udvikling",
        "aendringer",
        "uden-telefon",
        "accepteret",
        "datakvalitet",
        "pr-rolle",
        "pr-enhed",
        "kilder",
        "uden-roller",
    ]
    assert len(page.ids) == len(set(page.ids))


def test_optional_sections_are_left_out_without_data() -> None:
    page = _parse(render_html(build_result(9, systemic=False)))
    assert "gevinster" not in page.sections
    assert "udvikling" not in page.sections and "aendringer" not in page.sections
    assert "uden-telefon" in page.sections


def test_embedded_rows_are_the_open_cases(result: AuditResult, context: ReportContext) -> None:
    data = _data(_parse(render_html(result, context)))
    rows = data["rows"]
    assert isinstance(rows, list)
    assert [r["u"] for r in rows][:3] == ["bruger00024", "bruger00003", "bruger00027"]
    assert len(rows) == 13  # the accepted case is shown apart
    first = rows[0]
    assert first["c"] == "legacy_klik_user"
    assert [hop["system"] for hop in first["t"]] == ["AD", "OS2sofd", "FK-ORG", "KLIK"]
    assert first["t"][2]["found"] is False
    assert data["pageSize"] == 50
    assert data["causes"]["lost_local_to_fkorg"].startswith("Tabt mellem lokal")


def test_a_script_tag_in_a_name_cannot_break_out(tmp_path: Path) -> None:
    result = build_result(12, names={0: EVIL_NAME, 3: EVIL_NAME, 1: EVIL_NAME})
    # With a context, holder 0 is accepted: its name is rendered by the server too.
    text = write_html(result, tmp_path / "rapport.html", build_context(result)).read_text("utf-8")
    assert EVIL_NAME not in text
    page = _parse(text)
    # Only our two scripts: the data block and the inline program.
    assert [attrs.get("type") for attrs, _ in page.scripts] == ["application/json", None]
    names = {r["n"] for r in _data(page)["rows"]}
    assert EVIL_NAME in names
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in text  # server-rendered: escaped text


def test_embed_json_escapes_markup_characters() -> None:
    text = str(embed_json({"n": "</script><!-- & -->"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"n": "</script><!-- & -->"}


def test_self_contained_without_external_resources(
    result: AuditResult, context: ReportContext
) -> None:
    text = render_html(result, context)
    page = _parse(text)
    assert [u for u in page.urls if not u.startswith("#")] == []
    # No http(s) resource anywhere except data values (the source origin shown as text).
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?https?://", text) == []
    assert "@import" not in text and "url(" not in text
    assert "<link" not in text


def test_controls_are_labelled_and_sortable(result: AuditResult) -> None:
    text = render_html(result)
    page = _parse(text)
    for control in ("q", "f-cause", "f-party", "f-role", "f-unit"):
        assert control in page.ids and control in page.labels_for
    assert text.count('aria-sort="none"') == 5  # Brugernavn, Navn, Roller, Årsag, Ansvarlig
    assert "<dialog" in text and "@media print" in text and "beforeprint" in text


def test_incomplete_sources_and_notes_are_marked(result: AuditResult) -> None:
    text = render_html(result)
    assert 'class="incomplete"' in text
    assert "Nej – ufuldstændig" in text
    assert "Bemærk: Hentningen stoppede efter side 3" in text


def test_summary_figures_and_chain(result: AuditResult) -> None:
    text = render_html(result)
    s = result.summary
    assert f"{s.coverage_pct:.1f} %".replace(".", ",") in text  # Danish decimal comma
    assert f"{s.roles_covered} af {s.roles} roller" in text
    assert "2. maj 2024 kl. 10:30" in text  # 08:30 UTC in Danish summer time
    for box in ("Kilde", "Lokal organisationsløsning", "FK-ORG", "KLIK"):
        assert f'<span class="box-name">{box}</span>' in text
    lost = sum(1 for h in result.holders if h.cause in ("lost_local_to_fkorg", "lost_before_fkorg"))
    assert f"Tabt mellem lokal organisationsløsning og FK-ORG: {lost}" in text
    assert "Testrup Kommune" in text


def test_danish_number_and_date_formats() -> None:
    from telefonspor.reports.view import danish_datetime, danish_number

    assert danish_number(12345.67) == "12.345,7"
    assert danish_number(6000) == "6.000"
    assert danish_datetime("2024-12-24T18:05:00+00:00") == "24. december 2024 kl. 19:05"
    assert danish_datetime("2024-01-03") == "3. januar 2024"
    assert danish_datetime("i går") == "i går"


@pytest.mark.parametrize("with_context", [True, False])
def test_the_written_page_is_the_rendered_page(tmp_path: Path, with_context: bool) -> None:
    """write_html writes the table's JSON as bytes around the rest of the rendered page:
    the file must be render_html's text, tricky names and all."""
    result = build_result(60, names={0: EVIL_NAME, 4: "<telefonspor-holder-data/>", 7: "Ærø &"})
    context = build_context(result) if with_context else None
    written = write_html(result, tmp_path / "rapport.html", context).read_bytes()
    assert written == render_html(result, context).encode("utf-8")


@pytest.mark.parametrize("batch", [1, 2, 7, 512])
@pytest.mark.parametrize("open_cases", [True, False])
def test_the_rows_written_a_batch_at_a_time_are_the_rendered_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int, open_cases: bool
) -> None:
    """write_html makes and encodes the table's rows a batch at a time (html._ROWS_BATCH):
    every batch size writes render_html's page, tricky names and all; no open case gives
    an empty list of rows."""
    import dataclasses

    import msgspec

    from telefonspor.reports import html

    monkeypatch.setattr(html, "_ROWS_BATCH", batch)
    tricky = {0: EVIL_NAME, 1: "a & b > c", 4: "<telefonspor-holder-data/>", 7: "Ærø &"}
    result = build_result(30, names=tricky)
    context = build_context(result)
    if not open_cases:
        holders = tuple(msgspec.structs.replace(h, covered=True) for h in result.holders)
        result = dataclasses.replace(result, holders=holders)
    written = write_html(result, tmp_path / "rapport.html", context).read_bytes()
    assert written == render_html(result, context).encode("utf-8")


def test_rows_orjson_refuses_take_the_whole_table_path() -> None:
    """A lone surrogate (orjson refuses it): no pieces, so write_html encodes the whole
    table as before (``_json_bytes``, whose fallback decides)."""
    import msgspec

    from telefonspor.reports import html, view

    result = build_result(12)
    open_ = view.split_uncovered(result, None)[0]
    odd = [*open_[:-1], msgspec.structs.replace(open_[-1], name="x\ud800y")]
    assert html._table_json_parts(open_, {}) is not None
    assert html._table_json_parts(odd, {}) is None
