"""Decide which rows each fix file gets (pure: no files are touched here).

Only open work is planned: holders without a usable number whose case is not
accepted (task step 3), plus numbers the administrator corrected by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from telefonspor.fixfiles.corrections import Correction
from telefonspor.fixfiles.numbers import normalise
from telefonspor.model import SLOTS, AuditResult, Decision, HolderResult, Holders, Hop
from telefonspor.texts import CAUSE_LABELS, SLOT_LABELS, system_label

#: OS2sofd phone type per slot.
SOFD_TYPE: Final = {"direct": "LANDLINE", "mobile": "MOBILE"}
#: Characters AD forbids in sAMAccountName, plus '@' and blanks (a fallback key, not an account).
_NOT_ACCOUNT: Final = re.compile(r'["/\\\[\]:;|=,+*?<>@\s]')
_ACCOUNT_MAX: Final = 20
#: OS2sofd rules that stop the whole user: a phone change does not help there.
_SOFD_STOPPERS: Final = frozenset(
    {
        "os2sofd.ad_account_disabled",
        "os2sofd.no_active_affiliation",
        "os2sofd.do_not_transfer",
        "os2sofd.no_matching_affiliation",
    }
)
_SOFD_RULE_REASONS: Final = {
    "os2sofd.no_type_prime": "Nummeret er ikke markeret typePrime i OS2sofd og sendes derfor "
    "ikke til FK-ORG.",
    "os2sofd.hidden_mobile_not_sent": "Mobilnummeret er skjult i OS2sofd, og skjulte numre "
    "sendes ikke til FK-ORG.",
}
#: OS2sync-AD rules where AD has the number in a field OS2sync-AD never sends.
_OS2SYNC_AD_MOVED: Final = frozenset({"os2sync_ad.not_phone_attribute", "os2sync_ad.no_landline"})
_OS2SYNC_AD_REASON: Final = (
    "Mobil nummer: AD har nummeret i et felt, OS2sync-AD ikke sender; det skrives i feltet, "
    "der sendes til FK-ORG."
)
_KEY_LABELS: Final = {
    "uuid": "UUID",
    "email": "e-mail",
    "employee_id": "medarbejdernummer",
    "name": "navn",
}
_SOFD_NOT_SENT: Final = (
    "OS2sofd har nummeret, men sender det ikke til FK-ORG (typePrime eller synlighed)."
)


@dataclass(frozen=True, slots=True)
class AdChange:
    """One attribute to set on one AD account."""

    account: str  # sAMAccountName
    slot: str  # "direct" | "mobile"
    number: str  # E.164
    reason: str  # Danish


@dataclass(frozen=True, slots=True)
class AdSkip:
    """A change that could not be written safely, listed as a comment."""

    account: str
    reason: str  # Danish


@dataclass(frozen=True, slots=True)
class SofdPhone:
    """One phone to add or correct in OS2sofd."""

    user_id: str
    name: str
    number: str  # E.164
    slot: str
    visibility: str
    type_prime: bool
    action: str  # "tilføj" | "ret"
    reason: str  # Danish

    @property
    def phone_type(self) -> str:
        return SOFD_TYPE[self.slot]


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    """An employee who must register their own number."""

    user_id: str
    name: str
    email: str
    roles: tuple[str, ...]
    unit: str
    missing: str  # Danish: which fields are missing


@dataclass(frozen=True, slots=True)
class FixPlan:
    ad: tuple[AdChange, ...] = ()
    ad_skipped: tuple[AdSkip, ...] = ()
    os2sofd: tuple[SofdPhone, ...] = ()
    employees: tuple[EmployeeRow, ...] = ()


def open_holders(
    result: Holders, decisions: Mapping[str, Decision] | None = None
) -> list[HolderResult]:
    """Holders without a usable number whose case is not accepted."""
    accepted = {
        uid.casefold() for uid, d in (decisions or {}).items() if d.decision == "accept" and uid
    }
    return [h for h in result.holders if not h.covered and h.user_id.casefold() not in accepted]


def is_account_name(text: str) -> bool:
    """Could ``text`` be an AD sAMAccountName (and not an e-mail or full-name fallback)?"""
    return 0 < len(text) <= _ACCOUNT_MAX and not _NOT_ACCOUNT.search(text)


def make_plan(
    result: Holders,
    *,
    corrections: Mapping[str, Correction] | None = None,
    decisions: Mapping[str, Decision] | None = None,
    placeholders: Iterable[str] = (),
    os2sync_ad: bool = False,
) -> FixPlan:
    fixes = {c.user_id.casefold(): c for c in (corrections or {}).values()}
    holders = open_holders(result, decisions)
    by_user = {h.user_id.casefold(): h for h in result.holders}
    marks = tuple(placeholders)
    preset = os2sync_ad or _is_os2sync_ad(result)
    ad, skipped = _ad_rows(holders, fixes, marks, os2sync_ad=preset)
    return FixPlan(
        ad=ad,
        ad_skipped=skipped,
        os2sofd=_sofd_rows(holders, fixes, by_user, marks),
        employees=_employee_rows(holders, fixes),
    )


# --- AD ----------------------------------------------------------------------------------------


def _is_os2sync_ad(result: Holders) -> bool:
    # A run read back keeps no settings; the caller's os2sync_ad says it then.
    return isinstance(result, AuditResult) and bool(
        result.settings_used.get("chain.preset") == "os2sync-ad"
    )


def _ad_rows(
    holders: list[HolderResult],
    fixes: Mapping[str, Correction],
    marks: tuple[str, ...],
    *,
    os2sync_ad: bool = False,
) -> tuple[tuple[AdChange, ...], tuple[AdSkip, ...]]:
    changes: dict[tuple[str, str], AdChange] = {}
    skipped: dict[str, AdSkip] = {}
    for holder in holders:
        ad = _hop(holder, "ad")
        if ad is None:
            continue
        moved = _os2sync_ad_move(holder, ad, marks)
        # OS2sync-AD made the FK-ORG user from the AD account (Uuid = objectGUID, UserId =
        # sAMAccountName), so a uuid link names the same account as the KLIK user name.
        keys = ("", "user_id", "uuid") if os2sync_ad else ("", "user_id")
        for slot in SLOTS:
            if os2sync_ad and slot == "direct":
                continue  # OS2sync-AD never sends Direkte nummer: an AD change cannot help
            if moved is not None and slot == "mobile":
                known: tuple[str, str] | None = moved
            elif normalise(_held(ad, slot), marks) is not None:
                continue  # AD is fine; the number is lost further down
            else:
                known = _known_elsewhere(holder, slot, marks)
            if known is None:
                continue
            number, system = known
            if ad.key not in keys or ad.confidence not in ("", "exact"):
                skipped[holder.user_id.casefold()] = AdSkip(
                    holder.user_id,
                    f"AD-kontoen er fundet via {_KEY_LABELS.get(ad.key, ad.key or 'et andet kendetegn')}, "
                    "ikke brugernavnet; "
                    "kontrollér kontonavnet og ret i hånden.",
                )
                continue
            if not is_account_name(holder.user_id):
                skipped[holder.user_id.casefold()] = AdSkip(
                    holder.user_id, "brugernavnet fra KLIK er ikke et AD-kontonavn; ret i hånden."
                )
                continue
            what = "mangler det" if not _held(ad, slot).strip() else "har en ubrugelig værdi"
            reason = f"{SLOT_LABELS[slot]}: {system_label(system)} har nummeret, AD {what}."
            if known is moved:
                reason = _OS2SYNC_AD_REASON
            changes[(holder.user_id.casefold(), slot)] = AdChange(
                holder.user_id, slot, number, reason
            )
    for key, fix in fixes.items():
        for slot in SLOTS:
            if fix.number(slot):
                changes[(key, slot)] = AdChange(
                    fix.user_id,
                    slot,
                    fix.number(slot),
                    f"{SLOT_LABELS[slot]}: {fix.source()}.",
                )
                skipped.pop(key, None)
    ordered = sorted(
        changes.values(), key=lambda c: (c.account.casefold(), c.account, _rank(c.slot))
    )
    return tuple(ordered), tuple(sorted(skipped.values(), key=lambda s: s.account.casefold()))


def _os2sync_ad_move(
    holder: HolderResult, ad: Hop, marks: tuple[str, ...]
) -> tuple[str, str] | None:
    """OS2sync-AD chains: a number AD holds in a field never sent goes into the one that is.

    The AD hop shows the sent field's value first, then the others; the change is written
    to the phone attribute (the fix files map the mobile slot to it in this chain).
    """
    if holder.rule not in _OS2SYNC_AD_MOVED:
        return None
    for raw in (ad.mobile, ad.direct):
        number = normalise(raw, marks)
        if number is not None:
            return number, "ad"
    return None


def _known_elsewhere(
    holder: HolderResult, slot: str, marks: tuple[str, ...]
) -> tuple[str, str] | None:
    """The first usable number another system of the chain holds, upstream first."""
    for hop in holder.trace:
        if hop.system in ("ad", "klik") or not hop.found:
            continue
        number = normalise(_held(hop, slot), marks)
        if number is not None:
            return number, hop.system
    return None


# --- OS2sofd -------------------------------------------------------------------------------------


def _sofd_rows(
    holders: list[HolderResult],
    fixes: Mapping[str, Correction],
    by_user: Mapping[str, HolderResult],
    marks: tuple[str, ...],
) -> tuple[SofdPhone, ...]:
    rows: dict[tuple[str, str], SofdPhone] = {}
    for holder in holders:
        sofd = _hop(holder, "os2sofd")
        if sofd is None:
            continue
        for slot in SLOTS:
            row = _sofd_row(holder, sofd, slot, marks)
            if row is not None:
                rows[(holder.user_id.casefold(), slot)] = row
    for key, fix in fixes.items():
        known = by_user.get(key)
        sofd = _hop(known, "os2sofd") if known is not None else None
        if known is None or sofd is None:
            continue  # not known in OS2sofd: the AD change is all we can offer
        for slot in SLOTS:
            if fix.number(slot):
                action = "ret" if _held(sofd, slot).strip() else "tilføj"
                source = fix.source()
                reason = f"{source[:1].upper()}{source[1:]}."
                rows[(key, slot)] = SofdPhone(
                    known.user_id,
                    known.name,
                    fix.number(slot),
                    slot,
                    "VISIBLE",
                    True,
                    action,
                    reason,
                )
    return tuple(
        sorted(rows.values(), key=lambda r: (r.user_id.casefold(), r.user_id, _rank(r.slot)))
    )


def _sofd_row(
    holder: HolderResult, sofd: Hop, slot: str, marks: tuple[str, ...]
) -> SofdPhone | None:
    held = normalise(_held(sofd, slot), marks)
    if held is not None:
        sent = normalise(_sent(sofd, slot), marks)
        if sent is not None or holder.rule in _SOFD_STOPPERS:
            return None
        reason = _SOFD_RULE_REASONS.get(holder.rule, _SOFD_NOT_SENT)
        return SofdPhone(holder.user_id, holder.name, held, slot, "VISIBLE", True, "ret", reason)
    for hop in holder.trace:
        if hop.position != "source" or not hop.found:
            continue
        number = normalise(_held(hop, slot), marks)
        if number is not None:
            reason = (
                f"{CAUSE_LABELS['lost_source_to_local']}: {system_label(hop.system)} har "
                "nummeret, OS2sofd har det ikke."
            )
            return SofdPhone(
                holder.user_id, holder.name, number, slot, "VISIBLE", True, "tilføj", reason
            )
    return None


# --- employees ---------------------------------------------------------------------------------


def _employee_rows(
    holders: list[HolderResult], fixes: Mapping[str, Correction]
) -> tuple[EmployeeRow, ...]:
    rows = []
    for holder in holders:
        if holder.cause != "missing_in_source" or holder.user_id.casefold() in fixes:
            continue
        missing = [SLOT_LABELS[s] for s in SLOTS if not getattr(holder, s).usable]
        rows.append(
            EmployeeRow(
                holder.user_id,
                holder.name,
                holder.email,
                holder.roles,
                holder.unit,
                " og ".join(missing),
            )
        )
    return tuple(sorted(rows, key=lambda r: (r.name.casefold(), r.user_id.casefold(), r.user_id)))


# --- helpers -------------------------------------------------------------------------------------


def _hop(holder: HolderResult, system: str) -> Hop | None:
    return next((h for h in holder.trace if h.system == system and h.found), None)


def _held(hop: Hop, slot: str) -> str:
    return hop.direct if slot == "direct" else hop.mobile


def _sent(hop: Hop, slot: str) -> str:
    return hop.sent_direct if slot == "direct" else hop.sent_mobile


def _rank(slot: str) -> int:
    return SLOTS.index(slot)
