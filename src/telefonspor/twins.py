"""Old KLIK users and their FK-ORG twins: the migration plan of issue 18 (pure).

A ``legacy_klik_user`` holder has no FK-ORG user, so its roles can never get a
number through the chain. Most such people already have a proper FK-ORG user
made from AD: the old KLIK user is a leftover twin. :func:`find_twins` looks
for that user in the records the audit already read, reusing the identity
indexes of the run:

1. e-mail: the old user's e-mail on an FK-ORG user, or on an AD/OS2sofd/OS2mo
   record whose FK-ORG user is then found by uuid or user name;
2. UPN: the part before '@' of the old user's e-mail is an FK-ORG user name
   (directly or through a local/source record's account name);
3. name + unit: another KLIK user with the same name and unit that is linked to
   FK-ORG.

The first step that finds someone decides. Two or more distinct FK-ORG users at
that step are never guessed between: the twin is "ambiguous" and lists them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from msgspec.structs import replace

from telefonspor.identity import (
    IdentityResolver,
    RecordIndex,
    email_key,
    record_probes,
    user_name_key,
)
from telefonspor.model import (
    HolderResult,
    KlikExport,
    KlikUser,
    LegacyTwin,
    PhoneValue,
    SourceRecord,
    SystemicFinding,
)
from telefonspor.rules import passage
from telefonspor.settings import Settings

LEGACY_CAUSE: Final = "legacy_klik_user"
#: Match keys in the order they are tried, with their confidence.
MATCH_ORDER: Final = ("email", "upn", "name_unit")
CONFIDENCE: Final = {"email": "probable", "upn": "probable", "name_unit": "possible"}
AMBIGUOUS: Final = "ambiguous"
#: Danish words for how a twin was found, as used in the action text.
MATCHED_BY_DA: Final = {
    "email": "samme e-mail",
    "upn": "samme UPN",
    "name_unit": "samme navn og enhed",
    "ambiguous": "flere mulige",
}
#: Ranked "Største gevinster" items made from the migration list.
MOVE_CODE: Final = "legacy_roles_to_twins"
CREATE_CODE: Final = "legacy_users_without_twin"


class PhoneParser(Protocol):
    def parse(self, raw: str) -> PhoneValue: ...


def find_twins(
    klik: KlikExport,
    holders: Sequence[HolderResult],
    resolver: IdentityResolver,
    settings: Settings,
    engine: PhoneParser,
) -> list[HolderResult]:
    """``holders`` with ``legacy_twin``, ``sole_roles`` and a precise action on legacy holders."""
    legacy = [h for h in holders if h.cause == LEGACY_CAUSE]
    if not legacy:
        return list(holders)
    finder = _TwinFinder(klik, resolver, settings, engine)
    sole = _sole_roles(holders)
    out = []
    for h in holders:
        if h.cause != LEGACY_CAUSE:
            out.append(h)
            continue
        twin = finder.find(finder.user(h.user_id))
        roles = sole.get(h.user_id, ())
        out.append(replace(h, legacy_twin=twin, sole_roles=roles, action=twin_action(h, twin)))
    return out


def _sole_roles(holders: Sequence[HolderResult]) -> dict[str, tuple[str, ...]]:
    """Per legacy holder, the roles no other kind of holder in the municipality has."""
    held_elsewhere: set[tuple[str, str]] = {
        (h.municipality, role) for h in holders if h.cause != LEGACY_CAUSE for role in h.roles
    }
    return {
        h.user_id: tuple(r for r in h.roles if (h.municipality, r) not in held_elsewhere)
        for h in holders
        if h.cause == LEGACY_CAUSE
    }


class _TwinFinder:
    """The indexes twin matching needs, built once per run."""

    def __init__(
        self,
        klik: KlikExport,
        resolver: IdentityResolver,
        settings: Settings,
        engine: PhoneParser,
    ) -> None:
        self._resolver = resolver
        self._settings = settings
        self._engine = engine
        sources = resolver.sources
        self._positions = [
            (s.position, index) for s, index in zip(sources, resolver.indexes, strict=True)
        ]
        self._fkorg = [index for position, index in self._positions if position == "fkorg"]
        self._users = {u.user_id: u for u in klik.users}
        self._klik_by_name: dict[str, KlikUser] = {}
        self._by_name_unit: defaultdict[tuple[str, str], list[KlikUser]] = defaultdict(list)
        for u in klik.users:
            self._klik_by_name.setdefault(user_name_key(u.user_name or u.user_id), u)
            if u.name.strip():
                self._by_name_unit[_name_unit(u)].append(u)

    def user(self, user_id: str) -> KlikUser:
        return self._users[user_id]

    def find(self, user: KlikUser) -> LegacyTwin | None:
        steps = (
            ("email", self._by_email),
            ("upn", self._by_upn),
            ("name_unit", self._by_name_and_unit),
        )
        for how, step in steps:
            found = step(user)  # a later key is only tried when the earlier found no one
            if not found:
                continue
            if len(found) > 1:
                names = tuple(sorted(r.user_id or key for key, r in found.items()))
                return LegacyTwin("", AMBIGUOUS, AMBIGUOUS, False, candidates=names)
            ((name, record),) = found.items()
            direct, mobile = self._numbers(name, record)
            covered = any(self._engine.parse(v).usable for v in (direct, mobile) if v)
            return LegacyTwin(record.user_id or name, how, CONFIDENCE[how], covered, direct, mobile)
        return None

    # --- the three keys ---------------------------------------------------------------

    def _by_email(self, user: KlikUser) -> dict[str, SourceRecord]:
        value = email_key(user.email)
        if not value or "@" not in value:
            return {}
        return self._fkorg_users("email", value)

    def _by_upn(self, user: KlikUser) -> dict[str, SourceRecord]:
        if "@" not in user.email:
            return {}
        return self._fkorg_users("user_id", user_name_key(user.email))

    def _by_name_and_unit(self, user: KlikUser) -> dict[str, SourceRecord]:
        found: dict[str, SourceRecord] = {}
        for other in self._by_name_unit.get(_name_unit(user), ()):
            if other.user_id == user.user_id:
                continue
            identity = self._resolver.resolve(other)
            for link, (position, _) in zip(identity.links, self._positions, strict=True):
                if position == "fkorg" and link.record is not None:
                    found.setdefault(_person(link.record), link.record)
                    break
        return found

    def _fkorg_users(self, key: str, value: str) -> dict[str, SourceRecord]:
        """Distinct FK-ORG users (by person) that ``key`` = ``value`` leads to, at any position."""
        found: dict[str, SourceRecord] = {}
        for position, index in self._positions:
            for record in index.lookup(key, value):
                for fk in self._to_fkorg(position, record):
                    found.setdefault(_person(fk), fk)
        return found

    def _to_fkorg(self, position: str, record: SourceRecord) -> Iterable[SourceRecord]:
        if position == "fkorg":
            return (record,)
        probes = record_probes(record, ("uuid", "user_id"))
        return tuple(r for index in self._fkorg for r in _first(index, probes))

    # --- the twin's numbers -----------------------------------------------------------

    def _numbers(self, name: str, record: SourceRecord) -> tuple[str, str]:
        """What KLIK shows for the twin when it is a KLIK user, else what FK-ORG holds."""
        shown = self._klik_by_name.get(user_name_key(record.user_id)) if record.user_id else None
        if shown is not None:
            return shown.direct_raw.strip(), shown.mobile_raw.strip()
        held = passage(record, self._settings)
        return self._best(held.direct.held), self._best(held.mobile.held)

    def _best(self, raws: Sequence[str]) -> str:
        for raw in raws:
            if self._engine.parse(raw).usable:
                return raw.strip()
        return raws[0].strip() if raws else ""


def _first(index: RecordIndex, probes: Sequence[tuple[str, str]]) -> tuple[SourceRecord, ...]:
    link = index.find(probes)
    return link.records[:1]


def _person(record: SourceRecord) -> str:
    return user_name_key(record.user_id) if record.user_id.strip() else record.uuid


def _name_unit(user: KlikUser) -> tuple[str, str]:
    return " ".join(user.name.split()).casefold(), " ".join(user.unit.split()).casefold()


# --- texts --------------------------------------------------------------------------


def role_list(roles: Sequence[str]) -> str:
    """ "rollen A" / "rollerne A, B"."""
    return f"rollen {roles[0]}" if len(roles) == 1 else "rollerne " + ", ".join(roles)


def twin_action(holder: HolderResult, twin: LegacyTwin | None) -> str:
    """The one thing the KLIK administrator does for this old user, in Danish."""
    roles = role_list(holder.roles) if holder.roles else "rollerne"
    old = holder.user_id
    if twin is None:
        return (
            f"Opret personen som bruger via FK Administration, flyt {roles} fra {old} til den "
            f"nye bruger, og nedlæg {old} – eller fjern rollerne i KLIK, hvis de ikke bruges."
        )
    if twin.matched_by == AMBIGUOUS:
        return (
            f"Find personens rigtige FK-ORG-bruger blandt {', '.join(twin.candidates)}, flyt "
            f"{roles} fra {old} dertil, og nedlæg {old}."
        )
    text = f"Flyt {roles} fra {old} til {twin.user_id} ({MATCHED_BY_DA[twin.matched_by]}), og nedlæg {old}"
    if not twin.covered:
        text += f"; {twin.user_id} har heller intet brugbart nummer endnu, så registrér også det"
    return text


# --- the migration list -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MigrationRow:
    """One old KLIK user on the migration list (rollemigrering)."""

    holder: HolderResult
    twin: LegacyTwin | None

    @property
    def kind(self) -> str:
        """ "move" (twin with a number), "move_no_number", "ambiguous" or "create"."""
        if self.twin is None:
            return "create"
        if self.twin.matched_by == AMBIGUOUS:
            return "ambiguous"
        return "move" if self.twin.covered else "move_no_number"


_KIND_RANK: Final = {"move": 0, "move_no_number": 1, "ambiguous": 2, "create": 3}


def migration_rows(holders: Iterable[HolderResult]) -> list[MigrationRow]:
    """Old KLIK users, roles only they hold first, then the moves closing the most roles."""
    rows = [MigrationRow(h, h.legacy_twin) for h in holders if h.cause == LEGACY_CAUSE]
    rows.sort(
        key=lambda r: (
            not r.holder.sole_roles,
            _KIND_RANK[r.kind],
            -len(r.holder.roles),
            r.holder.user_id,
        )
    )
    return rows


def gain_items(holders: Sequence[HolderResult]) -> list[SystemicFinding]:
    """The migration list as ranked "Største gevinster" items (no what-if setting: groups)."""
    rows = migration_rows(holders)
    if not rows:
        return []
    kinds = Counter(r.kind for r in rows)
    moves = [r for r in rows if r.kind == "move"]
    others = [r for r in rows if r.kind in {"ambiguous", "create"}]
    evidence = {
        "gamle_klik_brugere": len(rows),
        "med_tvilling_med_nummer": kinds["move"],
        "med_tvilling_uden_nummer": kinds["move_no_number"],
        "flere_mulige_tvillinger": kinds["ambiguous"],
        "uden_tvilling": kinds["create"],
    }
    items = []
    if moves:
        items.append(
            _item(
                MOVE_CODE,
                "Flyt rollerne fra gamle KLIK-brugere til deres FK-ORG-brugere",
                evidence,
                f"{len(moves)} af {len(rows)} gamle KLIK-brugere har en FK-ORG-bruger med "
                "brugbart nummer (fundet på e-mail, UPN eller navn og enhed).",
                "Følg rollemigrering.xlsx: flyt rollerne i KLIK til FK-ORG-brugeren, og nedlæg "
                "den gamle KLIK-bruger.",
                moves,
            )
        )
    if others:
        items.append(
            _item(
                CREATE_CODE,
                "Gamle KLIK-brugere uden FK-ORG-bruger: opret via FK Administration",
                evidence,
                f"{kinds['create']} gamle KLIK-brugere har ingen FK-ORG-bruger, og "
                f"{kinds['ambiguous']} har flere mulige; de får først nummer, når personen "
                "har en FK-ORG-bruger med nummer.",
                "Opret brugerne via FK Administration (eller vælg den rigtige blandt de mulige), "
                "flyt rollerne dertil og nedlæg de gamle brugere – eller fjern rollerne, hvis de "
                "ikke bruges.",
                others,
            )
        )
    return items


def _item(
    code: str,
    title: str,
    evidence: Mapping[str, int],
    text: str,
    fix: str,
    rows: Sequence[MigrationRow],
) -> SystemicFinding:
    return SystemicFinding(
        code=code,
        title=title,
        evidence=dict(evidence),
        evidence_text=text,
        fix=fix,
        setting="",  # a group of holders, not a setting: there is nothing to replay
        responsible="klik_admin",
        roles_gained=sum(len(r.holder.roles) for r in rows),
        holders_gained=len(rows),
        user_ids=tuple(sorted(r.holder.user_id for r in rows)),
    )
