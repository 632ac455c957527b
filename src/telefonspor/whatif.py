"""What-if: replay the chain with other settings, without touching any system (pure).

The replay starts from the data as it is and pushes each changed value
downstream, hop by hop, with the same rules the diagnosis uses:

1. the source holds a number per slot under the *new* settings (e.g. another
   AD attribute);
2. the local system imports it where the change says it would
   (``whatif.import_source_phones``, or a changed ``ad.*_attribute``) and its
   data is repaired where a ``whatif.*`` repair says so (typePrime, visibility);
3. what the local system sends is replayed with the old and the new settings;
   where it changes, or the sync now delivers what it dropped before, FK-ORG
   gets the new value;
4. where FK-ORG's value changed (or ``whatif.klik_refreshed``), KLIK shows it.

A value that no setting touches stays as the data has it, so a replay with
unchanged settings returns the data unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Final

from msgspec.structs import replace as replace_struct

from telefonspor.identity import Identity, IdentityResolver
from telefonspor.model import SLOTS, KlikExport, KlikUser, PhoneEntry, SourceData, SourceRecord
from telefonspor.phones import PhoneEngine
from telefonspor.rules import Passage, RecordRule, bound_rules, replayer_of
from telefonspor.rules.os2mo import CLASS_KEYS as OS2MO_CLASS_KEYS
from telefonspor.rules.os2sofd import DIRECT_TYPES
from telefonspor.rules.os2sync import drops_landline
from telefonspor.rules.os2sync_ad import chain_sources
from telefonspor.rules.outcome import FAILURE, SKIPPED
from telefonspor.settings import Key, Settings

#: FK-ORG address roles per slot (what the FK-ORG readers write as PhoneEntry.type).
FKORG_TYPES: Final = {"direct": "FastnetTelefon", "mobile": "Telefon"}
_AD_ATTRIBUTE: Final = {"direct": "ad.direct_attribute", "mobile": "ad.mobile_attribute"}
#: OS2sync row flags that keep a user's numbers out of FK-ORG.
_SYNC_STOPS: Final = frozenset({FAILURE, SKIPPED})


@dataclass(frozen=True, slots=True)
class Replay:
    klik: KlikExport
    sources: tuple[SourceData, ...]
    changed_users: frozenset[str]  # user ids whose KLIK values changed


#: A holder's first source, local and FK-ORG record, and whether OS2sync stopped them.
_Links = tuple[SourceRecord | None, SourceRecord | None, SourceRecord | None, bool]
#: A holder as :meth:`ChainReplayer._untouched` sees them: the local and source system (None:
#: no local system, KLIK can only be refreshed), whether FK-ORG has them, whether OS2sync
#: stopped them, per slot whether the local record sends a number, holds a usable one and
#: the source holds a usable one (base settings), whether typePrime would be repaired, and
#: the OS2mo address types not public.
_Profile = tuple[
    str | None,
    str | None,
    bool,
    bool,
    tuple[bool, ...],
    tuple[bool, ...],
    tuple[bool, ...],
    bool,
    frozenset[str],
]
_FIRST: Final = itemgetter(0)


@dataclass(frozen=True, slots=True)
class _Plan:
    """One replay's settings, read once (not once per holder)."""

    new: Settings
    passage: RecordRule  # the rules under ``new``
    rules: dict[str, RecordRule]  # the same, per system kind
    unchanged: frozenset[str]  # system kinds ``new`` replays as the base settings do
    drops_before: bool  # OS2sync drops the landline under the base settings
    drops_after: bool
    forced_before: frozenset[str]  # whatif.sync_delivers, base and new
    forced_after: frozenset[str]
    klik_refreshed: bool
    fix_type_prime: bool
    publish: frozenset[str]  # whatif.publish_address_types
    imports: frozenset[str]  # slots the local system imports from any source
    imports_ad: frozenset[str]  # slots imported from AD (a changed ad.*_attribute)
    #: (slot, OS2sync stopped the holder) -> whether OS2sync delivers the slot (base, new)
    delivers: dict[tuple[str, bool], tuple[bool, bool]]


