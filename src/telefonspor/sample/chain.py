"""The model of a generated municipality, and its ground truth (pure, no I/O).

Each person is built upstream first: what AD holds, what the local system
imported, whether OS2sync delivered it, what FK-ORG and KLIK show. A holder's
*scenario* breaks the chain at one place; systemic *faults* change settings
or data for the whole population. The truth is then judged from this model
by the shared cause spec, literally, so the files written from the same model
must lead the real pipeline to the same verdict.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final

from telefonspor.sample import os2mo as mo
from telefonspor.sample.os2mo import LANDLINE_CLASS, MOBILE_CLASS, OFF_SCOPE_CLASS
from telefonspor.sample.people import (
    FIRST_NAMES,
    LANDLINE_PREFIXES,
    LAST_NAMES,
    MOBILE_PREFIXES,
    ROLES,
    SYNC_ERRORS,
    TOWN_HALL,
    UNITS,
    UNUSABLE_VALUES,
    number_for,
)

SLOTS: Final = ("direct", "mobile")
#: Systems a chain may leave out ("local" = the OS2sofd/OS2mo system); FK-ORG is always there.
OMITTABLE: Final = frozenset({"ad", "local", "os2sync-db"})

#: Systemic faults (issue 9) and the local systems they apply to.
FAULTS: Final[Mapping[str, frozenset[str]]] = {
    "ad_phone_not_mapped": frozenset({"os2sofd"}),
    "hidden_mobiles_not_sent": frozenset({"os2sofd"}),
    "os2sync_pre_3": frozenset({"os2sofd", "os2mo"}),
    "os2mo_landline_class_missing": frozenset({"os2mo"}),
    "os2mo_internal_visibility": frozenset({"os2mo"}),
    "os2mo_default_classes": frozenset({"os2mo"}),
}
#: A mild realistic mix: hidden mobiles are not sent (a common OS2sofd setting).
DEFAULT_FAULTS: Final = ("hidden_mobiles_not_sent",)

#: Settings that deviate from the defaults, per fault.
_FAULT_SETTINGS: Final[Mapping[str, Mapping[str, object]]] = {
    "hidden_mobiles_not_sent": {"os2sofd.send_hidden_phone_numbers": False},
    "os2sync_pre_3": {"os2sync.version": "2.9"},
    **mo.FAULT_SETTINGS,
}

# Uncovered scenarios and their weights among uncovered holders found in FK-ORG (legacy
# KLIK users are the other half, as KOMBIT measured).
_SOFD_SCENARIOS: Final = (
    ("missing", 22),
    ("invalid", 10),
    ("not_imported", 8),
    ("person_missing", 4),
    ("sync_failure", 4),
    ("sync_skip", 3),
    ("not_delivered", 3),
    ("disabled", 3),
    ("no_affiliation", 3),
    ("deleted", 1),
    ("do_not_transfer", 2),
    ("no_matching_affiliation", 2),
    ("no_type_prime", 4),
    ("untyped_mobiles", 3),
    ("hidden_mobile", 5),
    ("wrong_type", 3),
    ("not_shown", 4),
    ("not_found", 2),
)
_MO_SCENARIOS: Final = (
    ("missing", 22),
    ("invalid", 10),
    ("not_imported", 8),
    ("person_missing", 4),
    ("sync_failure", 4),
    ("sync_skip", 3),
    ("not_delivered", 3),
    ("no_engagement", 4),
    ("it_user_no_engagement", 3),
    ("type_not_in_scope", 4),
    ("visibility_not_public", 4),
    ("address_on_person", 3),
    ("not_shown", 4),
    ("not_found", 2),
)

_STOP_RULES: Final = (
    ("no_matching_affiliation", "os2sofd.no_matching_affiliation"),
    ("disabled", "os2sofd.ad_account_disabled"),
    ("no_affiliation", "os2sofd.no_active_affiliation"),
    ("deleted", "os2sofd.no_active_affiliation"),
    ("do_not_transfer", "os2sofd.do_not_transfer"),
)
_LOCAL_RULE_ORDER: Final = (
    "os2sofd.no_matching_affiliation",
    "os2sofd.ad_account_disabled",
    "os2sofd.no_active_affiliation",
    "os2sofd.do_not_transfer",
    "os2sofd.hidden_mobile_not_sent",
    "os2sofd.no_type_prime",
    "os2mo.no_engagement",
    "os2mo.it_user_no_engagement",
    "os2mo.empty_class_list",
    "os2mo.type_not_in_scope",
    "os2mo.visibility_not_public",
    "os2mo.address_on_person",
    "os2mo.other_address_sent",
)
_CAUSE_PRIORITY: Final = (
    "lost_fkorg_to_klik",
    "lost_local_to_fkorg",
    "lost_source_to_local",
    "lost_before_fkorg",
    "invalid_in_source",
    "missing_in_source",
    "undetermined",
)
_CAUSE_PARTY: Final = {
    "legacy_klik_user": "klik_admin",
    "lost_before_fkorg": "klik_admin",
    "undetermined": "klik_admin",
    "missing_in_source": "employee",
    "invalid_in_source": "hr",
    "lost_source_to_local": "supplier",
    "lost_fkorg_to_klik": "kombit",
}
_SUPPLIER_RULES: Final = frozenset(
    {"os2sofd.hidden_mobile_not_sent", "os2mo.type_not_in_scope", "os2mo.empty_class_list"}
)
_UNUSABLE: Final = frozenset(UNUSABLE_VALUES)


@dataclass(frozen=True)
class Truth:
    """Ground truth for one KLIK holder (rule and responsible are '' when covered)."""

    user_id: str
    covered: bool
    cause: str | None
    rule: str
    responsible: str


@dataclass(slots=True)
class Phone:
    """A phone as the local system holds it (OS2sofd phone or OS2mo address)."""

    raw: str
    type: str
    visibility: str
    type_prime: bool = True
    master: str = "SOFD"  # OS2sofd: where it came from ("AD" when imported)
    owner: str = "it_user"  # OS2mo: "it_user" or "person"


@dataclass(slots=True)
class Person:
    index: int
    first: str
    last: str
    user_id: str
    guid: str
    email: str
    employee_id: str
    unit: str
    municipality: str
    in_ad: bool = True
    ad_enabled: bool = True
    ad_direct: str = ""  # telephoneNumber
    ad_mobile: str = ""
    ad_ip_phone: str = ""
    in_local: bool = True
    local_flags: frozenset[str] = frozenset()
    extra_phones: tuple[Phone, ...] = ()  # not imported from AD
    import_direct: bool = True  # the AD import carries this person's direct number
    import_mobile: bool = True
    hidden_mobile: bool = False  # mobile is HIDDEN_FOR_CITIZENS (OS2sofd) / SECRET (OS2mo)
    mobile_internal: bool = False
    on_person: bool = False  # OS2mo addresses sit on the person, not the AD it-user
    fk_uuid: str = ""  # OS2mo: FK-ORG UUID from a "FK-ORG-UUID" it-user ("" = the objectGUID)
    sync: str = "success"  # "success" | "skipped" | "failure" | "" (no row)
    sync_error: str = ""
    in_fkorg: bool = True
    fk_lost: tuple[str, ...] = ()  # slots FK-ORG lost although they were delivered
    klik_hidden: tuple[str, ...] = ()  # slots KLIK does not show although FK-ORG has them
    # filled by propagate():
    phones: Sequence[Phone] = ()
    sent: dict[str, str] = field(default_factory=dict)
    fk: dict[str, str] = field(default_factory=dict)
    ad_mail: str = ""  # AD's mail when it differs from the e-mail elsewhere ("" = email)
    # KLIK role holder data (roles empty: not a holder)
    roles: tuple[str, ...] = ()
    klik_junk: dict[str, str] = field(default_factory=dict)  # unusable text typed in KLIK

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True, slots=True)
class LocalOutcome:
    held: tuple[str, ...]
    sent: str
    blocked: tuple[tuple[str, str], ...]
    other: tuple[str, ...] = ()


@dataclass
class Municipality:
    """The generated population with its settings and ground truth."""

    local: str
    settings: dict[str, object]
    people: list[Person]
    holders: list[Person]  # includes legacy KLIK-only users (in_ad/in_local/in_fkorg False)
    faults: tuple[str, ...]
    omit: frozenset[str] = frozenset()  # systems left out of the configured chain
    truth: dict[str, Truth] = field(default_factory=dict)
    fault_users: dict[str, list[str]] = field(default_factory=dict)
    twins: dict[str, Any] = field(default_factory=dict)  # legacy user id -> sample.twins.TwinTruth


# --- building ---------------------------------------------------------------------------


def draw_population(
    rng: random.Random,
    *,
    holders: int,
    users: int,
    municipalities: int,
    scenarios: Sequence[tuple[str, float]],
    apply_scenario: Callable[[random.Random, Person, str], None],
    hostile_names: bool,
) -> tuple[list[Person], list[Person]]:
    """The employees and the KLIK role holders of every chain kind, drawn in one fixed order
    (the same seed gives the same people whatever the chain): about one holder in five is an
    old KLIK user, and one in ten of the rest is broken on purpose by a scenario."""
    codes = _municipality_codes(municipalities)
    people = [_person(rng, i, codes[i * municipalities // users]) for i in range(users)]
    legacy_count = holders // 5  # about half of the uncovered third
    chosen = rng.sample(range(users), min(users, holders - legacy_count))
    names = [s for s, _ in scenarios]
    weights = [w for _, w in scenarios]
    holder_list: list[Person] = []
    for i in chosen:
        person = people[i]
        person.roles = _roles(rng)
        # Some holders found in FK-ORG are broken on purpose (1/3 uncovered overall with legacy).
        if rng.random() < 0.1:
            apply_scenario(rng, person, rng.choices(names, weights)[0])
        holder_list.append(person)
    for j in range(holders - len(chosen)):
        holder_list.append(_legacy(rng, users + j, codes[j % len(codes)]))
    if hostile_names and holder_list:
        holder_list[0].first, holder_list[0].last = "<script>alert(1)</script>", "Test"
    return people, holder_list


def build(
    *,
    holders: int,
    users: int,
    seed: int,
    local: str,
    municipalities: int,
    faults: Sequence[str],
    hostile_names: bool = False,
    omit: Sequence[str] = (),
) -> Municipality:
    """Draw the population; every random choice is made here, whatever the faults."""
    if local not in {"os2sofd", "os2mo"}:
        raise ValueError(f"local skal være 'os2sofd' eller 'os2mo', ikke {local!r}")
    if not set(omit) <= OMITTABLE:
        raise ValueError(f"omit kan kun indeholde {', '.join(sorted(OMITTABLE))}")
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise ValueError(f"ukendte fejl: {', '.join(unknown)}; kendte: {', '.join(FAULTS)}")
    if holders < 0 or users < 1 or municipalities < 1:
        raise ValueError("holders >= 0, users >= 1 og municipalities >= 1")
    applied = tuple(dict.fromkeys(f for f in faults if local in FAULTS[f]))
    rng = random.Random(seed)
    scenarios = _MO_SCENARIOS if local == "os2mo" else _SOFD_SCENARIOS
    people, holder_list = draw_population(
        rng,
        holders=holders,
        users=users,
        municipalities=municipalities,
        scenarios=scenarios,
        apply_scenario=_apply_scenario,
        hostile_names=hostile_names,
    )
    if local == "os2mo":
        mo.add_new_mode_cases(people)
    base: dict[str, object] = dict(mo.SETTINGS) if local == "os2mo" else {}
    settings = dict(base)
    for fault in applied:
        settings.update(_FAULT_SETTINGS.get(fault, {}))
    world = Municipality(local, settings, people, holder_list, applied, frozenset(omit))
    _judge_all(world, base)
    return world


def _municipality_codes(count: int) -> list[str]:
    return [f"{101 + 9 * i:03d}" for i in range(count)]


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _person(rng: random.Random, index: int, municipality: str) -> Person:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    user_id = f"{_ascii(first[:2])}{_ascii(last[:2])}{index:06d}"
    person = Person(
        index=index,
        first=first,
        last=last,
        user_id=user_id,
        guid=_guid(rng),
        email=f"{user_id}@k{municipality}.eksempel.dk",
        employee_id=f"{100000 + index}",
        unit=rng.choice(UNITS),
        municipality=municipality,
    )
    roll = rng.random()
    if roll < 0.72:
        person.ad_direct = _format(rng, number_for(index, LANDLINE_PREFIXES, 101))
    elif roll < 0.80:
        person.ad_direct = TOWN_HALL  # shared number: usable, but no direct reach
    if rng.random() < 0.62:
        person.ad_mobile = _format(rng, number_for(index, MOBILE_PREFIXES, 202))
    elif rng.random() < 0.03:
        person.ad_mobile = f"+46 70 {index % 1000:03d} {index // 1000 % 100:02d} 67"  # foreign
    if rng.random() < 0.1:
        person.ad_ip_phone = str(4000 + index % 6000)
    person.hidden_mobile = rng.random() < 0.3
    return person


@functools.cache
def _ascii(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "'": "x", "-": "x", "ü": "u", "ö": "o"})
    return text.casefold().translate(table)[:2].ljust(2, "x")


_FORMATS: Final = (
    lambda n: n,
    lambda n: f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}",
    lambda n: f"+45 {n}",
    lambda n: f"{n[:4]} {n[4:]}",
    lambda n: f"tlf. {n[:4]} {n[4:]}",
    lambda n: f"0045 {n}",
)


def _format(rng: random.Random, number: str) -> str:
    return _FORMATS[rng.randrange(len(_FORMATS))](number)


def _roles(rng: random.Random) -> tuple[str, ...]:
    count = rng.choices((1, 2, 3, 4, 5, 6), (35, 25, 17, 11, 7, 5))[0]
    # The first roles are the common ones: weight falls with the position in the list.
    picked = {ROLES[min(int(rng.expovariate(0.15)), len(ROLES) - 1)] for _ in range(count)}
    return tuple(sorted(picked))


def _legacy(rng: random.Random, index: int, municipality: str) -> Person:
    """A KLIK user never created through FK-ADM: exists only in KLIK."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    user_id = f"klik{index:07d}"
    person = Person(
        index=index,
        first=first,
        last=last,
        user_id=user_id,
        guid="",
        email=f"{_ascii(first)}.{_ascii(last)}.{index}@gammel-k{municipality}.eksempel.dk",
        employee_id="",
        unit=rng.choice(UNITS),
        municipality=municipality,
        in_ad=False,
        in_local=False,
        in_fkorg=False,
        sync="",
    )
    person.roles = _roles(rng)
    if rng.random() < 0.1:  # some were typed into KLIK by hand and still work
        person.klik_junk["mobile"] = _format(rng, number_for(index, MOBILE_PREFIXES, 303))
    elif rng.random() < 0.2:
        person.klik_junk["direct"] = rng.choice(UNUSABLE_VALUES)
    return person


