"""Danish explanation (``cause_detail``) and fix (``action``) per rule code, and
the party responsible for each cause (pure text, no I/O).

Every rule code the diagnosis can produce has one template pair here; the
README section ``docs/readme/aarsager.md`` lists the same codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from telefonspor.model import PhoneValue
from telefonspor.texts import SLOT_LABELS, system_label

#: FK-ORG address role and OS2sync field per slot.
FKORG_FIELD: Final = {"direct": "FastnetTelefon", "mobile": "Telefon"}
SYNC_FIELD: Final = {"direct": "Landline", "mobile": "PhoneNumber"}
OS2MO_SETTING: Final = {
    "direct": "landline_scope_classes",
    "mobile": "phone_scope_classes",
}
#: The OS2sofd type to use instead of a type that is never sent.
OS2SOFD_TYPE: Final = {"direct": "LANDLINE", "mobile": "MOBILE"}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the diagnosis saw; the templates pick the fields they need."""

    slot: str  # "direct" | "mobile"
    user: str  # the KLIK user id
    system: str = ""  # kind of the system the number was seen in
    account: str = ""  # the account in that system ("" -> the KLIK user id)
    number: str = ""  # the number as shown ("20 30 40 50")
    field: str = ""  # the system's own type/attribute name
    visibility: str = ""
    error: str = ""
    version: str = ""
    target: str = ""  # the next system (local system for a source, ...)
    sent: str = ""  # another value the system sends instead
    systems: str = ""  # the configured systems, for messages that name them all
    problem: str = ""  # Danish finding labels of an unusable value
    attribute: str = ""  # OS2sync-AD's phone attribute (os2sync_ad.phone_attribute)


