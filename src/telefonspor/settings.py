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
from typing import Any, Final, Generic, TypeVar, cast

from telefonspor.errors import ConfigError
from telefonspor.tomlerrors import danish_toml_error, did_you_mean, line_of

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Setting(Generic[T_co]):
    """One row of the settings table; ``T`` is the type of its value (see :class:`Key`)."""

    key: str  # "section.name"
    default: T_co
    help: str  # Danish
    choices: tuple[str, ...] = ()
    minimum: float | None = None  # for numbers: the smallest value allowed
    maximum: float | None = None

    @property
    def type(self) -> type:
        return type(self.default)

    @property
    def name(self) -> str:
        """The name after the section: a ``[[source]]`` entry overrides a ``live*`` row by it."""
        return self.key.partition(".")[2]


def _home_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'telefonspor' / 'telefonspor.db'}"


#: Connector options of the live sources (``live = true`` in ``[[source]]``). A row is the
#: default for every entry of its kind; the same name in a ``[[source]]`` entry overrides it
#: there. ``live.*`` rows apply to every live source, ``live_<system>.*`` to one connector.
#: Secrets (``<name>_env``/``<name>_file``) and certificate files stay in the entry they unlock.
_AD_FILTER: Final = "(&(objectCategory=person)(objectClass=user))"
_FKORG_CLIENT_ID: Final = "http://stoettesystemerne.dk/service/organisation/3"
_REQUIRED: Final = " Skal angives (i `[[source]]` eller her)."
LIVE_SETTINGS: Final[tuple[Setting[Any], ...]] = (
    # every live source
    Setting(
        "live.timeout",
        30.0,
        "Sekunder før et kald opgives.",
        minimum=0.01,
    ),
    Setting(
        "live.retries",
        3,
        "HTTP-kilder: antal genforsøg ved HTTP 5xx, 429, timeout og netværksfejl (med stigende "
        "ventetid og tilfældig spredning). 401/403 forsøges aldrig igen.",
        minimum=0,
        maximum=10,
    ),
    Setting(
        "live.retry_delay",
        1.0,
        "HTTP-kilder: ventetid i sekunder før første genforsøg; fordobles for hvert forsøg "
        "(højst 30 s).",
        minimum=0.0,
    ),
    Setting(
        "live.tls_verify",
        True,
        "Kontrollér serverens certifikat. Sæt kun `false` i et testmiljø.",
    ),
    Setting(
        "live.ca_file",
        "",
        "Egen CA-fil (PEM), hvis serverens certifikat er udstedt af kommunens egen CA.",
    ),
    Setting(
        "live.allow_partial",
        False,
        "Brug det, der blev hentet, når en hentning stopper halvvejs (kilden markeres "
        "ufuldstændig); ellers stopper kørslen med en fejl.",
    ),
    # Active Directory (LDAP)
    Setting(
        "live_ad.url",
        "",
        "`ldaps://dc01.kommune.dk` (port 636) eller `ldap://...` sammen med `starttls = true`. "
        "Ukrypteret LDAP afvises." + _REQUIRED,
    ),
    Setting("live_ad.starttls", False, "Brug StartTLS på en `ldap://`-forbindelse."),
    Setting(
        "live_ad.bind_dn",
        "",
        "Servicekontoen, fx `CN=svc-telefonspor,OU=Servicekonti,DC=kommune,DC=dk`." + _REQUIRED,
    ),
    Setting(
        "live_ad.base_dn",
        "",
        "Hvor der søges, fx `OU=Brugere,DC=kommune,DC=dk`." + _REQUIRED,
    ),
    Setting("live_ad.filter", _AD_FILTER, "LDAP-filter."),
    Setting(
        "live_ad.guid_attribute",
        "objectGUID",
        "Attribut med kontoens UUID (`entryUUID` på OpenLDAP).",
    ),
    Setting("live_ad.page_size", 1000, "Poster pr. side.", minimum=1, maximum=5000),
    Setting("live_ad.attributes", [], "Ekstra attributter at hente."),
    # OS2sofd
    Setting("live_os2sofd.url", "", "Fx `https://kommune.sofd.io`." + _REQUIRED),
    Setting(
        "live_os2sofd.page_size", 100, "Personer pr. side (højst 1000).", minimum=1, maximum=1000
    ),
    # OS2sync (FK-ORG read through OS2sync: kind = "fkorg", api = "os2sync")
    Setting(
        "live_os2sync.url",
        "",
        "OS2syncs adresse, fx `http://os2sync.kommune.local:5000`." + _REQUIRED,
    ),
    Setting(
        "live_os2sync.cvr",
        "",
        "Kommunens CVR-nummer (sendes i headeren `cvr`)." + _REQUIRED,
    ),
    Setting("live_os2sync.concurrency", 8, "Samtidige kald.", minimum=1, maximum=64),
    Setting(
        "live_os2sync.use_hierarchy",
        False,
        "Læs i stedet via `/api/hierarchy` (hurtigere, men uden Direkte nummer).",
    ),
    Setting(
        "live_os2sync.hierarchy_wait",
        600.0,
        "Højst så mange sekunder at vente på hierarkiet.",
        minimum=0.0,
    ),
    Setting(
        "live_os2sync.hierarchy_poll",
        5.0,
        "Hvor mange sekunder der går mellem hver forespørgsel efter hierarkiet.",
        minimum=0.01,
    ),
    # OS2mo
    Setting("live_os2mo.url", "", "OS2mo, fx `https://os2mo.kommune.dk`." + _REQUIRED),
    Setting(
        "live_os2mo.graphql_path",
        "/graphql/v22",
        "GraphQL-versionens sti (`/graphql/v22` … `/graphql/v30`); vælger forespørgslen.",
    ),
    Setting(
        "live_os2mo.token_url",
        "",
        "Keycloak, fx "
        "`https://os2mo.kommune.dk/auth/realms/mo/protocol/openid-connect/token`." + _REQUIRED,
    ),
    Setting("live_os2mo.client_id", "", "Klient-id i Keycloak." + _REQUIRED),
    Setting("live_os2mo.page_size", 100, "Medarbejdere pr. side.", minimum=1, maximum=1000),
    # FK Organisation (KOMBIT's GraphQL API)
    Setting(
        "live_fkorg.url",
        "",
        "Testmiljø: "
        "`https://organisation.eksterntest-stoettesystemerne.dk/organisation/organisationhent/1`; "
        "produktion: den tilsvarende adresse fra KOMBIT." + _REQUIRED,
    ),
    Setting("live_fkorg.cvr", "", "Kommunens CVR-nummer." + _REQUIRED),
    Setting(
        "live_fkorg.status",
        ["AKTIV"],
        '`"AKTIV"`, `"INAKTIV"` eller begge: `["AKTIV", "INAKTIV"]` (to gennemløb).',
    ),
    Setting("live_fkorg.page_size", 500, "Brugere pr. side (10–500).", minimum=10, maximum=500),
    Setting(
        "live_fkorg.token_url",
        "",
        "Tokenudstederen (når der ikke er et færdigt token), testmiljø: "
        "`https://n2adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/api/rest/oauth/v1/issue`.",
    ),
    Setting("live_fkorg.client_id", _FKORG_CLIENT_ID, "Tjenestens id."),
)