class ChainReplayer:
    """Replays one run's data under other settings; identities are resolved once."""

    def __init__(
        self,
        klik: KlikExport,
        sources: Sequence[SourceData],
        base: Settings,
        engine: PhoneEngine,
        *,
        resolver: IdentityResolver | None = None,
        identities: Mapping[str, Identity] | None = None,
        passages: dict[int, Passage] | None = None,
    ) -> None:
        """``resolver``, ``identities`` and ``passages`` (each record's replay under ``base``,
        by ``id(record)``) let a replay reuse the diagnosis' work."""
        self._klik = klik
        sources = chain_sources(sources, base)
        self._resolver = resolver if resolver is not None else IdentityResolver(sources)
        # Identity links are aligned with the resolver's own order of the sources.
        self._sources = self._resolver.sources
        self._positions = tuple(s.position for s in self._sources)
        self._has_fkorg = "fkorg" in self._positions
        self._base = base
        self._base_bound = bound_rules(base)
        self._base_rules = replayer_of(self._base_bound)
        self._engine = engine
        self._identities: dict[str, Identity] = dict(identities or {})
        self._links: dict[str, _Links] = {}  # by user id, see _holder_links
        # Replays under the base settings never change: one per record per run.
        self._base_passages: dict[int, Passage] = {} if passages is None else passages
        # Replays under other rules, by (rule, id(record)): records live for the whole run.
        self._rule_passages: dict[tuple[RecordRule, int], Passage] = {}
        # Record ids per source, so a replay rebuilds only the sources it touched.
        self._record_ids: list[set[int]] | None = None
        # The holders changed_users() was last asked about, grouped by profile.
        self._grouped: (
            tuple[Sequence[KlikUser], dict[_Profile, list[tuple[int, KlikUser]]]] | None
        ) = None

    def replay(self, new: Settings, *, only: Collection[str] | None = None) -> Replay:
        """The data as it would be under ``new``; ``only`` limits the work to these user ids."""
        replaced: dict[int, SourceRecord] = {}
        users, changed = self._replay_users(new, only, replaced)
        touched = self._touched_sources(replaced)
        sources = tuple(
            dataclasses.replace(s, records=tuple(replaced.get(id(r), r) for r in s.records))
            if index in touched
            else s
            for index, s in enumerate(self._sources)
        )
        klik = dataclasses.replace(self._klik, users=tuple(users))
        return Replay(klik, sources, frozenset(changed))

    def replay_users(
        self, new: Settings, *, only: Collection[str] | None = None
    ) -> tuple[list[KlikUser], set[str]]:
        """:meth:`replay`'s KLIK users and changed user ids, without rebuilding the sources.

        The systemic ranking asks only who KLIK would show a number for, many times a run.
        """
        return self._replay_users(new, only, {})

    def changed_users(self, new: Settings, holders: Sequence[KlikUser]) -> list[KlikUser]:
        """The KLIK users ``holders`` (users with roles) become under ``new``, of those it changes.

        :meth:`replay_users` with ``only`` their user ids, without walking every KLIK user:
        the systemic ranking asks this once per candidate fix, for the uncovered holders.
        """
        plan = self._plan(new)
        replay_user = self._replay_user
        out: list[tuple[int, KlikUser]] = []
        for profile, members in self._profiles_of(holders).items():
            if self._untouched(plan, profile):
                continue  # no holder of this profile can change under ``plan``: none replayed
            # Untouched but for the local system's rule: a holder whose record that rule
            # replays alike (the same values) is untouched too.
            check = profile[0] is not None and self._untouched(plan, profile, local_rule=False)
            for index, user in members:
                if check and self._local_replayed_alike(plan, user):
                    continue
                after = replay_user(user, plan, {})
                if after is not user:
                    out.append((index, after))
        out.sort(key=_FIRST)
        return [user for _, user in out]

    def _profiles_of(
        self, holders: Sequence[KlikUser]
    ) -> dict[_Profile, list[tuple[int, KlikUser]]]:
        """``holders`` (with their place) grouped by :meth:`_profile`; the ranking asks with
        the same list a dozen times, so the grouping is kept for it."""
        if self._grouped is not None and self._grouped[0] is holders:
            return self._grouped[1]
        groups: dict[_Profile, list[tuple[int, KlikUser]]] = {}
        for index, user in enumerate(holders):
            groups.setdefault(self._profile(user), []).append((index, user))
        self._grouped = (holders, groups)
        return groups

    def _profile(self, user: KlikUser) -> _Profile:
        """What of a holder's records decides whether a replay can change them at all (see
        :meth:`_untouched`); the same in every replay, so worked out once per holder."""
        links = self._links.get(user.user_id)
        if links is None:
            links = self._links[user.user_id] = self._holder_links(user)
        source, local, fkorg, sync_blocked = links
        if local is None or (self._has_fkorg and fkorg is None):
            return (None, None, fkorg is not None, False, (), (), (), False, frozenset())
        usable = self._usable
        before = self._base_passage(local)
        src = self._base_passage(source) if source is not None else None
        return (
            local.system,
            source.system if source is not None else None,
            fkorg is not None,
            sync_blocked,
            tuple(bool(before.slot(slot).sent) for slot in SLOTS),
            tuple(any(map(usable, before.slot(slot).held)) for slot in SLOTS),
            tuple(src is not None and any(map(usable, src.slot(slot).held)) for slot in SLOTS),
            local.system == "os2sofd" and _fix_type_prime(local, self._engine) is not local,
            frozenset(p.type for p in local.phones if p.visibility != "PUBLIC")
            if local.system == "os2mo"
            else frozenset(),
        )

    def _usable(self, raw: str) -> bool:
        return self._engine.usable(raw)

    def _local_replayed_alike(self, plan: _Plan, user: KlikUser) -> bool:
        """Whether ``plan``'s rule replays the holder's local record as the base rule does."""
        local = self._links[user.user_id][1]
        return local is not None and self._passage_under(plan, local) == self._base_passage(local)

    def _untouched(self, plan: _Plan, profile: _Profile, *, local_rule: bool = True) -> bool:
        """Whether :meth:`_replay_user` returns every holder of ``profile`` as it is, and
        replaces none of their records, under ``plan`` (checked step by step against it:
        no repair applies, the local rule is the base one, so each slot sends what it sent,
        and nothing sent is newly delivered, forced or refreshed into KLIK). ``local_rule``
        False: all that but the local rule, for a holder :meth:`_local_replayed_alike`."""
        local, source, has_fkorg, blocked, sends, holds, source_holds, type_prime, hidden = profile
        if local is None:  # _refresh_only
            return not (plan.klik_refreshed and has_fkorg)
        base = self._base_bound
        if local_rule and plan.rules.get(local) is not base.get(local):
            return False
        if plan.klik_refreshed and has_fkorg:
            return False
        if type_prime and plan.fix_type_prime:
            return False
        if local == "os2mo" and not hidden.isdisjoint(plan.publish):
            return False
        source_same = source is not None and plan.rules.get(source) is base.get(source)
        for i, slot in enumerate(SLOTS):
            imports = source is not None and (
                slot in plan.imports or (source == "ad" and slot in plan.imports_ad)
            )
            # An import fills only a slot holding no usable number, from a usable source one.
            if imports and not holds[i] and (source_holds[i] or not source_same):
                return False
            delivers_before, delivers_after = plan.delivers[slot, blocked]
            if (
                sends[i]
                and delivers_after
                and not (delivers_before and slot not in plan.forced_after)
            ):
                return False
        return True

    def _replay_users(
        self, new: Settings, only: Collection[str] | None, replaced: dict[int, SourceRecord]
    ) -> tuple[list[KlikUser], set[str]]:
        plan = self._plan(new)
        users: list[KlikUser] = []
        changed: set[str] = set()
        for user in self._klik.users:
            if user.roles and (only is None or user.user_id in only):
                after = self._replay_user(user, plan, replaced)
                if after is not user:
                    changed.add(user.user_id)
                users.append(after)
            else:
                users.append(user)
        return users, changed

    def _plan(self, new: Settings) -> _Plan:
        imports_ad = frozenset(
            slot for slot, key in _AD_ATTRIBUTE.items() if new.text(key) != self._base.text(key)
        )
        rules = bound_rules(new)
        drops_before, drops_after = drops_landline(self._base), drops_landline(new)
        forced_before = frozenset(self._base.get(Key.WHATIF_SYNC_DELIVERS))
        forced_after = frozenset(new.get(Key.WHATIF_SYNC_DELIVERS))
        return _Plan(
            new=new,
            passage=replayer_of(rules),
            rules=rules,
            # The same bound rule object means the same replay (see rules.bound_rules).
            unchanged=frozenset(k for k, rule in rules.items() if rule is self._base_bound.get(k)),
            drops_before=drops_before,
            drops_after=drops_after,
            forced_before=forced_before,
            forced_after=forced_after,
            klik_refreshed=bool(new.get(Key.WHATIF_KLIK_REFRESHED)),
            fix_type_prime=bool(new.get(Key.WHATIF_FIX_TYPE_PRIME)),
            publish=frozenset(new.get(Key.WHATIF_PUBLISH_ADDRESS_TYPES)),
            imports=frozenset(new.get(Key.WHATIF_IMPORT_SOURCE_PHONES)),
            imports_ad=imports_ad,
            delivers={  # every case worked out once per replay, not once per holder
                (slot, blocked): (
                    _delivers_for(slot, blocked, drops_before, forced_before),
                    _delivers_for(slot, blocked, drops_after, forced_after),
                )
                for slot in SLOTS
                for blocked in (False, True)
            },
        )

    def _touched_sources(self, replaced: Mapping[int, SourceRecord]) -> set[int]:
        """Indexes of the sources holding a replaced record."""
        if not replaced:
            return set()
        if self._record_ids is None:
            self._record_ids = [{id(r) for r in s.records} for s in self._sources]
        keys = replaced.keys()
        return {i for i, ids in enumerate(self._record_ids) if not keys.isdisjoint(ids)}

    def _base_passage(self, record: SourceRecord) -> Passage:
        found = self._base_passages.get(id(record))
        if found is None:
            found = self._base_rules(record)
            self._base_passages[id(record)] = found
        return found

    def _passage_under(self, plan: _Plan, record: SourceRecord) -> Passage:
        """``plan.passage(record)`` for a record of the data (not a repaired copy): the base
        replay when the plan's rule is the base one, else made once per rule and record (the
        systemic ranking replays the uncovered holders under a dozen settings, most of them
        sharing a rule)."""
        rule = plan.rules.get(record.system)
        if rule is None:
            return plan.passage(record)
        if rule is self._base_bound.get(record.system):
            return self._base_passage(record)  # the same rule: the diagnosis' replay
        key = (rule, id(record))
        found = self._rule_passages.get(key)
        if found is None:
            found = self._rule_passages[key] = rule(record)
        return found

    # --- one holder ------------------------------------------------------------------

    def _identity(self, user: KlikUser) -> Identity:
        identity = self._identities.get(user.user_id)
        if identity is None:
            identity = self._resolver.resolve(user)
            self._identities[user.user_id] = identity
        return identity

    def _holder_links(self, user: KlikUser) -> _Links:
        """The first record per position and whether OS2sync stopped the holder: the same
        in every replay, so worked out once per holder."""
        first: dict[str, SourceRecord] = {}
        sync_rows: list[SourceRecord] = []
        for position, link in zip(self._positions, self._identity(user).links, strict=True):
            if link.records:
                first.setdefault(position, link.records[0])
                if position == "sync":
                    sync_rows.extend(link.records)
        sync_blocked = any(_SYNC_STOPS & r.flags for r in sync_rows)
        return first.get("source"), first.get("local"), first.get("fkorg"), sync_blocked

    def _replay_user(
        self, user: KlikUser, plan: _Plan, replaced: dict[int, SourceRecord]
    ) -> KlikUser:
        links = self._links.get(user.user_id)
        if links is None:
            links = self._links[user.user_id] = self._holder_links(user)
        source, local, fkorg, sync_blocked = links
        if local is None or (self._has_fkorg and fkorg is None):
            return self._refresh_only(user, fkorg, plan)
        klik_values = {"direct": user.direct_raw, "mobile": user.mobile_raw}
        new_local = local
        new_fkorg = fkorg
        after: Passage | None = None  # the rules under ``new`` for ``new_local``
        before = self._base_passage(local)
        for slot in SLOTS:
            repaired = self._repair_local(new_local, slot, source, plan, local)
            if repaired is not new_local or after is None:
                if repaired is local:
                    after = self._passage_under(plan, local)
                else:
                    after = plan.passage(repaired)
            new_local = repaired
            sent_before = before.slot(slot).sent
            sent_after = after.slot(slot).sent
            delivers_before, delivers_after = plan.delivers[slot, sync_blocked]
            if not delivers_after:
                continue
            forced = slot in plan.forced_after
            unchanged = self._same(sent_before, sent_after) and delivers_before and not forced
            if unchanged or not sent_after:
                continue
            if new_fkorg is not None:
                current = _held(new_fkorg, FKORG_TYPES[slot])
                if self._same(current, sent_after):
                    continue
                new_fkorg = _with_phone(new_fkorg, PhoneEntry(sent_after, FKORG_TYPES[slot]))
            klik_values[slot] = sent_after
        if plan.klik_refreshed and new_fkorg is not None:
            for slot in SLOTS:
                klik_values[slot] = _held(new_fkorg, FKORG_TYPES[slot]) or klik_values[slot]
        if new_local is not local:
            replaced[id(local)] = new_local
        if fkorg is not None and new_fkorg is not None and new_fkorg is not fkorg:
            replaced[id(fkorg)] = new_fkorg
        if klik_values["direct"] == user.direct_raw and klik_values["mobile"] == user.mobile_raw:
            return user
        return replace_struct(
            user, direct_raw=klik_values["direct"], mobile_raw=klik_values["mobile"]
        )

    def _refresh_only(self, user: KlikUser, fkorg: SourceRecord | None, plan: _Plan) -> KlikUser:
        """Without a local system only ``whatif.klik_refreshed`` can change what KLIK shows."""
        if fkorg is None or not plan.klik_refreshed:
            return user
        direct = _held(fkorg, FKORG_TYPES["direct"]) or user.direct_raw
        mobile = _held(fkorg, FKORG_TYPES["mobile"]) or user.mobile_raw
        if (direct, mobile) == (user.direct_raw, user.mobile_raw):
            return user
        return replace_struct(user, direct_raw=direct, mobile_raw=mobile)

    def _repair_local(
        self,
        local: SourceRecord,
        slot: str,
        source: SourceRecord | None,
        plan: _Plan,
        original: SourceRecord,
    ) -> SourceRecord:
        """``local`` (``original``, the holder's record, or a copy already repaired) repaired
        as ``plan`` says for ``slot``."""
        record = local
        if local.system == "os2sofd" and plan.fix_type_prime and slot == "direct":
            record = _fix_type_prime(record, self._engine)
        if local.system == "os2mo" and plan.publish:
            record = _publish(record, set(plan.publish))
        if source is not None and self._imports(slot, source, plan):
            before = (
                self._passage_under(plan, record) if record is original else plan.passage(record)
            )
            held = before.slot(slot).held
            if not any(self._engine.parse(raw).usable for raw in held):
                value = next(
                    (
                        raw
                        for raw in self._passage_under(plan, source).slot(slot).held
                        if self._engine.parse(raw).usable
                    ),
                    "",
                )
                if value:
                    record = _with_phone(
                        record, _imported_entry(record.system, slot, value, plan.new), first=True
                    )
        return record

    def _imports(self, slot: str, source: SourceRecord, plan: _Plan) -> bool:
        if slot in plan.imports:
            return True
        return source.system == "ad" and slot in plan.imports_ad

    def _same(self, a: str, b: str) -> bool:
        # The same text has the same key: no parse for the numbers a fix leaves as they were.
        return a == b or _key(self._engine, a) == _key(self._engine, b)


