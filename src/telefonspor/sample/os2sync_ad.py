"""The OS2sync-AD variant of a generated municipality: AD synced straight to FK-ORG.

There is no OS2sofd or OS2mo: OS2sync-AD sends each enabled AD account's
``telephoneNumber`` as PhoneNumber (FK-ORG Telefon, KLIK's Mobil nummer) and
never a landline; a disabled account is removed from FK-ORG. People are drawn
as in :mod:`telefonspor.sample.chain` (same names, numbers and KLIK habits);
the scenarios and the judging below are the preset's own, written from the
cause spec in ``docs/readme/aarsager.md``, so the real pipeline must agree.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from telefonspor.sample.chain import (
    SLOTS,
    Municipality,
    Person,
    Truth,
    _format,
    _klik_of,
    _truth,
    draw_population,
    usable,
)
from telefonspor.sample.people import (
    LANDLINE_PREFIXES,
    MOBILE_PREFIXES,
    SYNC_ERRORS,
    UNUSABLE_VALUES,
    number_for,
)

PRESET: Final = "os2sync-ad"
#: The settings a generated OS2sync-AD chain is configured with.
SETTINGS: Final = {"chain.preset": PRESET}
#: Systems the variant may leave out of the chain.
OMITTABLE: Final = frozenset({"os2sync-db"})

# Uncovered scenarios among holders found in FK-ORG, and their weights.
_SCENARIOS: Final = (
    ("missing", 20),
    ("invalid", 8),
    ("only_mobile", 14),
    ("only_ip_phone", 6),
    ("mobile_and_ip_phone", 4),  # both slots lost at the same hop: Mobil nummer is reported
    ("disabled", 5),
    ("not_synced", 4),
    ("sync_failure", 4),
    ("sync_skip", 3),
    ("not_delivered", 4),
    ("not_shown", 4),
    ("not_found", 2),
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
_PARTY: Final = {
    "os2sync_ad.account_disabled": "hr",
    "os2sync_ad.not_phone_attribute": "hr",
    "os2sync_ad.no_landline": "hr",
    "os2sync_ad.user_not_synced": "sync_operator",
    "os2sync_ad.not_delivered": "sync_operator",
}


def build_os2sync_ad(
    *,
    holders: int,
    users: int,
    seed: int,
    municipalities: int = 1,
    omit: Sequence[str] = (),
    hostile_names: bool = False,
) -> Municipality:
    """Draw an OS2sync-AD municipality and judge every holder."""
    if not set(omit) <= OMITTABLE:
        raise ValueError(f"omit kan kun indeholde {', '.join(sorted(OMITTABLE))} for {PRESET}")
    if holders < 0 or users < 1 or municipalities < 1:
        raise ValueError("holders >= 0, users >= 1 og municipalities >= 1")
    rng = random.Random(seed)
    people, holder_list = draw_population(
        rng,
        holders=holders,
        users=users,
        municipalities=municipalities,
        scenarios=_SCENARIOS,
        apply_scenario=_scenario,
        hostile_names=hostile_names,
    )
    world = Municipality("ad", dict(SETTINGS), people, holder_list, (), frozenset(omit))
    holder_ids = {id(p) for p in holder_list}
    for p in (*people, *(h for h in holder_list if not h.in_fkorg and not h.in_ad)):
        _propagate(p)
        if id(p) in holder_ids:
            world.truth[p.user_id] = judge(p, world)
    return world


def _scenario(rng: random.Random, p: Person, scenario: str) -> None:
    """Break ``p``'s chain as ``scenario`` says; no other field holds a usable number."""
    landline = number_for(p.index, LANDLINE_PREFIXES, 505)
    mobile = number_for(p.index, MOBILE_PREFIXES, 606)
    p.ad_direct = p.ad_mobile = p.ad_ip_phone = ""
    if rng.random() < 0.15:
        p.klik_junk[rng.choice(SLOTS)] = rng.choice(UNUSABLE_VALUES)
    if scenario == "missing":
        return
    if scenario == "invalid":
        p.ad_direct = rng.choice(UNUSABLE_VALUES)
        return
    if scenario == "only_mobile":
        p.ad_mobile = _format(rng, mobile)
        return
    if scenario in {"only_ip_phone", "mobile_and_ip_phone"}:
        p.ad_ip_phone = _format(rng, landline)
        if scenario == "mobile_and_ip_phone":
            p.ad_mobile = _format(rng, mobile)
        return
    if scenario == "not_found":
        p.in_ad = False
        return
    p.ad_direct = _format(rng, rng.choice((landline, mobile)))
    if scenario == "disabled":
        p.ad_enabled = False
    elif scenario == "not_synced":
        p.in_fkorg = False
    elif scenario == "sync_failure":
        p.sync, p.sync_error = "failure", rng.choice(SYNC_ERRORS)
    elif scenario == "sync_skip":
        p.sync = "skipped"
    elif scenario == "not_delivered":
        p.sync = ""
        p.fk_lost = ("mobile",)
    elif scenario == "not_shown":
        p.klik_hidden = ("mobile",)
        p.klik_junk.pop("mobile", None)