def _apply_scenario(rng: random.Random, p: Person, scenario: str) -> None:
    """Break ``p``'s chain as ``scenario`` says; the other slot has no number anywhere."""
    # The slot the scenario is about; the other one is simply missing in the source.
    mobile_only = {"hidden_mobile", "not_imported", "untyped_mobiles"}
    slot = "mobile" if scenario in mobile_only else rng.choice(SLOTS)
    number = number_for(p.index, LANDLINE_PREFIXES if slot == "direct" else MOBILE_PREFIXES, 404)
    p.ad_direct = p.ad_mobile = p.ad_ip_phone = ""
    p.hidden_mobile = False
    if rng.random() < 0.15:
        p.klik_junk[rng.choice(SLOTS)] = rng.choice(UNUSABLE_VALUES)

    def ad_holds() -> None:
        if slot == "direct":
            p.ad_direct = _format(rng, number)
        else:
            p.ad_mobile = _format(rng, number)

    if scenario == "missing":
        return
    if scenario == "invalid":
        if slot == "direct":
            p.ad_direct = rng.choice(UNUSABLE_VALUES)
        else:
            p.ad_mobile = rng.choice(UNUSABLE_VALUES)
        return
    ad_holds()
    if scenario == "not_imported":
        p.import_mobile = False
    elif scenario == "person_missing":
        p.in_local = False
        p.sync = ""  # OS2sync only knows what the local system sends
    elif scenario == "sync_failure":
        p.sync, p.sync_error = "failure", rng.choice(SYNC_ERRORS)
    elif scenario == "sync_skip":
        p.sync = "skipped"
    elif scenario == "not_delivered":
        p.sync = ""
        p.fk_lost = (slot,)
    elif scenario in {
        "disabled",
        "no_affiliation",
        "deleted",
        "do_not_transfer",
        "no_matching_affiliation",
    }:
        p.local_flags = frozenset({scenario})
        p.ad_enabled = scenario != "disabled"
    elif scenario in {"no_engagement", "it_user_no_engagement"}:
        p.local_flags = mo.scenario_flags(scenario)
    elif scenario == "hidden_mobile":
        p.hidden_mobile = True
    elif scenario == "no_type_prime":
        p.ad_direct = p.ad_mobile = ""
        kind = "LANDLINE" if slot == "direct" else "MOBILE"
        p.extra_phones = (Phone(_format(rng, number), kind, "VISIBLE", type_prime=False),)
    elif scenario == "untyped_mobiles":
        p.ad_direct = p.ad_mobile = ""
        p.extra_phones = _untyped_mobiles(
            Phone(_format(rng, number), "MOBILE", "VISIBLE", type_prime=False)
        )
    elif scenario == "wrong_type":
        p.ad_direct = p.ad_mobile = ""
        kind = "DEPARTMENT_NUMBER" if slot == "direct" else "DATA_SIM"
        p.extra_phones = (Phone(_format(rng, number), kind, "VISIBLE"),)
    elif scenario == "type_not_in_scope":
        p.ad_direct = p.ad_mobile = ""
        p.extra_phones = (Phone(_format(rng, number), OFF_SCOPE_CLASS, "PUBLIC"),)
    elif scenario == "visibility_not_public":
        if slot == "direct":
            p.ad_direct = ""
            p.extra_phones = (Phone(_format(rng, number), LANDLINE_CLASS, "INTERNAL"),)
        else:
            p.mobile_internal = True
    elif scenario == "address_on_person":
        p.on_person = True
    elif scenario == "not_shown":
        p.klik_hidden = (slot,)
        p.klik_junk.pop(slot, None)
    elif scenario == "not_found":
        p.ad_direct = p.ad_mobile = ""
        p.in_ad = p.in_local = False
        p.sync = ""