SETTINGS: Final[tuple[Setting[Any], ...]] = (
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
    Setting(
        "audit.processes",
        2,
        "Processer der læser kædens filer på samme tid i `audit`, `fix` og `demo` "
        "(1 = én fil ad gangen). Kun når filerne fylder over 32 MB og maskinen har "
        "mere end én kerne; web-appen læser altid i én proces.",
    ),
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
    Setting(
        "store.key_file",
        "",
        "Fil med nøglen til telefonnumrenes hash (laves med rettighederne 0600); tomt = "
        "<databasefil>.key ved siden af SQLite-filen. PostgreSQL kræver denne eller store.key_env.",
    ),
    Setting(
        "store.key_env",
        "TELEFONSPOR_STORE_KEY",
        "Miljøvariabel med nøglen til telefonnumrenes hash (64 hex-tegn); går forud for "
        "store.key_file.",
    ),
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
    # self-service (employees register their own number)
    Setting(
        "selfservice.base_url",
        "",
        "Webappens adresse set fra medarbejderne (fx https://telefonspor.kommune.dk); når den er "
        "sat, får hver medarbejder i `notify --employees` sit personlige link.",
    ),
    Setting("selfservice.link_days", 14, "Så mange dage virker et personligt link."),
    Setting(
        "selfservice.auto_approve",
        False,
        "Godkend indsendte numre automatisk (de skrives stadig først ved `selvbetjening apply`); "
        "'Jeg har ikke et arbejdsnummer' venter altid på administratoren.",
    ),
    Setting(
        "selfservice.target",
        "auto",
        "Hvor godkendte numre skrives: auto (kædens første live AD- eller OS2sofd-system), ad, "
        "os2sofd eller fixfiles (rettelsesfiler).",
        choices=("auto", "ad", "os2sofd", "fixfiles"),
    ),
    # web
    Setting("web.max_upload_mb", 50, "Største tilladte upload i MB."),
    Setting(
        "web.max_anonymous_kb",
        32,
        "Største forespørgsel i kB fra en, der ikke er logget ind (fx log ind-formularen).",
    ),
    Setting("web.max_field_kb", 64, "Største tekstfelt i en formular i kB."),
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
    *LIVE_SETTINGS,
)