def _propagate(p: Person) -> None:
    """What OS2sync, FK-ORG and KLIK end up with (OS2sync-AD: telephoneNumber only)."""
    p.in_local = p.in_ad  # OS2sync's tables hold what OS2sync-AD queued for AD accounts
    if not p.ad_enabled:
        p.in_fkorg = False  # the account's removal deactivates the FK-ORG user
        p.sync = ""
    if not p.in_ad:
        p.sync = ""
    p.sent = {"direct": "", "mobile": p.ad_direct if p.in_ad and p.ad_enabled else ""}
    delivered = p.sync == "success" or (p.sync == "" and p.in_ad)
    sent = p.sent["mobile"]
    arrives = p.in_fkorg and delivered and "mobile" not in p.fk_lost
    p.fk = {"direct": "", "mobile": sent if arrives else ""}


def judge(p: Person, world: Municipality) -> Truth:
    """The cause spec for an OS2sync-AD chain, step by step, on the model."""
    klik = _klik_of(p, p.fk)
    if any(usable(v) for v in klik.values()):
        return Truth(p.user_id, True, None, "", "")
    if p.in_ad and not p.ad_enabled:
        return _ad_truth(p, "lost_local_to_fkorg", "os2sync_ad.account_disabled")
    if not p.in_fkorg:
        if p.in_ad:
            return _ad_truth(p, "lost_local_to_fkorg", "os2sync_ad.user_not_synced")
        return _truth(p, "legacy_klik_user", "klik.legacy_user")
    # The mobile slot first: it wins a tie, Direkte nummer can never arrive.
    verdicts = [_slot_verdict(p, world, slot) for slot in ("mobile", "direct")]
    cause, rule = min(verdicts, key=lambda v: _CAUSE_PRIORITY.index(v[0]))
    return _ad_truth(p, cause, rule)


def _slot_verdict(p: Person, world: Municipality, slot: str) -> tuple[str, str]:
    sync_row = p.sync if ("os2sync-db" not in world.omit and p.in_local) else ""
    if usable(p.fk[slot]):  # a
        return "lost_fkorg_to_klik", "klik.not_shown"
    sent = p.sent.get(slot, "") if p.in_ad else ""
    if usable(sent):  # b
        if sync_row == "failure":
            return "lost_local_to_fkorg", "os2sync.failure"
        if sync_row == "skipped":
            return "lost_local_to_fkorg", "os2sync.cache_skip"
        return "lost_local_to_fkorg", "os2sync_ad.not_delivered"
    other = (p.ad_mobile if slot == "mobile" else p.ad_ip_phone) if p.in_ad else ""
    if usable(other):  # d: held in a field OS2sync-AD never sends
        rule = "os2sync_ad.not_phone_attribute" if slot == "mobile" else "os2sync_ad.no_landline"
        return "lost_local_to_fkorg", rule
    held = p.ad_direct if (p.in_ad and slot == "mobile") else ""
    if any(v.strip() and not usable(v) for v in (held, sent if sync_row else "")):  # g
        return "invalid_in_source", "source.invalid"
    if p.in_ad:  # h
        return "missing_in_source", "os2sync_ad.missing"
    if sync_row:
        return "missing_in_source", "source.missing"
    return "undetermined", "chain.not_found"  # i


def _ad_truth(p: Person, cause: str, rule: str) -> Truth:
    party = _PARTY.get(rule)
    if party is None:
        return _truth(p, cause, rule)
    return Truth(p.user_id, False, cause, rule, party)