# --- OS2sofd details true to upstream (OS2sofd/os2sofd OS2SyncService, commit 88a368a6) ----

#: An old mobile nobody cleaned up; OS2sofd sorts untyped-prime mobiles by phoneNumber.
STALE_MOBILE: Final = "00000000"


def _untyped_mobiles(mobile: Phone) -> tuple[Phone, ...]:
    """Two MOBILE phones without typePrime, the person's own first in JSON order.

    OS2sofd sends the lowest ``phoneNumber`` (as text), so the stale placeholder wins
    unless the own number sorts lower (``+45 ...``).
    """
    return (mobile, Phone(STALE_MOBILE, "MOBILE", "VISIBLE", type_prime=False))


def null_visibility(p: Person) -> bool:
    """Some hidden mobiles have no visibility at all (null): not VISIBLE either."""
    return p.index % 4 == 0


# --- propagation: what each system ends up holding ----------------------------------------


def _flag(settings: Mapping[str, object], key: str, default: bool) -> bool:
    return bool(settings.get(key, default))


def _classes(settings: Mapping[str, object], key: str, default: list[str]) -> list[str]:
    value = settings.get(key, default)
    return [str(v) for v in value] if isinstance(value, list) else list(default)


def _version_below_3(settings: Mapping[str, object]) -> bool:
    text = str(settings.get("os2sync.version", "3.0"))
    major = "".join(ch for ch in text.split(".")[0] if ch.isdigit())
    return int(major or "0") < 3


