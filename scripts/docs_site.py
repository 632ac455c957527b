"""MkDocs hooks for the documentation site: reference pages generated from the code.

`mkdocs.yml` loads this file as a hook module. At build time it

* builds the navigation (the user guide in ``docs/readme/*.md`` in reading order; sections that
  are not in :data:`GUIDE_ORDER` follow alphabetically, so a new section is never left out),
* adds the generated reference pages (commands, settings, codes, connector options) as in-memory
  files, so nothing generated is committed and nothing can go stale,
* fills the performance page from ``bench/result.json``, and
* rewrites the README-era image links (``docs/img/...``) in the user guide to site paths.

Each reference page reads today's structures through one small adapter function
(``_settings``, ``_finding_codes``, ...), so the sources can move without touching the pages.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

#: User-guide sections in reading order; files not listed are appended alphabetically.
GUIDE_ORDER = [
    "kom-i-gang.md",
    "klik-og-numre.md",
    "kilder-filer.md",
    "aarsager.md",
    "os2sync-ad.md",
    "systemiske.md",
    "rapporter.md",
    "historik.md",
    "rettelser-og-beskeder.md",
    "live-kilder.md",
    "web.md",
    "landsoversigt.md",
    "demo-data.md",
    "graenser.md",
    "ydelse.md",
]

#: The line in docs/readme/ydelse.md that the measured tables replace.
BENCH_RESULT = ROOT / "bench" / "result.json"


# --- adapters: the only functions that know where the code keeps things -------------------


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    explanation: str = ""
    extra: str = ""  # usable?, party, ... as one short Danish phrase


@dataclass(frozen=True)
class Option:
    name: str
    default: str  # as written in TOML; "" when the option must be given or has no default
    help: str


def _settings() -> list[Option]:
    from telefonspor.settings import SETTINGS

    return [
        Option(spec.key, json.dumps(spec.default, ensure_ascii=False), spec.help)
        for spec in SETTINGS
    ]


def _finding_codes() -> list[Code]:
    from telefonspor.model import FINDING_CODES, UNUSABLE_FINDINGS
    from telefonspor.texts import FINDING_EXPLANATIONS, FINDING_LABELS

    return [
        Code(
            code,
            FINDING_LABELS.get(code, ""),
            FINDING_EXPLANATIONS.get(code, ""),
            "nej" if code in UNUSABLE_FINDINGS else "ja",
        )
        for code in FINDING_CODES
    ]


def _cause_codes() -> list[Code]:
    from telefonspor.actions import responsible
    from telefonspor.model import CAUSE_CODES
    from telefonspor.texts import CAUSE_EXPLANATIONS, CAUSE_LABELS, party_label

    return [
        Code(
            code,
            CAUSE_LABELS.get(code, ""),
            CAUSE_EXPLANATIONS.get(code, ""),
            party_label(responsible(code, "")),
        )
        for code in CAUSE_CODES
    ]


def _party_codes() -> list[Code]:
    from telefonspor.model import PARTY_CODES
    from telefonspor.texts import party_label

    return [Code(code, party_label(code)) for code in PARTY_CODES]


def _rule_codes() -> list[Code]:
    """The rule behind each cause detail: code, Danish detail and action templates."""
    from telefonspor.actions import TEMPLATES

    return [Code(rule, detail, action) for rule, (detail, action) in sorted(TEMPLATES.items())]


#: The connector rows of the settings table, per live connector (section, Danish title).
_CONNECTOR_SECTIONS = (
    ("live", "Alle live-kilder"),
    ("live_ad", 'AD (LDAP): `kind = "ad"`'),
    ("live_os2sofd", 'OS2sofd: `kind = "os2sofd"`'),
    ("live_os2mo", 'OS2mo: `kind = "os2mo"`'),
    ("live_fkorg", 'FK-ORG (KOMBITs GraphQL): `kind = "fkorg"`'),
    ("live_os2sync", 'FK-ORG via OS2sync: `kind = "fkorg"`, `api = "os2sync"`'),
)


def _connectors() -> list[tuple[str, list[Option]]]:
    """(Danish title, options) per live connector, from the connector rows of the settings table."""
    from telefonspor.settings import SETTINGS

    out = []
    for section, title in _CONNECTOR_SECTIONS:
        rows = [s for s in SETTINGS if s.key.startswith(section + ".")]
        options = [
            Option(s.key.partition(".")[2], json.dumps(s.default, ensure_ascii=False), s.help)
            for s in rows
        ]
        if options:
            out.append((title, options))
    return out


def _commands() -> list[tuple[str, Any]]:
    """(full command name, click command) for every command of the Typer app."""
    import typer

    from telefonspor.cli import app

    def walk(group: Any, prefix: str) -> Iterator[tuple[str, Any]]:
        for name, command in sorted(group.commands.items()):
            full = f"{prefix}{name}"
            if hasattr(command, "commands"):  # a group: documented itself, then its commands
                yield full, command
                yield from walk(command, full + " ")
            else:
                yield full, command

    return list(walk(typer.main.get_command(app), ""))


# --- pages --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def settings_page() -> str:
    lines = [
        "# Alle indstillinger",
        "",
        "Genereret fra indstillingstabellen i koden. Indstillinger sættes i konfigurationsfilen "
        "(`[afsnit] navn = værdi`), som miljøvariabel (`TELEFONSPOR_AFSNIT_NAVN`) eller for én "
        "kørsel med `--set afsnit.navn=værdi`; den sidste vinder. `telefonspor settings` viser de "
        "aktuelle værdier.",
        "",
        "| Indstilling | Standard | Betydning |",
        "|---|---|---|",
    ]
    lines += [f"| `{o.name}` | `{_cell(o.default)}` | {_cell(o.help)} |" for o in _settings()]
    return "\n".join(lines) + "\n"


def codes_page() -> str:
    lines = [
        "# Koder",
        "",
        "Genereret fra koden. Koderne er stabile: de står i `resultat.json`, i historikken og i "
        "rapporterne, og de omdøbes aldrig.",
        "",
        "## Fund på et telefonnummer",
        "",
        "| Kode | Betegnelse | Forklaring | Brugbart nummer |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{c.code}` | {_cell(c.label)} | {_cell(c.explanation)} | {c.extra} |"
        for c in _finding_codes()
    ]
    lines += [
        "",
        "## Årsager",
        "",
        "Hvorfor en rolleindehaver ikke har et brugbart nummer, i den rækkefølge rapporterne "
        "viser dem. Den ansvarlige kan afhænge af reglen bag (se nedenfor).",
        "",
        "| Kode | Betegnelse | Forklaring | Ansvarlig som udgangspunkt |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{c.code}` | {_cell(c.label)} | {_cell(c.explanation)} | {_cell(c.extra)} |"
        for c in _cause_codes()
    ]
    lines += ["", "## Ansvarlige parter", "", "| Kode | Betegnelse |", "|---|---|"]
    lines += [f"| `{c.code}` | {_cell(c.label)} |" for c in _party_codes()]
    lines += [
        "",
        "## Regler",
        "",
        "Reglen bag hver årsagsdetalje; `{…}` udfyldes med personens egne værdier.",
        "",
        "| Regel | Årsag i detaljer | Handling |",
        "|---|---|---|",
    ]
    lines += [f"| `{c.code}` | {_cell(c.label)} | {_cell(c.explanation)} |" for c in _rule_codes()]
    return "\n".join(lines) + "\n"


def connectors_page() -> str:
    lines = [
        "# Forbindelser (live-kilder)",
        "",
        "Genereret fra koden: de valg hver forbindelse forstår i sin `[[source]]`-blok med "
        "`live = true`, og standardværdien hvor der er en. Hvad valgene betyder, står i "
        "[Live-kilder](../readme/live-kilder.md). Et ukendt valg er en fejl, der nævner de "
        "gyldige.",
    ]
    for title, options in _connectors():
        lines += ["", f"## {title}", "", "| Valg | Standard |", "|---|---|"]
        lines += [
            f"| `{o.name}` | {f'`{_cell(o.default)}`' if o.default else '–'} |" for o in options
        ]
    return "\n".join(lines) + "\n"


def _params(command: Any) -> list[str]:
    rows = []
    for param in command.params:
        opts = getattr(param, "opts", [param.name])
        if getattr(param, "param_type_name", "") == "argument":
            name = f"`{(param.name or '').upper()}`"
        else:
            names = list(opts) + list(getattr(param, "secondary_opts", []))
            name = ", ".join(f"`{n}`" for n in names)
        default = param.default
        shown = (
            f"`{default}`"
            if default not in (None, False, "", (), []) and not callable(default)
            else ""
        )
        rows.append(f"| {name} | {_cell(getattr(param, 'help', '') or '')} | {shown} |")
    return rows


def commands_page() -> str:
    lines = [
        "# Kommandoer",
        "",
        "Genereret fra kommandolinjen selv: hver kommando med dens hjælpetekst og valg "
        "(samme tekst som `telefonspor KOMMANDO --help`).",
    ]
    for full, command in _commands():
        lines += ["", f"## `telefonspor {full}`", "", (command.help or "").strip()]
        if command.params:
            lines += ["", "| Valg | Betydning | Standard |", "|---|---|---|", *_params(command)]
    return "\n".join(lines) + "\n"


def reference_pages() -> dict[str, str]:
    """Generated pages by their path in the site."""
    return {
        "reference/kommandoer.md": commands_page(),
        "reference/indstillinger.md": settings_page(),
        "reference/koder.md": codes_page(),
        "reference/forbindelser.md": connectors_page(),
    }


# --- performance (bench/result.json) ------------------------------------------------------

_STEP_LABELS = {
    "read": "read (KLIK + kædens systemer)",
    "normalise": "normalise (telefonnumre)",
    "identity": "identity",
    "diagnose": "diagnose",
    "systemic": "systemic (største gevinster, hvad-nu-hvis)",
    "summarise": "summarise",
    "report_xlsx": "rapport.xlsx",
    "report_html": "rapport.html",
    "report_json": "resultat.json",
}
_NOT_STEPS = {"total", "peak_rss_mb", "runs"}


BENCH_STAGES = (
    ("read", "read (KLIK + kædens filer)"),
    ("normalise", "normalise (telefonnumre)"),
    ("identity", "identity"),
    ("diagnose", "diagnose"),
    ("systemic", "systemic (største gevinster, hvad-nu-hvis)"),
    ("summarise", "summarise"),
    ("report_xlsx", "rapport.xlsx"),
    ("report_html", "rapport.html"),
    ("report_json", "resultat.json"),
)
BENCH_SIZES = ("medium", "large", "national")


def _dk(value: float, decimals: int = 2) -> str:
    """12345.678 -> '12.345,68' (Danish separators)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _stage_table(bench: dict[str, Any]) -> str:
    sizes = [s for s in BENCH_SIZES if s in bench]
    lines = ["| trin | " + " | ".join(sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for key, label in BENCH_STAGES:
        lines.append(
            f"| {label} | " + " | ".join(_dk(bench[s].get(key, 0.0)) for s in sizes) + " |"
        )
    lines.append(
        "| **i alt** | " + " | ".join(f"**{_dk(bench[s]['total'])}**" for s in sizes) + " |"
    )
    lines.append(
        "| i alt, CPU-sekunder | " + " | ".join(_dk(bench[s].get("cpu", 0.0)) for s in sizes) + " |"
    )
    lines.append(
        "| hele processen (med opstart), CPU-sekunder | "
        + " | ".join(_dk(bench[s].get("process_cpu", 0.0)) for s in sizes)
        + " |"
    )
    lines.append(
        "| største hukommelsesforbrug (MB) | "
        + " | ".join(_dk(bench[s]["peak_rss_mb"], 0) for s in sizes)
        + " |"
    )
    lines.append("| kørsler (median) | " + " | ".join(str(bench[s]["runs"]) for s in sizes) + " |")
    return "\n".join(lines)


def _target_rows(bench: dict[str, Any]) -> str:
    lines = ["| Mål | Målt i samme kørsel | Nået? |", "|---|---|---|"]
    for v in bench.get("targets", ()):
        met = "ja" if v["met"] else "**nej**"
        target = v["target"]
        if target == "baseline":
            b = bench["baseline"]
            goal = (
                f"KLIK-eksport med {_dk(b['holders'], 0)} rolleindehavere, ingen kæde, alle tre "
                f"rapporter: mindst {_dk(v['goal'], 0)}× hurtigere end analytikerens script"
            )
            got = (
                f"{_dk(v['value'])}× (CPU: telefonspor {_dk(b['telefonspor']['process_cpu'])} s, "
                f"scriptet {_dk(b['script']['process_cpu'])} s; væg-ur {_dk(v['wall'])}×)"
            )
        elif target == "floor":
            goal = (
                f"Kæde med 60.000 brugere: højst {_dk(v['goal'], 0)}× tiden for blot at læse "
                "kædens filer"
            )
            got = (
                f"{_dk(v['value'])}× (CPU: analysen {_dk(bench['large']['process_cpu'])} s, "
                f"gulvet {_dk(bench['floor']['process_cpu'])} s; væg-ur {_dk(v['wall'])}×)"
            )
        elif target == "national":
            goal = f"national: højst {_dk(v['goal'], 0)} s og {_dk(v['memory_goal'], 0)} MB"
            if "cpu" in v:  # since the forked reader: the wall time a user waits
                got = (
                    f"{_dk(v['value'], 1)} s væg-ur ({_dk(v['cpu'], 1)} CPU-sekunder i alt på "
                    f"to processer), højst {_dk(v['memory'], 0)} MB for begge processer"
                )
            else:
                got = (
                    f"{_dk(v['value'], 1)} CPU-sekunder (væg-ur {_dk(v['wall'], 1)} s), "
                    f"{_dk(v['memory'], 0)} MB"
                )
            if "floor" in v:
                got += f"; blot at læse filerne (gulvet): {_dk(v['floor'], 1)} CPU-sekunder"
        elif target == "phone_engine":
            goal = f"telefonmotoren: mindst {_dk(v['goal'], 0)} realistiske værdier/s"
            got = f"{_dk(v['value'], 0)} værdier/s (CPU-tid)"
        else:
            small, _, big = target.removeprefix("linear ").partition("->")
            goal = f"lineær vækst {small} → {big}: højst {_dk(v['goal'], 1)}× lineært"
            got = (
                f"CPU-tid {_dk(v['value'])}× (målt i én proces), "
                f"hukommelse {_dk(v['memory'])}× lineært"
            )
        lines.append(f"| {goal} | {got} | {met} |")
    return "\n".join(lines)


def fill_bench(text: str, bench: dict[str, Any]) -> str:
    """Replace the bench markers in a README section with tables from bench/result.json."""
    if "<!-- bench:" not in text:
        return text
    measured = bench.get("measured", {})
    replacements = {
        "<!-- bench:stages -->": _stage_table(bench),
        "<!-- bench:targets -->": _target_rows(bench),
        "<!-- bench:when -->": (
            f"Målt {measured.get('date', '?')} på en maskine med {measured.get('cpus', '?')} kerner "
            f"(belastning før kørslen: {_dk(float(measured.get('load', 0.0)), 1)})"
        ),
    }
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def performance_page(markdown: str, path: Path = BENCH_RESULT) -> str:
    """The performance page with its tables from bench/result.json; a missing or older result
    leaves a note instead of breaking the docs build."""
    try:
        return fill_bench(markdown, bench_result(path))
    except (KeyError, TypeError, ValueError, AttributeError):
        note = "*Ingen gyldig måling i bench/result.json endnu: kør `make bench`.*"
        return re.sub(r"<!-- bench:[a-z]+ -->", note, markdown)


def bench_result(path: Path = BENCH_RESULT) -> dict[str, Any]:
    """bench/result.json as written by `make bench`; {} when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def guide_pages(folder: Path = ROOT / "docs" / "readme") -> list[str]:
    names = [n for n in GUIDE_ORDER if (folder / n).exists()]
    names += sorted(p.name for p in folder.glob("*.md") if p.name not in GUIDE_ORDER)
    return [f"readme/{n}" for n in names]


def _title(path: Path) -> str:
    """The page's first heading, for the navigation."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip().replace("`", "")
    return path.stem


def navigation() -> list[Any]:
    docs = ROOT / "docs"
    guide = [{_title(docs / p): p} for p in guide_pages() if p != "readme/ydelse.md"]
    return [
        {"Forside": "index.md"},
        {"Brugervejledning": guide},
        {
            "Reference": [
                {"Kommandoer": "reference/kommandoer.md"},
                {"Indstillinger": "reference/indstillinger.md"},
                {"Koder": "reference/koder.md"},
                {"Forbindelser (live-kilder)": "reference/forbindelser.md"},
                {"Ydelse": "readme/ydelse.md"},
            ]
        },
        {
            "Udvikling (engelsk)": [
                {"Arkitektur": "architecture.md"},
                {"Upstream-kilder": "upstream.md"},
                *[
                    {_title(page): f"upstream/{page.name}"}
                    for page in sorted((docs / "upstream").glob("*.md"))
                ],
            ]
        },
    ]


def on_config(config: Any) -> Any:
    config["nav"] = navigation()
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for src_uri, content in reference_pages().items():
        files.append(File.generated(config, src_uri, content=content))
    return files


#: A code span on a table row (Markdown on code hosts needs "\\|" there; Python-Markdown keeps it).
_CODE_IN_TABLE_ROW = re.compile(r"^\|.*$", re.M)


def _unescape_pipes(row: re.Match[str]) -> str:
    return re.sub(r"`[^`\n]*`", lambda code: code.group(0).replace("\\|", "|"), row.group(0))


#: A guide section may hold ``<!-- generated: NAME -->``: a table made from the code.
_MARKER = re.compile(r"^<!-- generated: ([a-z0-9_]+) -->$", re.MULTILINE)


def _findings_table() -> str:
    from telefonspor.catalogue import FINDINGS

    lines = ["| Fund | Navn | Betyder | Kan bruges? |", "|---|---|---|---|"]
    for f in FINDINGS:
        lines.append(f"| `{f.code}` | {f.label} | {f.details or f.explanation} | {f.usable_text} |")
    return "\n".join(lines)


def _causes_table() -> str:
    from telefonspor.catalogue import CAUSES, PARTY

    lines = [
        "| Kode | Navn | Forklaring | Ansvarlig | Typisk løsning |",
        "|---|---|---|---|---|",
    ]
    for c in CAUSES:
        party = "Afhænger af reglen (se nedenfor)" if c.party_by_rule else PARTY[c.party].label
        lines.append(f"| `{c.code}` | {c.label} | {c.explanation} | {party} | {c.fix} |")
    return "\n".join(lines)


def _options_table(section: str) -> str:
    """The connector rows of one settings section, named as a ``[[source]]`` entry names them."""
    from telefonspor.settings import SETTINGS

    rows = [s for s in SETTINGS if s.key.startswith(section + ".")]
    if not rows:
        raise SystemExit(f"docs/readme: no settings in section {section!r}")
    whom = "alle live-kilder" if section == "live" else "alle kilder af denne type"
    lines = [
        f"Standard for {whom}: `[{section}]` i konfigurationsfilen; "
        "samme navn i en `[[source]]` gælder kun den kilde.",
        "",
        "| Indstilling | Standard | Betydning |",
        "|---|---|---|",
    ]
    for s in rows:
        default = "–" if s.default in ("", []) else f"`{json.dumps(s.default, ensure_ascii=False)}`"
        lines.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(lines)


def generated(name: str) -> str:
    """The table a ``<!-- generated: NAME -->`` marker stands for."""
    if name == "findings":
        return _findings_table()
    if name == "causes":
        return _causes_table()
    return _options_table(name)


def fill_markers(markdown: str) -> str:
    return _MARKER.sub(lambda m: generated(m.group(1)), markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    src = page.file.src_uri
    markdown = fill_markers(markdown)
    if src.startswith("readme/"):
        # The sections were written for the README at the repository root.
        markdown = markdown.replace("](docs/", "](../")
        if markdown.lstrip().startswith("## "):  # a README section's "##" is the page's title
            markdown = markdown.lstrip()[1:]
    markdown = _CODE_IN_TABLE_ROW.sub(_unescape_pipes, markdown)
    if src == "readme/ydelse.md":
        markdown = performance_page(markdown)
    return markdown
