"""One frozen settings object from one table of settings.

The table :data:`SETTINGS` is the single source for defaults, types,
validation and the documentation (``telefonspor settings`` and the README are
generated from it). Values come, later ones winning, from the defaults, the
TOML file (``[section] key = value``), environment variables
``TELEFONSPOR_SECTION_KEY`` and ``--set section.key=value`` overrides.

The chain of systems (``[[source]]`` in the TOML file) is read here too, into
:class:`SourceSpec` objects; secrets are never read from the file itself but
from the environment variable or file the config names.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import ConfigError
from telefonspor.tomlerrors import danish_toml_error, did_you_mean, line_of


@dataclass(frozen=True, slots=True)
class Setting:
    key: str  # "section.name"
    default: Any
    help: str  # Danish
    choices: tuple[str, ...] = ()

    @property
    def type(self) -> type:
        return type(self.default)


def _home_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'telefonspor' / 'telefonspor.db'}"


SETTINGS: Final[tuple[Setting, ...]] = (
    # audit
    Setting(
        "audit.shared_threshold",
        3,
        "Et nummer på så mange personer eller flere markeres som delt (`shared`).",
    ),
    Setting(
        "audit.placeholders",
        [],
        "Ekstra numre der er pladsholdere (fx rådhusets hovednummer), 8 cifre.",
    ),
    Setting(
        "audit.fail_under", 0.0, "Rolle-dækning i procent under hvilken `audit` slutter med kode 1."
    ),
    Setting(
        "audit.municipality_code", "", "Kommunekode (3 cifre) til erklæringer og landsoversigt."
    ),
    Setting("audit.municipality_name", "", "Kommunens navn til rapporter."),
    # reports
    Setting(
        "report.trace_all_up_to",
        10_000,
        'Arket "Spor" i rapport.xlsx viser alle rolleindehavere, når der højst er så mange; '
        "ellers kun dem uden brugbart nummer eller med fund i et nummer "
        "(resultat.json har altid alle).",
    ),
    # KLIK export
    Setting(
        "klik.path",
        "",
        "KLIK-eksporten, når den ikke gives på kommandolinjen (relativ til konfigurationsfilen).",
    ),
    Setting(
        "klik.sheet", "", "Arknavn i KLIK-eksporten; tomt = første ark med genkendelige kolonner."
    ),
    # chain rules (replayed; see rules/)
    Setting(
        "chain.preset",
        "",
        'Kædens form: tom = som angivet i [[source]]; "os2sync-ad" = AD synkroniseres direkte '
        "til FK-ORG med OS2sync-AD (ingen OS2sofd/OS2mo): AD sendes videre som den lokale "
        "organisationsløsning, og Direkte nummer sendes aldrig.",
        choices=("", "os2sync-ad"),
    ),
    Setting(
        "os2sync_ad.phone_attribute",
        "telephoneNumber",
        "OS2sync-AD: AD-attributten der sendes som PhoneNumber til FK-ORG Telefon (Mobil nummer); "
        "`AD:UserAttributes:Phone` i OS2sync-AD's appsettings.json.",
    ),
    Setting(
        "os2sync_ad.terminate_disabled_users",
        True,
        "OS2sync-AD: spærrede AD-konti fjernes fra FK-ORG (`TerminateDisabledUsers`).",
    ),
    Setting(
        "ad.direct_attribute",
        "telephoneNumber",
        "AD-attribut der giver Direkte nummer (FastnetTelefon).",
    ),
    Setting("ad.mobile_attribute", "mobile", "AD-attribut der giver Mobil nummer (Telefon)."),
    Setting(
        "ad.user_id_attribute",
        "sAMAccountName",
        "LDAP-attribut med brugernavnet (`uid` på OpenLDAP).",
    ),
    Setting(
        "os2sofd.send_hidden_phone_numbers",
        True,
        "OS2sofd sender også skjulte mobilnumre til FK-ORG (`sendHiddenPhoneNumbers`).",
    ),
    Setting(
        "os2mo.phone_scope_classes",
        [],
        "OS2mo-eksportens `phone_scope_classes`: adressetypernes klasse-UUID'er, der sendes som "
        "PhoneNumber (Mobil nummer); den først nævnte vinder. Tom liste (eksportens standard) "
        "sender intet. En adressetypes user_key accepteres også her.",
    ),
    Setting(
        "os2mo.landline_scope_classes",
        [],
        "OS2mo-eksportens `landline_scope_classes`: adressetypernes klasse-UUID'er, der sendes "
        "som Landline (Direkte nummer). Tom liste (eksportens standard) sender intet.",
    ),
    Setting(
        "os2mo.addresses_on_it_user",
        False,
        "OS2mo-eksportens nye tilstand (`new = true`): adresser og engagementer læses på "
        "AD-it-brugeren, ikke på personen; et fremtidigt engagement tæller også.",
    ),
    Setting(
        "os2mo.it_system_user_keys",
        ["Active Directory"],
        "OS2mo-eksportens `it_system_user_keys`: it-systemer (user_key eller navn), hvis "
        "it-brugere er AD-konti (UserId i FK-ORG).",
    ),
    Setting(
        "os2sync.version",
        "3.0",
        "OS2sync-version; før 3.0 kan den ikke sætte Direkte nummer (Landline).",
    ),
    # what-if repairs: off in real runs; `telefonspor whatif --set ...` turns them on to replay a fix
    Setting(
        "whatif.import_source_phones",
        [],
        "Hvad-nu-hvis: lad den lokale organisationsløsning hente kildens nummer for disse felter "
        "(direct, mobile), hvor den mangler et.",
    ),
    Setting(
        "whatif.fix_type_prime",
        False,
        "Hvad-nu-hvis: OS2sofd-numre uden typePrime bliver gjort til typePrime.",
    ),
    Setting(
        "whatif.publish_address_types",
        [],
        "Hvad-nu-hvis: OS2mo-adresser af disse typer får synligheden PUBLIC.",
    ),
    Setting(
        "whatif.sync_delivers",
        [],
        "Hvad-nu-hvis: OS2sync leverer til FK-ORG, hvad den lokale løsning sender, for disse felter "
        "(direct, mobile) – også fejlede og oversprungne brugere.",
    ),
    Setting("whatif.klik_refreshed", False, "Hvad-nu-hvis: KLIK viser det, FK-ORG har."),
    Setting(
        "whatif.os2sync_ad_fill_phone_attribute",
        False,
        "Hvad-nu-hvis (os2sync-ad): AD-konti uden nummer i `os2sync_ad.phone_attribute` får "
        "nummeret fra mobile, otherMobile, ipPhone eller otherTelephone kopieret dertil.",
    ),
    # store
    Setting(
        "store.db", "", "Database-URL til kørselshistorik; tomt = SQLite i brugerens datamappe."
    ),
    Setting("store.keep_names", False, "Gem navne i historikken (ellers kun bruger-id)."),
    # notifications
    Setting("smtp.host", "", "SMTP-server."),
    Setting("smtp.port", 587, "SMTP-port."),
    Setting("smtp.starttls", True, "Brug STARTTLS."),
    Setting("smtp.username", "", "SMTP-brugernavn."),
    Setting(
        "smtp.password_env", "TELEFONSPOR_SMTP_PASSWORD", "Miljøvariabel med SMTP-adgangskoden."
    ),
    Setting("smtp.sender", "", "Afsenderadresse."),
    Setting("notify.rate_per_minute", 30, "Højst så mange e-mails pr. minut."),
    Setting(
        "notify.min_days_between", 14, "Send ikke til samme modtager igen før efter så mange dage."
    ),
    Setting(
        "notify.employee_text", "", "Tekst til medarbejdere uden nummer; tom = standardteksten."
    ),
    Setting(
        "notify.register_where", "", "Hvor medarbejderen selv registrerer sit nummer (fx en URL)."
    ),
    Setting("notify.parties", {}, 'E-mailadresse pr. ansvarlig part (fx hr = "hr@kommune.dk").'),
    # web
    Setting("web.max_upload_mb", 50, "Største tilladte upload i MB."),
    Setting("web.keep_uploads", False, "Behold uploadede filer efter kørslen."),
    Setting(
        "web.oidc_issuer",
        "",
        "OpenID Connect-udsteder (Entra ID, OS2faktor); tomt = kun lokale brugere.",
    ),
    Setting("web.oidc_client_id", "", "OpenID Connect client id."),
    Setting(
        "web.oidc_client_secret_env",
        "TELEFONSPOR_OIDC_SECRET",
        "Miljøvariabel med OIDC client secret.",
    ),
    Setting(
        "web.secret_key_env",
        "TELEFONSPOR_SECRET_KEY",
        "Miljøvariabel med nøglen til sessionscookies.",
    ),
)

SETTINGS_BY_KEY: Final = {s.key: s for s in SETTINGS}

#: The kinds of system a chain may hold, with their default chain position.
SOURCE_KINDS: Final = {
    "ad": "source",
    "opus": "source",
    "hr": "source",
    "os2sofd": "local",
    "os2mo": "local",
    "os2sync-db": "sync",
    "fkorg": "fkorg",
}


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One system in the chain: read from ``path`` or, when ``live``, from a server."""

    kind: str
    position: str
    path: str = ""
    live: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)  # per-kind connector options


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, Any]
    sources: tuple[SourceSpec, ...] = ()
    klik_map: Mapping[str, str] = field(default_factory=dict)  # field -> header override
    config_path: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def text(self, key: str) -> str:
        return str(self.values[key])

    def integer(self, key: str) -> int:
        return int(self.values[key])

    def number(self, key: str) -> float:
        return float(self.values[key])

    def flag(self, key: str) -> bool:
        return bool(self.values[key])

    def strings(self, key: str) -> list[str]:
        return [str(v) for v in self.values[key]]

    def klik_path(self) -> str:
        """``klik.path`` resolved against the config file's folder ('' when not set)."""
        path = self.text("klik.path")
        if path and self.config_path and not Path(path).is_absolute():
            return str(Path(self.config_path).parent / path)
        return path

    def db_url(self) -> str:
        return self.text("store.db") or _home_db()

    def replace(self, overrides: Mapping[str, Any]) -> Settings:
        """A copy with validated ``overrides`` applied (what-if, tests)."""
        values = dict(self.values)
        for key, value in overrides.items():
            values[key] = coerce(key, value)
        return Settings(values, self.sources, self.klik_map, self.config_path)