def local_phones(p: Person, world: Municipality, faults: tuple[str, ...]) -> list[Phone]:
    """The local system's phones of ``p`` (import from AD plus hand-made ones)."""
    if not p.in_local:
        return []
    phones: list[Phone] = []
    if world.local == "os2sofd":
        mapped = "ad_phone_not_mapped" not in faults
        if p.ad_direct and p.import_direct and mapped:
            phones.append(Phone(p.ad_direct, "LANDLINE", "VISIBLE", master="AD"))
        if p.ad_mobile and p.import_mobile:
            # A few mobiles are hidden anyway; the fault hides many (and stops sending them).
            hidden = p.hidden_mobile and ("hidden_mobiles_not_sent" in faults or p.index % 6 == 0)
            visibility = (
                ("" if null_visibility(p) else "HIDDEN_FOR_CITIZENS") if hidden else "VISIBLE"
            )
            phones.append(Phone(p.ad_mobile, "MOBILE", visibility, master="AD"))
    else:
        owner = "person" if p.on_person else "it_user"
        if p.ad_direct and p.import_direct:
            internal = "os2mo_internal_visibility" in faults
            phones.append(
                Phone(
                    p.ad_direct, LANDLINE_CLASS, "INTERNAL" if internal else "PUBLIC", owner=owner
                )
            )
        if p.ad_mobile and p.import_mobile:
            visibility = "INTERNAL" if p.mobile_internal else "PUBLIC"
            phones.append(Phone(p.ad_mobile, MOBILE_CLASS, visibility, owner=owner))
    phones.extend(p.extra_phones)
    return phones