SETTINGS_BY_KEY: Final = {s.key: s for s in SETTINGS}


def _row(key: str, kind: type[T]) -> Setting[T]:
    """The table's row for ``key``, checked at import to exist and to hold a ``kind``."""
    row = SETTINGS_BY_KEY[key]
    if type(row.default) is not kind:
        raise TypeError(f"{key}: the table's default is not a {kind.__name__}")
    return cast(Setting[T], row)


class Key:
    """Typed handles on the rows of :data:`SETTINGS`: ``settings.get(Key.AUDIT_SHARED_THRESHOLD)``
    is an ``int`` to mypy, and a misspelt name is a mypy error instead of a KeyError at run time.
    A test checks that every row has its handle here.
    """

    AUDIT_SHARED_THRESHOLD: Final[Setting[int]] = _row("audit.shared_threshold", int)
    AUDIT_PLACEHOLDERS: Final[Setting[list[str]]] = _row("audit.placeholders", list)
    AUDIT_FAIL_UNDER: Final[Setting[float]] = _row("audit.fail_under", float)
    AUDIT_MUNICIPALITY_CODE: Final[Setting[str]] = _row("audit.municipality_code", str)
    AUDIT_MUNICIPALITY_NAME: Final[Setting[str]] = _row("audit.municipality_name", str)
    AUDIT_PROCESSES: Final[Setting[int]] = _row("audit.processes", int)
    KLIK_PATH: Final[Setting[str]] = _row("klik.path", str)
    KLIK_SHEET: Final[Setting[str]] = _row("klik.sheet", str)
    CHAIN_PRESET: Final[Setting[str]] = _row("chain.preset", str)
    OS2SYNC_AD_PHONE_ATTRIBUTE: Final[Setting[str]] = _row("os2sync_ad.phone_attribute", str)
    OS2SYNC_AD_TERMINATE_DISABLED_USERS: Final[Setting[bool]] = _row(
        "os2sync_ad.terminate_disabled_users", bool
    )
    AD_DIRECT_ATTRIBUTE: Final[Setting[str]] = _row("ad.direct_attribute", str)
    AD_MOBILE_ATTRIBUTE: Final[Setting[str]] = _row("ad.mobile_attribute", str)
    AD_USER_ID_ATTRIBUTE: Final[Setting[str]] = _row("ad.user_id_attribute", str)
    OS2SOFD_SEND_HIDDEN_PHONE_NUMBERS: Final[Setting[bool]] = _row(
        "os2sofd.send_hidden_phone_numbers", bool
    )
    OS2MO_PHONE_SCOPE_CLASSES: Final[Setting[list[str]]] = _row("os2mo.phone_scope_classes", list)
    OS2MO_LANDLINE_SCOPE_CLASSES: Final[Setting[list[str]]] = _row(
        "os2mo.landline_scope_classes", list
    )
    OS2MO_ADDRESSES_ON_IT_USER: Final[Setting[bool]] = _row("os2mo.addresses_on_it_user", bool)
    OS2MO_IT_SYSTEM_USER_KEYS: Final[Setting[list[str]]] = _row("os2mo.it_system_user_keys", list)
    OS2SYNC_VERSION: Final[Setting[str]] = _row("os2sync.version", str)
    WHATIF_IMPORT_SOURCE_PHONES: Final[Setting[list[str]]] = _row(
        "whatif.import_source_phones", list
    )
    WHATIF_FIX_TYPE_PRIME: Final[Setting[bool]] = _row("whatif.fix_type_prime", bool)
    WHATIF_PUBLISH_ADDRESS_TYPES: Final[Setting[list[str]]] = _row(
        "whatif.publish_address_types", list
    )
    WHATIF_SYNC_DELIVERS: Final[Setting[list[str]]] = _row("whatif.sync_delivers", list)
    WHATIF_KLIK_REFRESHED: Final[Setting[bool]] = _row("whatif.klik_refreshed", bool)
    WHATIF_OS2SYNC_AD_FILL_PHONE_ATTRIBUTE: Final[Setting[bool]] = _row(
        "whatif.os2sync_ad_fill_phone_attribute", bool
    )
    REPORT_TRACE_ALL_UP_TO: Final[Setting[int]] = _row("report.trace_all_up_to", int)
    STORE_DB: Final[Setting[str]] = _row("store.db", str)
    STORE_KEEP_NAMES: Final[Setting[bool]] = _row("store.keep_names", bool)
    STORE_KEY_FILE: Final[Setting[str]] = _row("store.key_file", str)
    STORE_KEY_ENV: Final[Setting[str]] = _row("store.key_env", str)
    SMTP_HOST: Final[Setting[str]] = _row("smtp.host", str)
    SMTP_PORT: Final[Setting[int]] = _row("smtp.port", int)
    SMTP_STARTTLS: Final[Setting[bool]] = _row("smtp.starttls", bool)
    SMTP_USERNAME: Final[Setting[str]] = _row("smtp.username", str)
    SMTP_PASSWORD_ENV: Final[Setting[str]] = _row("smtp.password_env", str)
    SMTP_SENDER: Final[Setting[str]] = _row("smtp.sender", str)
    NOTIFY_RATE_PER_MINUTE: Final[Setting[int]] = _row("notify.rate_per_minute", int)
    NOTIFY_MIN_DAYS_BETWEEN: Final[Setting[int]] = _row("notify.min_days_between", int)
    NOTIFY_EMPLOYEE_TEXT: Final[Setting[str]] = _row("notify.employee_text", str)
    NOTIFY_REGISTER_WHERE: Final[Setting[str]] = _row("notify.register_where", str)
    NOTIFY_PARTIES: Final[Setting[dict[str, str]]] = _row("notify.parties", dict)
    SELFSERVICE_BASE_URL: Final[Setting[str]] = _row("selfservice.base_url", str)
    SELFSERVICE_LINK_DAYS: Final[Setting[int]] = _row("selfservice.link_days", int)
    SELFSERVICE_AUTO_APPROVE: Final[Setting[bool]] = _row("selfservice.auto_approve", bool)
    SELFSERVICE_TARGET: Final[Setting[str]] = _row("selfservice.target", str)
    WEB_MAX_UPLOAD_MB: Final[Setting[int]] = _row("web.max_upload_mb", int)
    WEB_MAX_ANONYMOUS_KB: Final[Setting[int]] = _row("web.max_anonymous_kb", int)
    WEB_MAX_FIELD_KB: Final[Setting[int]] = _row("web.max_field_kb", int)
    WEB_KEEP_UPLOADS: Final[Setting[bool]] = _row("web.keep_uploads", bool)
    WEB_OIDC_ISSUER: Final[Setting[str]] = _row("web.oidc_issuer", str)
    WEB_OIDC_CLIENT_ID: Final[Setting[str]] = _row("web.oidc_client_id", str)
    WEB_OIDC_CLIENT_SECRET_ENV: Final[Setting[str]] = _row("web.oidc_client_secret_env", str)
    WEB_SECRET_KEY_ENV: Final[Setting[str]] = _row("web.secret_key_env", str)
    LIVE_TIMEOUT: Final[Setting[float]] = _row("live.timeout", float)
    LIVE_RETRIES: Final[Setting[int]] = _row("live.retries", int)
    LIVE_RETRY_DELAY: Final[Setting[float]] = _row("live.retry_delay", float)
    LIVE_TLS_VERIFY: Final[Setting[bool]] = _row("live.tls_verify", bool)
    LIVE_CA_FILE: Final[Setting[str]] = _row("live.ca_file", str)
    LIVE_ALLOW_PARTIAL: Final[Setting[bool]] = _row("live.allow_partial", bool)
    LIVE_AD_URL: Final[Setting[str]] = _row("live_ad.url", str)
    LIVE_AD_STARTTLS: Final[Setting[bool]] = _row("live_ad.starttls", bool)
    LIVE_AD_BIND_DN: Final[Setting[str]] = _row("live_ad.bind_dn", str)
    LIVE_AD_BASE_DN: Final[Setting[str]] = _row("live_ad.base_dn", str)
    LIVE_AD_FILTER: Final[Setting[str]] = _row("live_ad.filter", str)
    LIVE_AD_GUID_ATTRIBUTE: Final[Setting[str]] = _row("live_ad.guid_attribute", str)
    LIVE_AD_PAGE_SIZE: Final[Setting[int]] = _row("live_ad.page_size", int)
    LIVE_AD_ATTRIBUTES: Final[Setting[list[str]]] = _row("live_ad.attributes", list)
    LIVE_OS2SOFD_URL: Final[Setting[str]] = _row("live_os2sofd.url", str)
    LIVE_OS2SOFD_PAGE_SIZE: Final[Setting[int]] = _row("live_os2sofd.page_size", int)
    LIVE_OS2SYNC_URL: Final[Setting[str]] = _row("live_os2sync.url", str)
    LIVE_OS2SYNC_CVR: Final[Setting[str]] = _row("live_os2sync.cvr", str)
    LIVE_OS2SYNC_CONCURRENCY: Final[Setting[int]] = _row("live_os2sync.concurrency", int)
    LIVE_OS2SYNC_USE_HIERARCHY: Final[Setting[bool]] = _row("live_os2sync.use_hierarchy", bool)
    LIVE_OS2SYNC_HIERARCHY_WAIT: Final[Setting[float]] = _row("live_os2sync.hierarchy_wait", float)
    LIVE_OS2SYNC_HIERARCHY_POLL: Final[Setting[float]] = _row("live_os2sync.hierarchy_poll", float)
    LIVE_OS2MO_URL: Final[Setting[str]] = _row("live_os2mo.url", str)
    LIVE_OS2MO_GRAPHQL_PATH: Final[Setting[str]] = _row("live_os2mo.graphql_path", str)
    LIVE_OS2MO_TOKEN_URL: Final[Setting[str]] = _row("live_os2mo.token_url", str)
    LIVE_OS2MO_CLIENT_ID: Final[Setting[str]] = _row("live_os2mo.client_id", str)
    LIVE_OS2MO_PAGE_SIZE: Final[Setting[int]] = _row("live_os2mo.page_size", int)
    LIVE_FKORG_URL: Final[Setting[str]] = _row("live_fkorg.url", str)
    LIVE_FKORG_CVR: Final[Setting[str]] = _row("live_fkorg.cvr", str)
    LIVE_FKORG_STATUS: Final[Setting[list[str]]] = _row("live_fkorg.status", list)
    LIVE_FKORG_PAGE_SIZE: Final[Setting[int]] = _row("live_fkorg.page_size", int)
    LIVE_FKORG_TOKEN_URL: Final[Setting[str]] = _row("live_fkorg.token_url", str)
    LIVE_FKORG_CLIENT_ID: Final[Setting[str]] = _row("live_fkorg.client_id", str)


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

    def get(self, setting: Setting[T]) -> T:
        """The value of ``setting`` (a :class:`Key` handle), typed for mypy.

        Values are coerced to the row's type when loaded; lists and tables are copies.
        """
        value = self.values.get(setting.key, setting.default)
        return cast(T, _copy(value))

    # Deprecated: read by string key (a typo is a KeyError at run time, not a mypy error).
    # Kept so code written against them still runs; new code uses ``get(Key.X)``.
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
        path = self.get(Key.KLIK_PATH)
        if path and self.config_path and not Path(path).is_absolute():
            return str(Path(self.config_path).parent / path)
        return path

    def db_url(self) -> str:
        return self.get(Key.STORE_DB) or _home_db()

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
            return check_bounds(spec, int(value), f"Indstillingen '{key}'")
        if kind is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return check_bounds(spec, float(str(value).replace(",", ".")), f"Indstillingen '{key}'")
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


N = TypeVar("N", int, float)


def check_bounds(spec: Setting[Any], value: N, subject: str) -> N:
    """``value`` when it lies within the row's bounds, else a Danish ConfigError on ``subject``."""
    return within(value, spec.minimum, spec.maximum, subject)


def within(value: N, low: float | None, high: float | None, subject: str) -> N:
    if (low is None or value >= low) and (high is None or value <= high):
        return value
    if low is None:
        allowed = f"højst {_plain(high)}"
    else:
        allowed = f"mindst {_plain(low)}" + (
            f" og højst {_plain(high)}" if high is not None else ""
        )
    raise ConfigError(f"{subject} skal være {allowed}, ikke {_plain(value)}.")


def _plain(number: float | None) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


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
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: ugyldig TOML ({toml_limit(exc)}).") from exc


def toml_limit(exc: ValueError | RecursionError) -> str:
    """Danish reason for what tomllib raises beyond TOMLDecodeError: a 4,300+ digit integer
    (ValueError from int()) or nesting deeper than Python's stack (RecursionError)."""
    if isinstance(exc, RecursionError):
        return "tabeller eller lister er indlejret for dybt"
    return "et tal har for mange cifre"


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
