"""Danish labels for reports, CLI, web and README.

The labels and explanations of the stable codes come from :mod:`telefonspor.catalogue`.
"""

from __future__ import annotations

from typing import Final

from telefonspor.catalogue import CAUSES, FINDINGS, PARTIES

# Derived from the catalogue (one entry per code); the names stay for every caller.
FINDING_LABELS: Final[dict[str, str]] = {f.code: f.label for f in FINDINGS}
FINDING_EXPLANATIONS: Final[dict[str, str]] = {f.code: f.explanation for f in FINDINGS}
CAUSE_LABELS: Final[dict[str, str]] = {c.code: c.label for c in CAUSES}
CAUSE_EXPLANATIONS: Final[dict[str, str]] = {c.code: c.explanation for c in CAUSES}
PARTY_LABELS: Final[dict[str, str]] = {p.code: p.label for p in PARTIES}

SYSTEM_LABELS: Final[dict[str, str]] = {
    "klik": "KLIK",
    "ad": "AD",
    "opus": "OPUS",
    "hr": "HR",
    "os2sofd": "OS2sofd",
    "os2mo": "OS2mo",
    "os2sync-db": "OS2sync (database)",
    "fkorg": "FK-ORG",
}

POSITION_LABELS: Final[dict[str, str]] = {
    "source": "Autoritativ kilde",
    "local": "Lokal organisationsløsning",
    "sync": "Synkronisering",
    "fkorg": "FK Organisation",
    "klik": "KLIK",
}

KIND_LABELS: Final[dict[str, str]] = {
    "mobile": "mobil",
    "landline": "fastnet",
    "unknown": "ukendt",
}

SLOT_LABELS: Final[dict[str, str]] = {
    "direct": "Direkte nummer",
    "mobile": "Mobil nummer",
}


def cause_label(code: str | None) -> str:
    return CAUSE_LABELS.get(code or "", "")


def party_label(code: str) -> str:
    return PARTY_LABELS.get(code, code)


def finding_label(code: str) -> str:
    return FINDING_LABELS.get(code, code)


def system_label(code: str) -> str:
    return SYSTEM_LABELS.get(code, code)


#: Shown wherever a run without the chain is presented (terminal, report, web): without the
#: chain every holder without a number is "undetermined", which is not a finding about the
#: municipality but about what telefonspor was given.
NO_CHAIN_TITLE: Final = "Årsagerne kræver kæden"
NO_CHAIN_TEXT: Final = (
    "Kørslen havde kun KLIK-eksporten. Så kan telefonspor finde rollerne uden nummer, men ikke "
    "hvorfor nummeret mangler: derfor står alle som »Årsag kan ikke afgøres«. Tilføj kæden, fx "
    "FK-ORG og AD som filer: --source fkorg=fkorg.csv --source ad=ad.csv, eller alle systemer "
    "i én kaede.toml med --config kaede.toml (se »Kædens filer« i vejledningen)."
)


def plural(count: int, one: str, many: str) -> str:
    """The Danish noun form for a count: 1 rolleindehaver, 2 rolleindehavere (0 takes plural)."""
    return one if count == 1 else many


def danish_number(value: float, decimals: int = 1) -> str:
    """12345.6 -> '12.345,6' (Danish separators)."""
    text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
