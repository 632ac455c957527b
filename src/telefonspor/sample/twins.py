"""Old KLIK users with and without an FK-ORG twin, and the twin truth (issue 18; pure).

:func:`add_legacy_twins` runs after a municipality is built and judged: it gives
some legacy KLIK users the e-mail, UPN or name and unit of a person who has an
FK-ORG user (some of those without a number, some matching two persons), with its
own random stream, so every other draw of the generator stays as it was.
:func:`judge_twins` then settles, literally from the model, which FK-ORG user the
twin search (``telefonspor.twins``) must find for each legacy holder: e-mail
(AD ``mail`` or any system's e-mail), then UPN (the part before '@' is an account
name), then name + unit among the other KLIK users that have an FK-ORG user.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from telefonspor.sample.chain import Municipality, Person, klik_values, usable

#: One legacy user in ten per mode; the rest keep no twin.
_MODES = ("email", "email", "upn", "name_unit", "ambiguous", "upn_no_number")


@dataclass(frozen=True, slots=True)
class TwinTruth:
    """The twin the pipeline must find for one legacy holder."""

    user_id: str  # "" when ambiguous
    matched_by: str  # "email" | "upn" | "name_unit" | "ambiguous"
    covered: bool
    candidates: tuple[str, ...] = ()


def is_legacy(p: Person) -> bool:
    return not p.in_fkorg and not p.in_ad and not p.guid


def add_legacy_twins(world: Municipality, seed: int) -> None:
    """Give legacy holders twins by cycling through :data:`_MODES` (own random stream)."""
    rng = random.Random(f"legacy-twins-{seed}")
    holder_ids = {id(h) for h in world.holders}
    spare = [p for p in world.people if id(p) not in holder_ids and p.in_fkorg]
    rng.shuffle(spare)
    numbered = [p for p in spare if any(usable(v) for v in p.fk.values())]
    numberless = [p for p in spare if not any(usable(v) for v in p.fk.values())]
    # Index 0 may carry the hostile test name: leave it alone.
    regular = [h for h in world.holders[1:] if h.in_fkorg]
    for j, old in enumerate(h for h in world.holders if is_legacy(h)):
        mode = _MODES[j % 10] if j % 10 < len(_MODES) else ""
        if mode == "email" and numbered:
            _email_twin(old, numbered.pop())
        elif mode == "upn" and numbered:
            _upn_twin(old, numbered.pop())
        elif mode == "upn_no_number" and numberless:
            _upn_twin(old, numberless.pop())
        elif mode == "name_unit":
            _name_twin(rng, old, regular)
        elif mode == "ambiguous":
            _ambiguous_twins(rng, old, regular)


def _email_twin(old: Person, twin: Person) -> None:
    """AD's ``mail`` is the person's address, FK-ORG has the UPN-style one; KLIK has the mail."""
    twin.ad_mail = (
        f"{_plain(twin.first)}.{_plain(twin.last)}.{twin.index}@k{twin.municipality}.eksempel.dk"
    )
    old.email = twin.ad_mail
    old.first, old.last = twin.first, twin.last


def _upn_twin(old: Person, twin: Person) -> None:
    """The old user's e-mail is the twin's UPN (account name @ the AD domain)."""
    old.email = f"{twin.user_id}@ad.k{twin.municipality}.eksempel.dk"
    old.first, old.last = twin.first, twin.last


def _name_twin(rng: random.Random, old: Person, regular: Sequence[Person]) -> None:
    """The old user has the name and unit of a KLIK user with an FK-ORG user."""
    same = [h for h in regular if h.municipality == old.municipality]
    if same:
        twin = rng.choice(same)
        old.first, old.last, old.unit = twin.first, twin.last, twin.unit


def _ambiguous_twins(rng: random.Random, old: Person, regular: Sequence[Person]) -> None:
    """Two KLIK users of one unit get the old user's name: which one is it? Never guessed."""
    by_unit: defaultdict[str, list[Person]] = defaultdict(list)
    for h in regular:
        if h.municipality == old.municipality:
            by_unit[h.unit].append(h)
    units = sorted(u for u, hs in by_unit.items() if len(hs) >= 2)
    if not units:
        return
    first, second = rng.sample(by_unit[rng.choice(units)], 2)
    second.first, second.last = first.first, first.last
    old.first, old.last, old.unit = first.first, first.last, first.unit


def _plain(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ü": "u", "ö": "o"})
    return "".join(c for c in name.casefold().translate(table) if c.isascii() and c.isalpha())


def with_twins(world: Municipality, seed: int) -> None:
    """Add twins to a built and judged municipality and record their truth in ``world.twins``."""
    add_legacy_twins(world, seed)
    world.twins = dict(judge_twins(world))


def judge_twins(world: Municipality) -> dict[str, TwinTruth | None]:
    """Per legacy holder, the twin the spec finds in the generated files (None: none)."""
    ad = "ad" not in world.omit
    in_fkorg = [p for p in world.people if p.in_fkorg]
    by_email: defaultdict[str, dict[str, Person]] = defaultdict(dict)
    by_account: defaultdict[str, dict[str, Person]] = defaultdict(dict)
    for p in in_fkorg:
        by_email[p.email.casefold()][p.user_id] = p
        if ad and p.in_ad and p.ad_mail:
            by_email[p.ad_mail.casefold()][p.user_id] = p
        by_account[p.user_id.casefold()][p.user_id] = p
    klik_ids = {h.user_id for h in world.holders}
    by_name: defaultdict[tuple[str, str, str], dict[str, Person]] = defaultdict(dict)
    for h in world.holders:
        if h.in_fkorg:
            by_name[_name_key(h)][h.user_id] = h
    out: dict[str, TwinTruth | None] = {}
    for old in world.holders:
        if not is_legacy(old) or world.truth[old.user_id].cause != "legacy_klik_user":
            continue  # a hand-typed number in KLIK covers it: nothing to migrate
        email = old.email.casefold()
        steps = (
            ("email", by_email.get(email, {}) if "@" in email else {}),
            ("upn", by_account.get(email.split("@", 1)[0], {}) if "@" in email else {}),
            ("name_unit", by_name.get(_name_key(old), {})),
        )
        out[old.user_id] = None
        for how, found in steps:
            if not found:
                continue
            if len(found) > 1:
                out[old.user_id] = TwinTruth("", "ambiguous", False, tuple(sorted(found)))
            else:
                (twin,) = found.values()
                shown = klik_values(twin) if twin.user_id in klik_ids else twin.fk
                out[old.user_id] = TwinTruth(
                    twin.user_id, how, any(usable(v) for v in shown.values())
                )
            break
    return out


def _name_key(p: Person) -> tuple[str, str, str]:
    return " ".join(p.name.split()).casefold(), p.unit.casefold(), p.municipality
