"""One catalogue of every stable code: findings, causes, rules and parties.

Each code has one entry with everything said about it (Danish label and explanation, whether a
value with it can be used, whether it reaches the person directly, who fixes it, the fix text).
``texts``, ``model``, ``actions``, ``audit``, ``diagnose``, the README tables and the tests all
derive from these tuples, so a code cannot be added in one place and forgotten in another.
Pure data: no imports from the rest of the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal


@dataclass(frozen=True, slots=True)
class FindingCode:
    """A data-quality finding on a phone value (or, scope "row", on the export's rows)."""

    code: str
    label: str  # Danish
    explanation: str  # Danish
    usable: bool  # a value with this finding can still be called
    direct_reach: bool  # a usable value with it reaches the person, not a switchboard
    scope: Literal["value", "row"] = "value"
    details: str = ""  # Danish, for the documentation only: what exactly counts
    usable_doc: str = ""  # Danish, the documentation's "Kan bruges?" when yes/no says too little

    @property
    def usable_text(self) -> str:
        """The documentation's answer to "Kan bruges?"."""
        if self.usable_doc:
            return self.usable_doc
        if not self.usable:
            return "Nej"
        return "Ja" if self.direct_reach else "Ja, men ikke direkte kontakt"


@dataclass(frozen=True, slots=True)
class CauseCode:
    """Why a holder has no usable number."""

    code: str
    label: str  # Danish
    explanation: str  # Danish
    party: str  # who fixes it (unless ``party_by_rule``)
    priority: int | None  # the holder's cause is its slots' cause with the lowest number
    fix: str = ""  # Danish: the usual fix (the rule's fix text is the precise one)
    party_by_rule: bool = False  # the rule that lost the number names the party


@dataclass(frozen=True, slots=True)
class RuleCode:
    """One rule of the diagnosis: the Danish cause detail and fix (``str.format`` templates)."""

    code: str
    detail: str
    fix: str
    party: str = "hr"  # who fixes a loss between the local system and FK-ORG by this rule


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    label: str  # Danish


#: Every finding code, in the order reports list them.
FINDINGS: Final[tuple[FindingCode, ...]] = (
    FindingCode(
        "missing",
        "Mangler",
        "Feltet er tomt eller indeholder ingen cifre.",
        usable=False,
        direct_reach=False,
    ),
    FindingCode(
        "invalid",
        "Ugyldigt nummer",
        "Ikke et gyldigt dansk nummer (skal være 8 cifre og må ikke starte med 0 eller 1).",
        usable=False,
        direct_reach=False,
        details="Ikke 8 cifre, starter med 0 eller 1, eller et ugyldigt udenlandsk nummer.",
    ),
    FindingCode(
        "placeholder",
        "Pladsholder",
        "Et kendt pladsholdernummer (fx 12345678, ens cifre, Fon tid 70101155 eller et konfigureret hovednummer); kan ikke bruges.",
        usable=False,
        direct_reach=False,
        details="Ens cifre (fx `22222222`), `12345678`, `87654321`, `23456789`, `98765432`, Fon tid `70101155` og numre fra indstillingen `audit.placeholders` (fx rådhusets hovednummer, i valgfri skrivemåde).",
    ),
    FindingCode(
        "extension_only",
        "Kun lokalnummer",
        "Kun 3-5 cifre: et lokalnummer, som man ikke kan ringe til udefra.",
        usable=False,
        direct_reach=False,
    ),
    FindingCode(
        "shared",
        "Delt nummer",
        "Samme nummer står på mange personer (fx et hovednummer); det kan bruges, men rammer ikke personen direkte.",
        usable=True,
        direct_reach=False,
        details="Samme nummer hos mange rolleindehavere (`audit.shared_threshold`).",
    ),
    FindingCode(
        "service_number",
        "Servicenummer",
        "Et 70-, 80- eller 90-nummer (servicenummer); kan bruges, men er ikke en personlig linje.",
        usable=True,
        direct_reach=False,
        details="70-, 80- og 90-numre.",
    ),
    FindingCode(
        "foreign",
        "Udenlandsk nummer",
        "Et gyldigt udenlandsk nummer; kan bruges.",
        usable=True,
        direct_reach=True,
        details="Et gyldigt udenlandsk nummer (`+46 ...`, `0049 ...`).",
    ),
    FindingCode(
        "multiple_numbers",
        "Flere numre i feltet",
        "Feltet indeholder flere numre; det første brugbare er brugt.",
        usable=True,
        direct_reach=True,
        details='Flere numre i feltet (adskilt med `/`, `,`, `;`, "og" eller linjeskift); det første brugbare bruges. `33 66 33 66` og `33/66/33/66` er ét nummer.',
        usable_doc="Som det valgte nummer",
    ),
    FindingCode(
        "mobile_in_landline_field",
        "Mobilnummer i feltet Direkte nummer",
        "Direkte nummer ligger i en mobilnummerserie (kun et hint, numre kan være flyttet).",
        usable=True,
        direct_reach=True,
        details="Direkte nummer er et dansk nummer i en mobilserie (kun et hint: numre kan være flyttet). Et udenlandsk mobilnummer giver kun `foreign`.",
    ),
    FindingCode(
        "same_number_both_fields",
        "Samme nummer i begge felter",
        "Direkte nummer og Mobil nummer er det samme nummer.",
        usable=True,
        direct_reach=True,
    ),
    FindingCode(
        "conflicting_rows",
        "Modstridende rækker",
        "Samme bruger står i flere rækker med forskellige numre; værdien fra den første række er brugt.",
        usable=True,
        direct_reach=True,
        scope="row",
        details="Samme bruger står i flere rækker med forskellige numre; værdien fra den første række er brugt, og fundet nævner begge rækkenumre.",
        usable_doc="Som værdien fra første række",
    ),
)

#: Every cause code, in the order reports list them.
CAUSES: Final[tuple[CauseCode, ...]] = (
    CauseCode(
        "legacy_klik_user",
        "Gammel KLIK-bruger uden FK-ORG-bruger",
        "Brugeren findes ikke i FK Organisation. Det er typisk en gammel KLIK-bruger, der ikke er oprettet via FK-ADM (KLIK-opgaven Brugerstyring 1).",
        party="klik_admin",
        priority=None,
        fix="Opret brugeren via FK Administration og flyt rollerne, eller fjern rollerne.",
    ),
    CauseCode(
        "missing_in_source",
        "Mangler i den autoritative kilde",
        "Ingen system i kæden har et nummer til personen: nummeret er aldrig registreret.",
        party="employee",
        priority=5,
        fix="Bed medarbejderen oplyse nummeret, og registrér det.",
    ),
    CauseCode(
        "invalid_in_source",
        "Ugyldigt i den autoritative kilde",
        "Kilden har en værdi, men den kan ikke bruges (pladsholder, lokalnummer eller ugyldigt nummer).",
        party="hr",
        priority=4,
        fix="Ret værdien til personens gyldige 8-cifrede nummer.",
    ),
    CauseCode(
        "lost_source_to_local",
        "Tabt mellem kilde og lokal organisationsløsning",
        "Kilden (fx AD eller løn) har nummeret, men den lokale organisationsløsning har det ikke: overførslen mangler eller er sat forkert op.",
        party="supplier",
        priority=2,
        fix="Få integrationen til at læse feltet fra kilden, eller registrér nummeret lokalt.",
    ),
    CauseCode(
        "lost_local_to_fkorg",
        "Tabt mellem lokal organisationsløsning og FK-ORG",
        "Den lokale organisationsløsning har nummeret, men det når ikke FK-ORG (synkroniseringsregler, indstillinger eller fejl i OS2sync).",
        party="hr",
        priority=1,
        fix="Se reglen.",
        party_by_rule=True,
    ),
    CauseCode(
        "lost_fkorg_to_klik",
        "Findes i FK-ORG, men ikke i KLIK",
        "FK-ORG har nummeret, men KLIK viser det ikke. KLIK henter fra FK-ORG; kontakt KOMBIT, hvis det varer ved.",
        party="kombit",
        priority=0,
        fix="Tjek at KLIK-brugeren er koblet til FK-ORG-brugeren; kontakt KOMBIT, hvis det varer ved.",
    ),
    CauseCode(
        "lost_before_fkorg",
        "Mangler i FK-ORG (kæden før FK-ORG er ikke oplyst)",
        "FK-ORG har intet nummer, og der er ikke angivet kilder før FK-ORG, så det kan ikke ses, hvor nummeret forsvandt.",
        party="klik_admin",
        priority=3,
        fix="Angiv de manglende systemer i kæden og kør igen.",
    ),
    CauseCode(
        "undetermined",
        "Årsag kan ikke afgøres",
        "Der er for få data til at afgøre årsagen (fx personen findes ikke i de angivne kilder).",
        party="klik_admin",
        priority=6,
        fix="Angiv kæden, eller tjek brugernavn og e-mail.",
    ),
)

#: Every party who can fix something.
PARTIES: Final[tuple[Party, ...]] = (
    Party("klik_admin", "KLIK-administrator"),
    Party("hr", "HR/brugeradministration"),
    Party("employee", "Medarbejderen selv"),
    Party("supplier", "Leverandør af lokal organisationsløsning"),
    Party("sync_operator", "Driftsansvarlig for synkronisering (OS2sync)"),
    Party("kombit", "KOMBIT"),
)

#: Every rule of the diagnosis with its cause detail and fix.
RULES: Final[tuple[RuleCode, ...]] = (
    RuleCode(
        "chain.no_sources",
        "Der er ikke angivet andre systemer end KLIK-eksporten, så årsagen kan ikke afgøres.",
        "Angiv kæden med --source (fx fkorg=fkorg.csv og os2sofd=personer.json) eller en konfigurationsfil, og kør igen.",
    ),
    RuleCode(
        "klik.legacy_user",
        "KLIK-brugeren {user} findes ikke i FK-ORG ({systems}); det er typisk en gammel KLIK-bruger, der ikke er oprettet via FK Administration.",
        "Opret {user} som bruger via FK Administration og flyt rollerne til FK-ORG-brugeren, eller fjern rollerne i KLIK, hvis de ikke bruges.",
    ),
    RuleCode(
        "klik.not_shown",
        "FK-ORG har {slot_label} {number} ({fkorg_field}) på brugeren {account}, men KLIK viser det ikke.",
        "Kontrollér i KLIK, at {user} er koblet til FK-ORG-brugeren {account}, og bed KOMBIT undersøge, hvorfor {fkorg_field} {number} ikke vises.",
    ),
    RuleCode(
        "os2sync.version_no_landline",
        "{system_label} sender {number} som Landline for {account}, men OS2sync version {version} kan ikke sætte {fkorg_field} i FK-ORG.",
        "Opgradér OS2sync til version 3.0 eller nyere, så Landline {number} for {account} når FK-ORG.",
        party="sync_operator",
    ),
    RuleCode(
        "os2sync.failure",
        "{system_label} sender {number} som {sync_field} for {account}, men OS2sync fejlede ved overførslen til FK-ORG: {error}.",
        "Ret fejlen i OS2sync for {account} ({error}) og synkronisér brugeren igen, så {sync_field} {number} når FK-ORG.",
        party="sync_operator",
    ),
    RuleCode(
        "os2sync.cache_skip",
        "{system_label} sender {number} som {sync_field} for {account}, men OS2sync sprang brugeren over som uændret (cache), så FK-ORG har ikke nummeret.",
        "Ryd OS2syncs cache for {account} og gennemtving en fuld synkronisering, så {sync_field} {number} skrives til FK-ORG.",
        party="sync_operator",
    ),
    RuleCode(
        "os2sync.not_delivered",
        "{system_label} sender {number} som {sync_field} for {account}, men FK-ORG har intet {fkorg_field}.",
        "Kontrollér i OS2sync, at {account} synkroniseres til FK-ORG (kø og fejllog), og kør synkroniseringen, så {sync_field} {number} når frem.",
        party="sync_operator",
    ),
    RuleCode(
        "os2sofd.ad_account_disabled",
        "OS2sofd har {number} ({field}) for {account}, men AD-kontoen er spærret, så OS2sofd sender ikke brugeren til FK-ORG.",
        "Genaktivér AD-kontoen {account} i AD, eller flyt KLIK-rollerne til personens aktive konto.",
    ),
    RuleCode(
        "os2sofd.no_active_affiliation",
        "OS2sofd har {number} ({field}) for {account}, men personen har ingen aktiv tilknytning, så brugeren slettes i FK-ORG.",
        "Registrér en aktiv tilknytning for {account} i OS2sofd, eller fjern KLIK-rollerne, hvis personen er fratrådt.",
    ),
    RuleCode(
        "os2sofd.no_matching_affiliation",
        "OS2sofd har {number} ({field}) for {account}, men AD-kontoen er ikke knyttet til nogen aktiv tilknytning (medarbejdernummeret matcher ingen), så OS2sofds OS2sync-integration springer kontoen over, og FK-ORG-brugeren opdateres ikke.",
        "Giv AD-kontoen {account} det medarbejdernummer, som personens aktive tilknytning har, i OS2sofd (eller AD), eller registrér en tilknytning til kontoen.",
    ),
    RuleCode(
        "os2sofd.do_not_transfer",
        "OS2sofd har {number} ({field}) for {account}, men alle personens aktive tilknytninger ligger i enheder markeret 'Overfør ikke til FK Organisation' (doNotTransferToFkOrg), så brugeren slettes i FK-ORG.",
        "Fjern markeringen 'Overfør ikke til FK Organisation' på enheden (eller tilknytningen) for {account} i OS2sofd, hvis personen skal i FK-ORG.",
    ),
    RuleCode(
        "os2sofd.hidden_mobile_not_sent",
        "OS2sofd har mobilnummeret {number} med synligheden {visibility} (ikke VISIBLE), og sendHiddenPhoneNumbers er slået fra, så det sendes ikke til FK-ORG.",
        "Sæt MOBILE {number} til VISIBLE i OS2sofd for brugeren {account}, eller slå sendHiddenPhoneNumbers til.",
        party="supplier",
    ),
    RuleCode(
        "os2sofd.no_type_prime",
        "OS2sofd har {number} som {field} for {account}, men det er ikke markeret typePrime, så det sendes ikke som {sync_field} til FK-ORG.",
        "Sæt {field} {number} som typePrime i OS2sofd for brugeren {account}.",
    ),
    RuleCode(
        "os2sofd.wrong_phone_type",
        "OS2sofd har {number} kun som {field} for {account}, og den type sendes aldrig til FK-ORG.",
        "Registrér {number} som {os2sofd_type} (typePrime) i OS2sofd for brugeren {account}, hvis det er personens eget nummer.",
    ),
    RuleCode(
        "os2mo.no_engagement",
        "OS2mo har {number} ({field}) for {account}, men personen har intet engagement, så eksporten til FK-ORG springer personen over.",
        "Registrér et aktivt engagement for {account} i OS2mo, eller fjern KLIK-rollerne, hvis personen er fratrådt.",
    ),
    RuleCode(
        "os2mo.it_user_no_engagement",
        "OS2mo har {number} ({field}) på AD-it-brugeren {account}, men it-brugeren er ikke knyttet til et aktuelt eller fremtidigt engagement, så eksporten (ny tilstand) sender ikke brugeren til FK-ORG.",
        "Knyt AD-it-brugeren {account} til personens engagement i OS2mo, eller fjern KLIK-rollerne, hvis personen er fratrådt.",
    ),
    RuleCode(
        "os2mo.empty_class_list",
        "OS2mo har {number} ({field}) for {account}, men OS2mo-eksporten er sat op til ikke at sende noget {slot_label}: {os2mo_setting} er tom (eksportens standard), så intet {sync_field} sendes til FK-ORG for nogen.",
        "Bed leverandøren sætte {os2mo_setting} i OS2mo-eksportens opsætning til UUID'en for adressetypen {field} (en liste af klasse-UUID'er).",
        party="supplier",
    ),
    RuleCode(
        "os2mo.type_not_in_scope",
        "OS2mo har {number} som adressetypen {field} for {account}, men typen er ikke med i {os2mo_setting}, så den sendes ikke som {sync_field}.",
        "Bed leverandøren tilføje adressetypen {field}s UUID til {os2mo_setting} i OS2mo-eksporten, eller flyt {number} til en adressetype, der er med.",
        party="supplier",
    ),
    RuleCode(
        "os2mo.visibility_not_public",
        "OS2mo har {number} ({field}) for {account} med synligheden {visibility}, og eksporten sender kun PUBLIC eller uangivet synlighed.",
        "Sæt synligheden for {field} {number} til PUBLIC (Må vises eksternt) i OS2mo for {account}, hvis nummeret må vises.",
    ),
    RuleCode(
        "os2mo.address_on_person",
        "OS2mo har {number} ({field}) på personen, men eksporten læser kun adresser på AD-it-brugeren {account}.",
        "Flyt adressen {field} {number} fra personen til it-brugeren {account} i OS2mo.",
    ),
    RuleCode(
        "os2mo.other_address_sent",
        "OS2mo har {number} ({field}) for {account}, men eksporten sender en anden adresse ({sent}) som {sync_field}.",
        "Ret eller fjern adressen {sent} i OS2mo for {account}, så {number} sendes.",
    ),
    RuleCode(
        "source_to_local.not_imported",
        "{system_label} har {number} i {field} for {account}, men {target_label} har ikke nummeret.",
        "Sørg for at {target_label} indlæser {field} fra {system_label} (fx OS2sofds AD-integration), eller registrér {number} i {target_label} for {account}.",
    ),
    RuleCode(
        "source_to_local.person_missing",
        "{system_label} har {number} i {field} for {account}, men personen findes ikke i {target_label}.",
        "Kontrollér indlæsningen fra {system_label} til {target_label}, så {account} oprettes med {number}.",
    ),
    RuleCode(
        "os2sync_ad.account_disabled",
        "AD-kontoen {account} er spærret, og OS2sync-AD fjerner spærrede konti fra FK-ORG (TerminateDisabledUsers), så KLIK-rollerne hænger på en bruger uden numre.",
        "Genaktivér AD-kontoen {account}, hvis personen stadig skal have rollerne; ellers flyt rollerne i KLIK til personens aktive konto eller fjern dem.",
    ),
    RuleCode(
        "os2sync_ad.user_not_synced",
        "AD-kontoen {account} er aktiv, men findes ikke i FK-ORG: OS2sync-AD har ikke oprettet brugeren.",
        "Kontrollér at {account} ligger under OS2sync-AD's RootOU og ikke i en OU markeret som blokeret (admindescription = 2), ret det, og lav en ændring på kontoen i AD, så OS2sync-AD sender den (den læser kun ændringer).",
        party="sync_operator",
    ),
    RuleCode(
        "os2sync_ad.not_phone_attribute",
        "AD har {number} i {field} for {account}, men OS2sync-AD sender kun {attribute} (som Mobil nummer) til FK-ORG.",
        "Skriv {number} i AD-feltet {attribute} for {account}; så sender OS2sync-AD det til FK-ORG, og KLIK viser det som Mobil nummer.",
    ),
    RuleCode(
        "os2sync_ad.no_landline",
        "AD har {number} i {field} for {account}, men OS2sync-AD sender aldrig et Direkte nummer (FastnetTelefon) til FK-ORG: kun {attribute} sendes, som Mobil nummer.",
        "Skriv {number} i AD-feltet {attribute} for {account}, så KLIK viser det som Mobil nummer. Et Direkte nummer i KLIK kræver en synkronisering, der sender Landline (OS2sync 3.0 via OS2sofd eller OS2mo); et nummer skrevet direkte i FK-ORG fjernes igen, næste gang OS2sync-AD opdaterer brugeren.",
    ),
    RuleCode(
        "os2sync_ad.not_delivered",
        "AD har {number} i {field} for {account}, og OS2sync-AD sender det som PhoneNumber, men FK-ORG har intet Telefon.",
        "Kontrollér OS2sync-AD's log og OS2syncs kø og fejllog for {account}, og lav en ændring på kontoen i AD (eller slet DirSync-cookien for en fuld synkronisering), så OS2sync-AD sender {number} igen.",
        party="sync_operator",
    ),
    RuleCode(
        "os2sync_ad.missing",
        "AD-kontoen {account} har intet nummer i {attribute}, som er det eneste felt, OS2sync-AD sender til FK-ORG (som Mobil nummer); Direkte nummer sendes aldrig.",
        "Bed {account} oplyse sit arbejdsnummer, og registrér det i AD-feltet {attribute}; KLIK viser det som Mobil nummer.",
    ),
    RuleCode(
        "chain.no_local_system",
        "{system_label} har {number} i {field} for {account}, men FK-ORG har intet {fkorg_field}, og der er ikke angivet en lokal organisationsløsning.",
        "Tilføj den lokale organisationsløsning (OS2sofd eller OS2mo) til kæden og kør igen, eller kontrollér overførslen af {number} fra {system_label} til FK-ORG for {account}.",
    ),
    RuleCode(
        "fkorg.landline_unknown",
        "FK-ORG er læst via OS2syncs /api/hierarchy, som aldrig oplyser {fkorg_field}, så det kan ikke afgøres, om {account} har et {slot_label}.",
        "Læs FK-ORG via GraphQL (brugerListe) eller OS2syncs /api/user i stedet for /api/hierarchy.",
    ),
    RuleCode(
        "fkorg.no_upstream",
        "FK-ORG har intet {fkorg_field} for {account}, og der er ikke angivet systemer før FK-ORG.",
        "Tilføj systemerne før FK-ORG (fx OS2sofd, OS2mo eller AD) til kæden og kør igen for at se, hvor {slot_label} mangler.",
    ),
    RuleCode(
        "source.invalid",
        "{system_label} har værdien '{number}' i {field} for {account}, men den kan ikke bruges ({problem}).",
        "Ret {field} for {account} i {system_label} til personens gyldige 8-cifrede nummer.",
    ),
    RuleCode(
        "source.missing",
        "Ingen af systemerne ({systems}) har et {slot_label} for {account}.",
        "Bed {account} oplyse sit {slot_label}, og registrér det i {system_label}.",
    ),
    RuleCode(
        "chain.not_found",
        "{user} findes ikke i nogen af de angivne systemer før FK-ORG ({systems}).",
        "Kontrollér brugernavn og e-mail for {user} i KLIK mod {systems}, eller tilføj det system, personen findes i, til kæden.",
    ),
)

FINDING: Final = {f.code: f for f in FINDINGS}
CAUSE: Final = {c.code: c for c in CAUSES}
RULE: Final = {r.code: r for r in RULES}
PARTY: Final = {p.code: p for p in PARTIES}
