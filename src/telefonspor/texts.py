"""Danish labels and explanations for every stable code (one place, used by
reports, CLI, web and README)."""

from __future__ import annotations

from typing import Final

FINDING_LABELS: Final[dict[str, str]] = {
    "missing": "Mangler",
    "invalid": "Ugyldigt nummer",
    "placeholder": "Pladsholder",
    "extension_only": "Kun lokalnummer",
    "shared": "Delt nummer",
    "service_number": "Servicenummer",
    "foreign": "Udenlandsk nummer",
    "multiple_numbers": "Flere numre i feltet",
    "mobile_in_landline_field": "Mobilnummer i feltet Direkte nummer",
    "same_number_both_fields": "Samme nummer i begge felter",
    "conflicting_rows": "Modstridende rækker",
}

FINDING_EXPLANATIONS: Final[dict[str, str]] = {
    "missing": "Feltet er tomt eller indeholder ingen cifre.",
    "invalid": "Ikke et gyldigt dansk nummer (skal være 8 cifre og må ikke starte med 0 eller 1).",
    "placeholder": "Et kendt pladsholdernummer (fx 12345678, ens cifre, Fon tid 70101155 eller et konfigureret hovednummer); kan ikke bruges.",
    "extension_only": "Kun 3-5 cifre: et lokalnummer, som man ikke kan ringe til udefra.",
    "shared": "Samme nummer står på mange personer (fx et hovednummer); det kan bruges, men rammer ikke personen direkte.",
    "service_number": "Et 70-, 80- eller 90-nummer (servicenummer); kan bruges, men er ikke en personlig linje.",
    "foreign": "Et gyldigt udenlandsk nummer; kan bruges.",
    "multiple_numbers": "Feltet indeholder flere numre; det første brugbare er brugt.",
    "mobile_in_landline_field": "Direkte nummer ligger i en mobilnummerserie (kun et hint, numre kan være flyttet).",
    "same_number_both_fields": "Direkte nummer og Mobil nummer er det samme nummer.",
    "conflicting_rows": "Samme bruger står i flere rækker med forskellige numre; værdien fra den første række er brugt.",
}

CAUSE_LABELS: Final[dict[str, str]] = {
    "legacy_klik_user": "Gammel KLIK-bruger uden FK-ORG-bruger",
    "missing_in_source": "Mangler i den autoritative kilde",
    "invalid_in_source": "Ugyldigt i den autoritative kilde",
    "lost_source_to_local": "Tabt mellem kilde og lokal organisationsløsning",
    "lost_local_to_fkorg": "Tabt mellem lokal organisationsløsning og FK-ORG",
    "lost_fkorg_to_klik": "Findes i FK-ORG, men ikke i KLIK",
    "lost_before_fkorg": "Mangler i FK-ORG (kæden før FK-ORG er ikke oplyst)",
    "undetermined": "Årsag kan ikke afgøres",
}

CAUSE_EXPLANATIONS: Final[dict[str, str]] = {
    "legacy_klik_user": "Brugeren findes ikke i FK Organisation. Det er typisk en gammel KLIK-bruger, der ikke er oprettet via FK-ADM (KLIK-opgaven Brugerstyring 1).",
    "missing_in_source": "Ingen system i kæden har et nummer til personen: nummeret er aldrig registreret.",
    "invalid_in_source": "Kilden har en værdi, men den kan ikke bruges (pladsholder, lokalnummer eller ugyldigt nummer).",
    "lost_source_to_local": "Kilden (fx AD eller løn) har nummeret, men den lokale organisationsløsning har det ikke: overførslen mangler eller er sat forkert op.",
    "lost_local_to_fkorg": "Den lokale organisationsløsning har nummeret, men det når ikke FK-ORG (synkroniseringsregler, indstillinger eller fejl i OS2sync).",
    "lost_fkorg_to_klik": "FK-ORG har nummeret, men KLIK viser det ikke. KLIK henter fra FK-ORG; kontakt KOMBIT, hvis det varer ved.",
    "lost_before_fkorg": "FK-ORG har intet nummer, og der er ikke angivet kilder før FK-ORG, så det kan ikke ses, hvor nummeret forsvandt.",
    "undetermined": "Der er for få data til at afgøre årsagen (fx personen findes ikke i de angivne kilder).",
}

PARTY_LABELS: Final[dict[str, str]] = {
    "klik_admin": "KLIK-administrator",
    "hr": "HR/brugeradministration",
    "employee": "Medarbejderen selv",
    "supplier": "Leverandør af lokal organisationsløsning",
    "sync_operator": "Driftsansvarlig for synkronisering (OS2sync)",
    "kombit": "KOMBIT",
}

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