def defaults() -> Settings:
    return Settings({s.key: _copy(s.default) for s in SETTINGS})


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def coerce(key: str, value: Any) -> Any:
    """Validate ``value`` for ``key``; strings (env, --set) are parsed to the setting's type."""
    spec = SETTINGS_BY_KEY.get(key)
    if spec is None:
        raise ConfigError(
            f"Ukendt indstilling '{key}'.{did_you_mean(key, SETTINGS_BY_KEY)} "
            "Se 'telefonspor settings' for gyldige navne."
        )
    kind = spec.type
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "ja", "yes", "on", "sand"}:
                return True
            if text in {"0", "false", "nej", "no", "off", "falsk"}:
                return False
            raise ValueError(text)
        if kind is int:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(str(value).replace(",", "."))
        if kind is list:
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            if isinstance(value, list | tuple):
                return [str(v) for v in value]
            raise ValueError(value)
        if kind is dict:
            if isinstance(value, Mapping):
                return {str(k): str(v) for k, v in value.items()}
            raise ValueError(value)
        text = str(value)
        if spec.choices:
            text = text.strip().lower()
        if spec.choices and text not in spec.choices:
            raise ValueError(text)
        return text
    except ValueError:
        if spec.choices:
            allowed = ", ".join(f'"{c}"' for c in spec.choices)
            raise ConfigError(
                f"Indstillingen '{key}' skal være en af {allowed}, men fik '{value}'."
            ) from None
        raise ConfigError(
            f"Indstillingen '{key}' skal være {_TYPE_DA[kind]}, men fik '{value}'."
        ) from None