def local_outcome(
    phones: Sequence[Phone], flags: AbstractSet[str], local: str, settings: Mapping[str, object]
) -> dict[str, LocalOutcome]:
    """Replay of the local system's sync rules, written from the cause spec."""
    if local == "os2sofd":
        return _sofd_outcome(phones, flags, settings)
    return _mo_outcome(phones, flags, settings)


def _sofd_outcome(
    phones: Sequence[Phone], flags: AbstractSet[str], settings: Mapping[str, object]
) -> dict[str, LocalOutcome]:
    direct = [p for p in phones if p.type in {"LANDLINE", "IP", "BROADBAND"}]
    mobile = [p for p in phones if p.type == "MOBILE"]
    other = tuple(
        p.raw for p in phones if p.type in {"DEPARTMENT_NUMBER", "FAX_NUMBER", "DATA_SIM"}
    )
    stop = next((rule for flag, rule in _STOP_RULES if flag in flags), "")
    if stop:
        return {
            "direct": LocalOutcome(_raws(direct), "", tuple((p.raw, stop) for p in direct), other),
            "mobile": LocalOutcome(_raws(mobile), "", tuple((p.raw, stop) for p in mobile), other),
        }
    sent_direct = None
    for kind in ("LANDLINE", "IP", "BROADBAND"):
        sent_direct = next((p for p in direct if p.type_prime and p.type == kind), None)
        if sent_direct is not None:
            break
    send_hidden = _flag(settings, "os2sofd.send_hidden_phone_numbers", True)
    candidates = [p for p in mobile if send_hidden or p.visibility == "VISIBLE"]
    # typePrime first, then phoneNumber ascending (as text).
    sent_mobile = min(candidates, key=lambda p: (not p.type_prime, p.raw), default=None)
    blocked_mobile = tuple(
        (
            p.raw,
            "os2sofd.hidden_mobile_not_sent"
            if not send_hidden and p.visibility != "VISIBLE"
            else "os2sofd.no_type_prime",
        )
        for p in mobile
        if p is not sent_mobile
    )
    return {
        "direct": LocalOutcome(
            _raws(direct),
            sent_direct.raw if sent_direct else "",
            tuple((p.raw, "os2sofd.no_type_prime") for p in direct if p is not sent_direct),
            other,
        ),
        "mobile": LocalOutcome(
            _raws(mobile), sent_mobile.raw if sent_mobile else "", blocked_mobile, other
        ),
    }