def _key(engine: PhoneEngine, raw: str) -> str:
    value = engine.parse(raw) if raw else None
    return value.e164 or "" if value is not None and value.usable else ""


def _delivers_for(slot: str, sync_blocked: bool, drops: bool, forced: frozenset[str]) -> bool:
    """Whether OS2sync would put this slot into FK-ORG; the settings read once per replay.

    ``sync_blocked``: one of the holder's OS2sync rows failed or was skipped.
    """
    if slot == "direct" and drops:
        return False
    if slot in forced:
        return True
    return not sync_blocked


def _held(record: SourceRecord, phone_type: str) -> str:
    return next((p.raw for p in record.phones if p.type == phone_type and p.raw.strip()), "")


def _with_phone(record: SourceRecord, entry: PhoneEntry, *, first: bool = False) -> SourceRecord:
    """``record`` with ``entry``; for FK-ORG it replaces the address of the same role."""
    if record.system == "fkorg":
        kept = tuple(p for p in record.phones if p.type != entry.type)
        return replace_struct(record, phones=(*kept, entry))
    phones = (entry, *record.phones) if first else (*record.phones, entry)
    return replace_struct(record, phones=phones)


def _imported_entry(system: str, slot: str, raw: str, settings: Settings) -> PhoneEntry:
    """How the local system would hold a number imported from the source."""
    if system == "os2mo":
        classes = settings.get(OS2MO_CLASS_KEYS[slot])
        kind = (
            classes[0]
            if classes
            else ("PhoneEmployee" if slot == "direct" else "MobilePhoneEmployee")
        )
        return PhoneEntry(raw, kind, "PUBLIC", owner="it_user")
    kind = "LANDLINE" if slot == "direct" else "MOBILE"
    return PhoneEntry(raw, kind, "VISIBLE", prime=False, type_prime=True)


def _fix_type_prime(record: SourceRecord, engine: PhoneEngine) -> SourceRecord:
    """Give OS2sofd's first usable landline typePrime when no landline has it."""
    direct = [p for p in record.phones if p.type.upper() in DIRECT_TYPES]
    if not direct or any(p.type_prime for p in direct):
        return record
    target = next((p for p in direct if engine.parse(p.raw).usable), None)
    if target is None:
        return record
    phones = tuple(replace_struct(p, type_prime=True) if p is target else p for p in record.phones)
    return replace_struct(record, phones=phones)


def _publish(record: SourceRecord, types: set[str]) -> SourceRecord:
    if not any(p.type in types and p.visibility != "PUBLIC" for p in record.phones):
        return record
    phones = tuple(
        replace_struct(p, visibility="PUBLIC") if p.type in types else p for p in record.phones
    )
    return replace_struct(record, phones=phones)