def show_number(value: PhoneValue) -> str:
    """Danish numbers in pairs ("20 30 40 50"); anything else as written."""
    if value.e164 and value.e164.startswith("+45") and len(value.e164) == 11:
        digits = value.e164[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return value.raw.strip()


# rule -> (cause_detail, action); str.format fields from Facts plus derived names.
TEMPLATES: Final[dict[str, tuple[str, str]]] = {
    "chain.no_sources": (
        "Der er ikke angivet andre systemer end KLIK-eksporten, så årsagen kan ikke afgøres.",
        "Angiv kæden med --source (fx fkorg=fkorg.csv og os2sofd=personer.json) "
        "eller en konfigurationsfil, og kør igen.",
    ),
    "klik.legacy_user": (
        "KLIK-brugeren {user} findes ikke i FK-ORG ({systems}); det er typisk en gammel "
        "KLIK-bruger, der ikke er oprettet via FK Administration.",
        "Opret {user} som bruger via FK Administration og flyt rollerne til FK-ORG-brugeren, "
        "eller fjern rollerne i KLIK, hvis de ikke bruges.",
    ),
    "klik.not_shown": (
        "FK-ORG har {slot_label} {number} ({fkorg_field}) på brugeren {account}, "
        "men KLIK viser det ikke.",
        "Kontrollér i KLIK, at {user} er koblet til FK-ORG-brugeren {account}, og bed KOMBIT "
        "undersøge, hvorfor {fkorg_field} {number} ikke vises.",
    ),
    "os2sync.version_no_landline": (
        "{system_label} sender {number} som Landline for {account}, men OS2sync version "
        "{version} kan ikke sætte {fkorg_field} i FK-ORG.",
        "Opgradér OS2sync til version 3.0 eller nyere, så Landline {number} for {account} "
        "når FK-ORG.",
    ),
    "os2sync.failure": (
        "{system_label} sender {number} som {sync_field} for {account}, men OS2sync fejlede "
        "ved overførslen til FK-ORG: {error}.",
        "Ret fejlen i OS2sync for {account} ({error}) og synkronisér brugeren igen, så "
        "{sync_field} {number} når FK-ORG.",
    ),
    "os2sync.cache_skip": (
        "{system_label} sender {number} som {sync_field} for {account}, men OS2sync sprang "
        "brugeren over som uændret (cache), så FK-ORG har ikke nummeret.",
        "Ryd OS2syncs cache for {account} og gennemtving en fuld synkronisering, så "
        "{sync_field} {number} skrives til FK-ORG.",
    ),
    "os2sync.not_delivered": (
        "{system_label} sender {number} som {sync_field} for {account}, men FK-ORG har "
        "intet {fkorg_field}.",
        "Kontrollér i OS2sync, at {account} synkroniseres til FK-ORG (kø og fejllog), og kør "
        "synkroniseringen, så {sync_field} {number} når frem.",
    ),
    "os2sofd.ad_account_disabled": (
        "OS2sofd har {number} ({field}) for {account}, men AD-kontoen er spærret, så OS2sofd "
        "sender ikke brugeren til FK-ORG.",
        "Genaktivér AD-kontoen {account} i AD, eller flyt KLIK-rollerne til personens "
        "aktive konto.",
    ),
    "os2sofd.no_active_affiliation": (
        "OS2sofd har {number} ({field}) for {account}, men personen har ingen aktiv "
        "tilknytning, så brugeren slettes i FK-ORG.",
        "Registrér en aktiv tilknytning for {account} i OS2sofd, eller fjern KLIK-rollerne, "
        "hvis personen er fratrådt.",
    ),
    "os2sofd.no_matching_affiliation": (
        "OS2sofd har {number} ({field}) for {account}, men AD-kontoen er ikke knyttet til "
        "nogen aktiv tilknytning (medarbejdernummeret matcher ingen), så OS2sofds "
        "OS2sync-integration springer kontoen over, og FK-ORG-brugeren opdateres ikke.",
        "Giv AD-kontoen {account} det medarbejdernummer, som personens aktive tilknytning har, "
        "i OS2sofd (eller AD), eller registrér en tilknytning til kontoen.",
    ),
    "os2sofd.do_not_transfer": (
        "OS2sofd har {number} ({field}) for {account}, men alle personens aktive "
        "tilknytninger ligger i enheder markeret 'Overfør ikke til FK Organisation' "
        "(doNotTransferToFkOrg), så brugeren slettes i FK-ORG.",
        "Fjern markeringen 'Overfør ikke til FK Organisation' på enheden (eller "
        "tilknytningen) for {account} i OS2sofd, hvis personen skal i FK-ORG.",
    ),
    "os2sofd.hidden_mobile_not_sent": (
        "OS2sofd har mobilnummeret {number} med synligheden {visibility} (ikke VISIBLE), og "
        "sendHiddenPhoneNumbers er slået fra, så det sendes ikke til FK-ORG.",
        "Sæt MOBILE {number} til VISIBLE i OS2sofd for brugeren {account}, eller slå "
        "sendHiddenPhoneNumbers til.",
    ),
    "os2sofd.no_type_prime": (
        "OS2sofd har {number} som {field} for {account}, men det er ikke markeret typePrime, "
        "så det sendes ikke som {sync_field} til FK-ORG.",
        "Sæt {field} {number} som typePrime i OS2sofd for brugeren {account}.",
    ),
    "os2sofd.wrong_phone_type": (
        "OS2sofd har {number} kun som {field} for {account}, og den type sendes aldrig til FK-ORG.",
        "Registrér {number} som {os2sofd_type} (typePrime) i OS2sofd for brugeren {account}, "
        "hvis det er personens eget nummer.",
    ),
    "os2mo.no_engagement": (
        "OS2mo har {number} ({field}) for {account}, men personen har intet engagement, "
        "så eksporten til FK-ORG springer personen over.",
        "Registrér et aktivt engagement for {account} i OS2mo, eller fjern KLIK-rollerne, "
        "hvis personen er fratrådt.",
    ),
    "os2mo.it_user_no_engagement": (
        "OS2mo har {number} ({field}) på AD-it-brugeren {account}, men it-brugeren er ikke "
        "knyttet til et aktuelt eller fremtidigt engagement, så eksporten (ny tilstand) "
        "sender ikke brugeren til FK-ORG.",
        "Knyt AD-it-brugeren {account} til personens engagement i OS2mo, eller fjern "
        "KLIK-rollerne, hvis personen er fratrådt.",
    ),
    "os2mo.empty_class_list": (
        "OS2mo har {number} ({field}) for {account}, men OS2mo-eksporten er sat op til ikke at "
        "sende noget {slot_label}: {os2mo_setting} er tom (eksportens standard), så intet "
        "{sync_field} sendes til FK-ORG for nogen.",
        "Bed leverandøren sætte {os2mo_setting} i OS2mo-eksportens opsætning til UUID'en for "
        "adressetypen {field} (en liste af klasse-UUID'er).",
    ),
    "os2mo.type_not_in_scope": (
        "OS2mo har {number} som adressetypen {field} for {account}, men typen er ikke med i "
        "{os2mo_setting}, så den sendes ikke som {sync_field}.",
        "Bed leverandøren tilføje adressetypen {field}s UUID til {os2mo_setting} i "
        "OS2mo-eksporten, eller flyt "
        "{number} til en adressetype, der er med.",
    ),
    "os2mo.visibility_not_public": (
        "OS2mo har {number} ({field}) for {account} med synligheden {visibility}, og "
        "eksporten sender kun PUBLIC eller uangivet synlighed.",
        "Sæt synligheden for {field} {number} til PUBLIC (Må vises eksternt) i OS2mo for "
        "{account}, hvis nummeret må vises.",
    ),
    "os2mo.address_on_person": (
        "OS2mo har {number} ({field}) på personen, men eksporten læser kun adresser på "
        "AD-it-brugeren {account}.",
        "Flyt adressen {field} {number} fra personen til it-brugeren {account} i OS2mo.",
    ),
    "os2mo.other_address_sent": (
        "OS2mo har {number} ({field}) for {account}, men eksporten sender en anden adresse "
        "({sent}) som {sync_field}.",
        "Ret eller fjern adressen {sent} i OS2mo for {account}, så {number} sendes.",
    ),
    "source_to_local.not_imported": (
        "{system_label} har {number} i {field} for {account}, men {target_label} har ikke "
        "nummeret.",
        "Sørg for at {target_label} indlæser {field} fra {system_label} (fx OS2sofds "
        "AD-integration), eller registrér {number} i {target_label} for {account}.",
    ),
    "source_to_local.person_missing": (
        "{system_label} har {number} i {field} for {account}, men personen findes ikke i "
        "{target_label}.",
        "Kontrollér indlæsningen fra {system_label} til {target_label}, så {account} "
        "oprettes med {number}.",
    ),
    "os2sync_ad.account_disabled": (
        "AD-kontoen {account} er spærret, og OS2sync-AD fjerner spærrede konti fra FK-ORG "
        "(TerminateDisabledUsers), så KLIK-rollerne hænger på en bruger uden numre.",
        "Genaktivér AD-kontoen {account}, hvis personen stadig skal have rollerne; ellers flyt "
        "rollerne i KLIK til personens aktive konto eller fjern dem.",
    ),
    "os2sync_ad.user_not_synced": (
        "AD-kontoen {account} er aktiv, men findes ikke i FK-ORG: OS2sync-AD har ikke oprettet "
        "brugeren.",
        "Kontrollér at {account} ligger under OS2sync-AD's RootOU og ikke i en OU markeret som "
        "blokeret (admindescription = 2), ret det, og lav en ændring på kontoen i AD, så "
        "OS2sync-AD sender den (den læser kun ændringer).",
    ),
    "os2sync_ad.not_phone_attribute": (
        "AD har {number} i {field} for {account}, men OS2sync-AD sender kun {attribute} "
        "(som Mobil nummer) til FK-ORG.",
        "Skriv {number} i AD-feltet {attribute} for {account}; så sender OS2sync-AD det til "
        "FK-ORG, og KLIK viser det som Mobil nummer.",
    ),
    "os2sync_ad.no_landline": (
        "AD har {number} i {field} for {account}, men OS2sync-AD sender aldrig et Direkte "
        "nummer (FastnetTelefon) til FK-ORG: kun {attribute} sendes, som Mobil nummer.",
        "Skriv {number} i AD-feltet {attribute} for {account}, så KLIK viser det som Mobil "
        "nummer. Et Direkte nummer i KLIK kræver en synkronisering, der sender Landline "
        "(OS2sync 3.0 via OS2sofd eller OS2mo); et nummer skrevet direkte i FK-ORG fjernes igen, "
        "næste gang OS2sync-AD opdaterer brugeren.",
    ),
    "os2sync_ad.not_delivered": (
        "AD har {number} i {field} for {account}, og OS2sync-AD sender det som PhoneNumber, "
        "men FK-ORG har intet Telefon.",
        "Kontrollér OS2sync-AD's log og OS2syncs kø og fejllog for {account}, og lav en "
        "ændring på kontoen i AD (eller slet DirSync-cookien for en fuld synkronisering), så "
        "OS2sync-AD sender {number} igen.",
    ),
    "os2sync_ad.missing": (
        "AD-kontoen {account} har intet nummer i {attribute}, som er det eneste felt, "
        "OS2sync-AD sender til FK-ORG (som Mobil nummer); Direkte nummer sendes aldrig.",
        "Bed {account} oplyse sit arbejdsnummer, og registrér det i AD-feltet {attribute}; "
        "KLIK viser det som Mobil nummer.",
    ),
    "chain.no_local_system": (
        "{system_label} har {number} i {field} for {account}, men FK-ORG har intet "
        "{fkorg_field}, og der er ikke angivet en lokal organisationsløsning.",
        "Tilføj den lokale organisationsløsning (OS2sofd eller OS2mo) til kæden og kør igen, "
        "eller kontrollér overførslen af {number} fra {system_label} til FK-ORG for {account}.",
    ),
    "fkorg.landline_unknown": (
        "FK-ORG er læst via OS2syncs /api/hierarchy, som aldrig oplyser {fkorg_field}, så det kan "
        "ikke afgøres, om {account} har et {slot_label}.",
        "Læs FK-ORG via GraphQL (brugerListe) eller OS2syncs /api/user i stedet for /api/hierarchy.",
    ),
    "fkorg.no_upstream": (
        "FK-ORG har intet {fkorg_field} for {account}, og der er ikke angivet systemer før FK-ORG.",
        "Tilføj systemerne før FK-ORG (fx OS2sofd, OS2mo eller AD) til kæden og kør igen for "
        "at se, hvor {slot_label} mangler.",
    ),
    "source.invalid": (
        "{system_label} har værdien '{number}' i {field} for {account}, men den kan ikke "
        "bruges ({problem}).",
        "Ret {field} for {account} i {system_label} til personens gyldige 8-cifrede nummer.",
    ),
    "source.missing": (
        "Ingen af systemerne ({systems}) har et {slot_label} for {account}.",
        "Bed {account} oplyse sit {slot_label}, og registrér det i {system_label}.",
    ),
    "chain.not_found": (
        "{user} findes ikke i nogen af de angivne systemer før FK-ORG ({systems}).",
        "Kontrollér brugernavn og e-mail for {user} i KLIK mod {systems}, eller tilføj det "
        "system, personen findes i, til kæden.",
    ),
}

#: Rules whose loss (cause lost_local_to_fkorg) each party fixes.
_LOCAL_RULE_PARTY: Final = {
    "os2sofd.no_type_prime": "hr",
    "os2sofd.wrong_phone_type": "hr",
    "os2sofd.ad_account_disabled": "hr",
    "os2sofd.no_active_affiliation": "hr",
    "os2sofd.do_not_transfer": "hr",
    "os2sofd.no_matching_affiliation": "hr",
    "os2mo.no_engagement": "hr",
    "os2mo.it_user_no_engagement": "hr",
    "os2mo.visibility_not_public": "hr",
    "os2mo.address_on_person": "hr",
    "os2mo.other_address_sent": "hr",
    "os2sofd.hidden_mobile_not_sent": "supplier",
    "os2sync_ad.account_disabled": "hr",
    "os2sync_ad.not_phone_attribute": "hr",
    "os2sync_ad.no_landline": "hr",
    "os2sync_ad.user_not_synced": "sync_operator",
    "os2sync_ad.not_delivered": "sync_operator",
    "os2mo.type_not_in_scope": "supplier",
    "os2mo.empty_class_list": "supplier",
}

_CAUSE_PARTY: Final = {
    "legacy_klik_user": "klik_admin",
    "lost_before_fkorg": "klik_admin",
    "undetermined": "klik_admin",
    "missing_in_source": "employee",
    "invalid_in_source": "hr",
    "lost_source_to_local": "supplier",
    "lost_fkorg_to_klik": "kombit",
}


def responsible(cause: str, rule: str) -> str:
    """The party (a PARTY_CODES entry) that must act on ``cause`` lost by ``rule``."""
    if cause == "lost_local_to_fkorg":
        if rule.startswith("os2sync."):
            return "sync_operator"
        return _LOCAL_RULE_PARTY.get(rule, "hr")
    return _CAUSE_PARTY.get(cause, "klik_admin")


def explain(rule: str, facts: Facts) -> tuple[str, str]:
    """``(cause_detail, action)`` for ``rule``, filled with ``facts``."""
    detail, action = TEMPLATES[rule]
    values = {
        "slot": facts.slot,
        "user": facts.user,
        "account": facts.account or facts.user,
        "number": facts.number,
        "field": facts.field,
        "visibility": facts.visibility or "uangivet",
        "error": facts.error.strip().rstrip(".") or "ingen fejltekst",
        "version": facts.version,
        "sent": facts.sent,
        "systems": facts.systems,
        "problem": facts.problem,
        "attribute": facts.attribute or "telephoneNumber",
        "slot_label": SLOT_LABELS.get(facts.slot, facts.slot),
        "fkorg_field": FKORG_FIELD.get(facts.slot, ""),
        "sync_field": SYNC_FIELD.get(facts.slot, ""),
        "os2mo_setting": OS2MO_SETTING.get(facts.slot, ""),
        "os2sofd_type": OS2SOFD_TYPE.get(facts.slot, ""),
        "system_label": system_label(facts.system),
        "target_label": system_label(facts.target),
    }
    return detail.format(**values), action.format(**values)