def _mo_outcome(
    phones: Sequence[Phone], flags: AbstractSet[str], settings: Mapping[str, object]
) -> dict[str, LocalOutcome]:
    landline = _classes(settings, "os2mo.landline_scope_classes", [])
    mobile_classes = _classes(settings, "os2mo.phone_scope_classes", [])
    on_it_user = _flag(settings, "os2mo.addresses_on_it_user", False)
    stop = mo.stop_rule(flags, on_it_user)

    def rank(p: Phone, classes: list[str]) -> int | None:
        return mo.class_rank(p.type, classes)

    held = {
        "direct": [
            p for p in phones if rank(p, landline) is not None or rank(p, mobile_classes) is None
        ],
        "mobile": [p for p in phones if rank(p, mobile_classes) is not None],
    }
    out = {}
    for slot, classes in (("direct", landline), ("mobile", mobile_classes)):
        eligible = [
            (r, i)
            for i, p in enumerate(held[slot])
            if (r := rank(p, classes)) is not None
            and p.visibility in {"PUBLIC", ""}
            and (not on_it_user or p.owner == "it_user")
        ]
        sent = held[slot][min(eligible)[1]] if eligible and not stop else None
        blocked = tuple(
            (p.raw, _mo_why_not(p, classes, on_it_user, stop)) for p in held[slot] if p is not sent
        )
        out[slot] = LocalOutcome(_raws(held[slot]), sent.raw if sent else "", blocked)
    return out