_TYPE_DA: Final[dict[type, str]] = {
    bool: "true eller false",
    int: "et heltal",
    float: "et tal",
    list: "en liste",
    dict: "en tabel",
    str: "en tekst",
}


def parse_assignments(assignments: Sequence[str]) -> dict[str, Any]:
    """``["os2sofd.send_hidden_phone_numbers=true"]`` -> validated mapping."""
    out: dict[str, Any] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"'{item}' skal skrives som navn=værdi, fx os2sync.version=3.0.")
        out[key.strip()] = coerce(key.strip(), value.strip())
    return out


def load(
    config: str | Path | None = None,
    *,
    overrides: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults <- TOML file <- TELEFONSPOR_* environment <- ``--set`` overrides."""
    env = os.environ if environ is None else environ
    values = dict(defaults().values)
    sources: tuple[SourceSpec, ...] = ()
    klik_map: dict[str, str] = {}
    config_path = ""
    if config is not None:
        path = Path(config)
        config_path = str(path)
        data, text = _read_toml(path)
        values.update(_values_from_toml(data, path, text))
        sources = _sources_from_toml(data, path)
        klik_map = _klik_map_from_toml(data, path)
    for spec in SETTINGS:
        name = "TELEFONSPOR_" + spec.key.replace(".", "_").upper()
        if name in env:
            values[spec.key] = coerce(spec.key, env[name])
    values.update(parse_assignments(overrides))
    return Settings(values, sources, klik_map, config_path)


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed file and its text (the text lets later messages name the line)."""
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
        return tomllib.loads(text), text
    except FileNotFoundError:
        raise ConfigError(f"Konfigurationsfilen {path} findes ikke.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(danish_toml_error(path, exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} er ikke UTF-8-tekst. Gem kædefilen som UTF-8.") from None
    except OSError as exc:
        raise ConfigError(f"{path} kan ikke læses ({exc.strerror or exc}).") from exc


_NON_SETTING_TABLES: Final = {"source", "kilde"}


def _values_from_toml(data: Mapping[str, Any], path: Path, text: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    sections = {key.partition(".")[0] for key in SETTINGS_BY_KEY} | {"klik"}
    tables = sorted(sections | {"source"})

    def where(section: str, name: str | None = None) -> str:
        line = line_of(text, section, name)
        return f"{path}, linje {line}" if line else str(path)

    for section, table in data.items():
        if section in _NON_SETTING_TABLES:
            continue
        if section not in sections:
            shape = f"[[{section}]]" if isinstance(table, list) else f"[{section}]"
            raise ConfigError(
                f"{where(section)}: ukendt tabel {shape}.{did_you_mean(section, tables)} "
                f"Gyldige tabeller: {', '.join(f'[{t}]' for t in tables if t != 'source')} "
                "og [[source]]."
            )
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where(section)}: '{section}' skal være en tabel ([{section}]).")
        names = [k.partition(".")[2] for k in SETTINGS_BY_KEY if k.startswith(section + ".")]
        for name, value in table.items():
            if section == "klik" and name == "map":
                continue
            key = f"{section}.{name}"
            if key not in SETTINGS_BY_KEY:
                raise ConfigError(
                    f"{where(section, name)}: ukendt indstilling »{name}« i [{section}]."
                    f"{did_you_mean(name, names)} Se 'telefonspor settings' for alle navne."
                )
            try:
                out[key] = coerce(key, value)
            except ConfigError as exc:
                raise ConfigError(f"{where(section, name)}: {exc}") from None
    return out


def _klik_map_from_toml(data: Mapping[str, Any], path: Path) -> dict[str, str]:
    klik = data.get("klik", {})
    mapping = klik.get("map", {}) if isinstance(klik, Mapping) else {}
    if not isinstance(mapping, Mapping):
        raise ConfigError(
            f'{path}: [klik] map skal være en tabel, fx map = {{ direct = "Tlf. arbejde" }}.'
        )
    return {str(k): str(v) for k, v in mapping.items()}


def _sources_from_toml(data: Mapping[str, Any], path: Path) -> tuple[SourceSpec, ...]:
    entries = data.get("source", data.get("kilde", []))
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: kilder skrives som [[source]]-tabeller.")
    out = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{path}: [[source]] nr. {number} skal være en tabel.")
        out.append(source_spec(entry, base=path.parent, where=f"{path}: [[source]] nr. {number}"))
    return tuple(out)


def source_spec(
    entry: Mapping[str, Any], *, base: Path | None = None, where: str = ""
) -> SourceSpec:
    """Validate one chain entry (from TOML or ``--source KIND=PATH``)."""
    kind = str(entry.get("kind", "")).strip().lower()
    if kind not in SOURCE_KINDS:
        raise ConfigError(
            f"{where}: ukendt kildetype '{kind}'.{did_you_mean(kind, SOURCE_KINDS)} "
            f"Gyldige typer: {', '.join(SOURCE_KINDS)}."
        )
    position = str(entry.get("position", SOURCE_KINDS[kind])).strip().lower()
    if position not in {"source", "local", "sync", "fkorg"}:
        raise ConfigError(
            f"{where}: position skal være source, local, sync eller fkorg, ikke '{position}'."
        )
    live = bool(entry.get("live", False))
    raw_path = str(entry.get("path", "")).strip()
    if not live and not raw_path:
        raise ConfigError(f'{where}: angiv path = "..." eller live = true.')
    if raw_path and base is not None and not Path(raw_path).is_absolute():
        raw_path = str(base / raw_path)
    options = {k: v for k, v in entry.items() if k not in {"kind", "position", "path", "live"}}
    return SourceSpec(kind=kind, position=position, path=raw_path, live=live, options=options)


def parse_source_option(text: str) -> SourceSpec:
    """``--source ad=ad.csv`` (optionally ``ad@local=ad.csv`` to move its position)."""
    kind, sep, path = text.partition("=")
    if not sep or not path.strip():
        raise ConfigError(f"--source '{text}' skal skrives som TYPE=STI, fx --source ad=ad.csv.")
    kind, _, position = kind.partition("@")
    entry: dict[str, Any] = {"kind": kind, "path": path.strip()}
    if position:
        entry["position"] = position
    return source_spec(entry, where=f"--source {text}")