def _mo_why_not(p: Phone, classes: list[str], on_it_user: bool, stop: str) -> str:
    if stop:
        return stop
    if not classes:
        return "os2mo.empty_class_list"
    if mo.class_rank(p.type, classes) is None:
        return "os2mo.type_not_in_scope"
    if p.visibility not in {"PUBLIC", ""}:
        return "os2mo.visibility_not_public"
    if on_it_user and p.owner != "it_user":
        return "os2mo.address_on_person"
    return "os2mo.other_address_sent"


def _raws(phones: Sequence[Phone]) -> tuple[str, ...]:
    return tuple(p.raw for p in phones)


def usable(raw: str) -> bool:
    """By construction: every generated value is usable unless drawn from the unusable list."""
    extension = raw.isdigit() and len(raw) <= 5  # ipPhone values are internal extensions
    return bool(raw.strip()) and raw not in _UNUSABLE and not extension


# --- judging ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _State:
    """One person's chain under one set of settings and faults."""

    phones: list[Phone]
    local: dict[str, LocalOutcome]
    fk: dict[str, str]
    klik: dict[str, str]


def _state(
    p: Person, world: Municipality, settings: Mapping[str, object], faults: tuple[str, ...]
) -> _State:
    phones = local_phones(p, world, faults)
    outcome = local_outcome(phones, p.local_flags, world.local, settings) if p.in_local else {}
    fk: dict[str, str] = {}
    delivered = p.sync == "success" or (p.sync == "" and p.in_local)
    for slot in SLOTS:
        sent = outcome[slot].sent if outcome else ""
        arrives = delivered and not (slot == "direct" and _version_below_3(settings))
        fk[slot] = sent if p.in_fkorg and arrives and slot not in p.fk_lost else ""
    return _State(phones, outcome, fk, _klik_of(p, fk))


def _klik_of(p: Person, fk: Mapping[str, str]) -> dict[str, str]:
    """KLIK shows FK-ORG's numbers, unless the scenario hides them or junk was typed in."""
    return {
        slot: ("" if slot in p.klik_hidden else fk[slot]) or p.klik_junk.get(slot, "")
        for slot in SLOTS
    }


def _judge_all(world: Municipality, base_settings: Mapping[str, object]) -> None:
    """Settle every person's files once; record each holder's truth and each fault's effect."""
    holders = {id(p) for p in world.holders}
    for p in (*world.people, *(h for h in world.holders if not h.in_fkorg)):
        state = _state(p, world, world.settings, world.faults)
        p.phones = state.phones
        p.sent = {slot: state.local[slot].sent for slot in SLOTS} if state.local else {}
        p.fk = state.fk
        if id(p) in holders:
            world.truth[p.user_id] = judge(p, state, world)
    for fault in world.faults:
        # Without this one fault (its settings and data back to normal), who would be covered?
        others = tuple(f for f in world.faults if f != fault)
        settings = dict(base_settings)
        for f in others:
            settings.update(_FAULT_SETTINGS.get(f, {}))
        gained = []
        for p in world.holders:
            if world.truth[p.user_id].covered:
                continue
            state = _state(p, world, settings, others)
            if any(usable(v) for v in state.klik.values()):
                gained.append(p.user_id)
        world.fault_users[fault] = gained


def klik_values(p: Person) -> dict[str, str]:
    """What KLIK shows for ``p`` (raw); valid after :func:`build`."""
    return _klik_of(p, p.fk)


def judge(p: Person, state: _State, world: Municipality) -> Truth:
    """The cause spec, step by step, on the model."""
    if any(usable(v) for v in state.klik.values()):
        return Truth(p.user_id, True, None, "", "")
    if not p.in_fkorg:
        return _truth(p, "legacy_klik_user", "klik.legacy_user")
    verdicts = [_slot_verdict(p, state, world, slot) for slot in SLOTS]
    cause, rule = min(verdicts, key=lambda v: _CAUSE_PRIORITY.index(v[0]))
    return _truth(p, cause, rule)


def _slot_verdict(p: Person, state: _State, world: Municipality, slot: str) -> tuple[str, str]:
    settings, omit = world.settings, world.omit
    has_ad, has_local, has_sync = (k not in omit for k in ("ad", "local", "os2sync-db"))
    in_ad = p.in_ad and has_ad
    in_local = p.in_local and has_local
    sync_row = p.sync if (has_sync and p.in_local) else ""
    if usable(state.fk[slot]):  # a
        return "lost_fkorg_to_klik", "klik.not_shown"
    local = state.local.get(slot) if has_local else None
    if local is not None and usable(local.sent):  # b
        if slot == "direct" and _version_below_3(settings):
            return "lost_local_to_fkorg", "os2sync.version_no_landline"
        if sync_row == "failure":
            return "lost_local_to_fkorg", "os2sync.failure"
        if sync_row == "skipped":
            return "lost_local_to_fkorg", "os2sync.cache_skip"
        return "lost_local_to_fkorg", "os2sync.not_delivered"
    if local is not None:  # c
        rules = [rule for raw, rule in local.blocked if usable(raw)]
        if rules:
            return "lost_local_to_fkorg", min(rules, key=_local_rank)
        if any(usable(raw) for raw in local.other):  # d
            return "lost_local_to_fkorg", "os2sofd.wrong_phone_type"
    ad_held = _ad_held(p, slot) if in_ad else ""
    if usable(ad_held):  # e
        if not has_local:
            return "lost_before_fkorg", "chain.no_local_system"
        if in_local:
            return "lost_source_to_local", "source_to_local.not_imported"
        return "lost_source_to_local", "source_to_local.person_missing"
    if not (has_ad or has_local or has_sync):  # f
        return "lost_before_fkorg", "fkorg.no_upstream"
    sent = state.local[slot].sent if (sync_row and state.local) else ""
    upstream = [ad_held, *(local.held if local is not None else ()), sent]
    if any(v.strip() and not usable(v) for v in upstream):  # g
        return "invalid_in_source", "source.invalid"
    if in_ad or in_local or sync_row:  # h
        return "missing_in_source", "source.missing"
    return "undetermined", "chain.not_found"  # i


def _ad_held(p: Person, slot: str) -> str:
    return p.ad_direct if slot == "direct" else p.ad_mobile


def _local_rank(rule: str) -> int:
    return _LOCAL_RULE_ORDER.index(rule) if rule in _LOCAL_RULE_ORDER else len(_LOCAL_RULE_ORDER)


def _truth(p: Person, cause: str, rule: str) -> Truth:
    return Truth(p.user_id, False, cause, rule, responsible_for(cause, rule))


def responsible_for(cause: str, rule: str) -> str:
    if cause == "lost_local_to_fkorg":
        if rule.startswith("os2sync."):
            return "sync_operator"
        return "supplier" if rule in _SUPPLIER_RULES else "hr"
    return _CAUSE_PARTY.get(cause, "klik_admin")
