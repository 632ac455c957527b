"""Find the same person in every system of the chain (pure).

Links run downstream to upstream: KLIK holder -> FK-ORG user (user name, else
e-mail) -> local system and OS2sync rows (uuid, else user id) -> source
(user id, else employee id, else e-mail). A system that cannot be reached that
way is linked from the nearest record found downstream, or from the holder
itself (user name, then e-mail). Every link records the key it used and its
confidence; a key that matches two or more distinct persons links nothing and
flags ``ambiguous_match``: we never guess.

All indexes are built once in :class:`IdentityResolver`; resolving a holder is
a handful of dict lookups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Final

import msgspec

from telefonspor.model import KlikUser, SourceData, SourceRecord

KEYS: Final = ("uuid", "user_id", "employee_id", "email")
CONFIDENCE: Final = {
    "uuid": "exact",
    "user_id": "exact",
    "employee_id": "probable",
    "email": "probable",
}

AMBIGUOUS_MATCH: Final = "ambiguous_match"
SEVERAL_FKORG_USERS: Final = "several_fkorg_users"

#: Positions linked from the FK-ORG user, and from a local record.
_FROM_FKORG: Final = ("uuid", "user_id")
_FROM_LOCAL: Final = ("user_id", "employee_id", "email")
_FROM_FKORG_TO_SOURCE: Final = ("uuid", "user_id", "email")
_FROM_HOLDER: Final = ("user_id", "email")


def user_name_key(text: str) -> str:
    r"""``KOMMUNE\abc123`` and ``abc123@kommune.dk`` -> ``abc123`` (case-folded)."""
    name = text.strip()
    if "\\" in name:
        name = name.rsplit("\\", 1)[1]
    if "@" in name:
        name = name.split("@", 1)[0]
    return name.strip().casefold()


def email_key(text: str) -> str:
    return text.strip().casefold()


def uuid_key(text: str) -> str:
    return text.strip().strip("{}").lower()


def employee_key(text: str) -> str:
    """Employee numbers: leading zeros are lost by spreadsheets, so ignore them."""
    return text.strip().lstrip("0").casefold()


_NORMALISE: Final = {
    "uuid": uuid_key,
    "user_id": user_name_key,
    "employee_id": employee_key,
    "email": email_key,
}


def record_key(record: SourceRecord, key: str) -> str:
    """The normalised value of ``key`` on ``record`` ('' when absent)."""
    raw: str = getattr(record, key)  # the key names are SourceRecord's field names
    return _NORMALISE[key](raw) if raw else ""


def person_of(record: SourceRecord) -> str:
    """Who a record belongs to inside its system: the person key, else the account."""
    if record.person_key:
        return "p:" + record.person_key
    if record.user_id.strip():
        return "u:" + user_name_key(record.user_id)
    return f"r:{id(record)}"


# Structs: a holder gets one Link per system and one Identity (~0.15 µs each against ~1 µs for a
# frozen dataclass). ``gc=False``: they hold only records (untracked Structs), strings and
# tuples of those, so they can never be part of a reference cycle.
class Link(msgspec.Struct, frozen=True, gc=False):
    """How one system's record(s) for a holder were found.

    ``records`` are all candidates of the one person matched (one person may
    hold several accounts); empty when nothing (or an ambiguous set) matched.
    """

    records: tuple[SourceRecord, ...] = ()
    key: str = ""  # "uuid" | "user_id" | "employee_id" | "email" | ""
    confidence: str = ""  # "exact" | "probable" | "ambiguous" | ""

    @property
    def found(self) -> bool:
        return bool(self.records)

    @property
    def record(self) -> SourceRecord | None:
        return self.records[0] if self.records else None


NO_LINK: Final = Link()


_PERSON_KEY: Final = attrgetter("person_key")
_USER_ID: Final = attrgetter("user_id")

#: An index: value -> its one record, and value -> its records where several share it.
_Grouped = tuple[dict[str, SourceRecord], dict[str, tuple[SourceRecord, ...]]]


def normalise_all(key: str, raws: Sequence[str]) -> list[str]:
    """``[record_key-style normalised value of each raw]`` ('' for ''), for a whole column.

    The same values as :data:`_NORMALISE`, for every record of a system at once: an index is
    built over all of them, and a call per value shows there. The usual column (no
    whitespace, braces, domains or e-mail user names in it) is case-folded in one call.
    """
    if key == "employee_id":
        return [raw.strip().lstrip("0").casefold() for raw in raws]
    if key == "uuid":
        whole = _folded_whole(raws, str.lower, "{}")
        if whole is not None:
            return whole
        return [raw.strip().strip("{}").lower() if raw else "" for raw in raws]
    if key == "email":
        whole = _folded_whole(raws, str.casefold, "")
        return whole if whole is not None else [raw.strip().casefold() for raw in raws]
    whole = _folded_whole(raws, str.casefold, "\\@")
    if whole is not None:
        return whole
    # user names: only a domain or an @ needs user_name_key; the rest is strip + casefold.
    return [
        user_name_key(raw) if "\\" in raw or "@" in raw else raw.strip().casefold() for raw in raws
    ]


#: The ASCII characters ``str.strip`` removes, but the line break that joins a column.
_ASCII_SPACE_NOT_LINE_BREAK: Final = " \t\v\f\r\x1c\x1d\x1e\x1f"


def _folded_whole(
    raws: Sequence[str], fold: Callable[[str], str], special: str
) -> list[str] | None:
    """``[fold(raw) for raw in raws]`` by one ``fold`` of the column joined by line breaks.

    Only when that equals each raw's normalisation: an ASCII column (each character then
    folds alone) where no raw holds a line break (the split gives back exactly the raws),
    whitespace (``strip`` would change nothing) or one of ``special`` (the characters
    another step treats). Each test is one scan in C. None: normalise value by value.
    A column already normal gives back its own strings: a national run indexes millions of
    values, and equal copies of them would only take memory.
    """
    text = "\n".join(raws)
    if not text.isascii() or text.count("\n") != len(raws) - 1:
        return None
    if any(c in text for c in _ASCII_SPACE_NOT_LINE_BREAK) or any(c in text for c in special):
        return None
    folded = fold(text)
    if folded == text:  # the usual column is already normal: keep its strings, make none
        return list(raws)
    return folded.split("\n")


class RecordIndex:
    """Dict indexes over one system's records, one per key, each built on first use.

    Most systems are only ever probed by one or two keys (FK-ORG by user name,
    a local system by uuid), so the other indexes are never paid for. Most values
    belong to one record: an index keeps value -> record, and value -> records only
    for the values several records share.
    """

    def __init__(self, records: Sequence[SourceRecord]) -> None:
        self._records = records
        self._by: dict[str, _Grouped] = {}
        self._by_person: _Grouped | None = None
        self._shared: set[int] | None = None

    def _index(self, key: str) -> _Grouped:
        index = self._by.get(key)
        if index is None:
            values = normalise_all(key, list(map(attrgetter(key), self._records)))
            index = _group(values, self._records)
            self._by[key] = index
        return index

    def lookup(self, key: str, value: str) -> tuple[SourceRecord, ...]:
        if not value:
            return ()
        # The built index first: a method call per probe shows at a probe per holder and system.
        single, several = self._by.get(key) or self._index(key)
        found = several.get(value)
        if found is not None:
            return found
        record = single.get(value)
        return (record,) if record is not None else ()

    def _person_index(self) -> _Grouped:
        if self._by_person is None:
            records = self._records
            names = normalise_all("user_id", [r.user_id for r in records])
            persons = [  # person_of() of every record, the user names normalised in one go
                "p:" + r.person_key
                if r.person_key
                else ("u:" + name if r.user_id.strip() else f"r:{id(r)}")
                for r, name in zip(records, names, strict=True)
            ]
            self._by_person = _group(persons, records)
        return self._by_person

    def same_person(self, record: SourceRecord) -> tuple[SourceRecord, ...]:
        single, several = self._person_index()
        person = person_of(record)
        found = several.get(person)
        if found is not None:
            return found
        match = single.get(person)
        return (match,) if match is not None else ()

    def shares_person(self, record: SourceRecord) -> bool:
        """``len(self.same_person(record)) > 1`` for a record of this index: its person has
        another record here. Asked once per holder: answered by one set lookup."""
        if self._shared is None:
            self._shared = self._shared_ids()
        return id(record) in self._shared

    def _shared_ids(self) -> set[int]:
        """Ids of the records whose person has several records here."""
        records = self._records
        names = "".join(map(_USER_ID, records))
        if not any(map(_PERSON_KEY, records)) and "\\" not in names and "@" not in names:
            # No person keys and no user name a domain or an @ could empty: person_of() is
            # "u:" + the user name (or the record itself, for a blank one), so the user-name
            # index, which a holder's FK-ORG lookup has built, groups the records alike.
            groups = self._index("user_id")[1].values()
        else:
            groups = self._person_index()[1].values()
        return {id(r) for group in groups for r in group}

    def find(self, probes: Sequence[tuple[str, str]]) -> Link:
        """Try ``(key, normalised value)`` probes in order; the first that matches decides."""
        for key, value in probes:
            if not value:
                continue
            # lookup() inlined: a probe per holder and system
            single, several = self._by.get(key) or self._index(key)
            # ``several`` is mostly empty: then ``single`` alone answers (a value several
            # records share is in both, so ``several`` must be asked first when it has any).
            candidates = several.get(value) if several else None
            if candidates is None:
                record = single.get(value)
                if record is not None:  # one record: one person
                    return Link((record,), key, CONFIDENCE[key])
                continue
            if len({person_of(r) for r in candidates}) > 1:
                return Link((), key, "ambiguous")
            return Link(candidates, key, CONFIDENCE[key])
        return NO_LINK


def _group(values: list[str], records: Sequence[SourceRecord]) -> _Grouped:
    """(value -> its one record, value -> its records in input order where several share it).

    '' is no value. The first dict is built in C by ``dict(zip())``; only when it came out
    shorter than the values (some value repeats) are the records walked again.
    """
    single = dict(zip(values, records, strict=True))
    single.pop("", None)
    present = len(values) - values.count("")
    if len(single) == present:
        return single, {}
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        if value in seen:
            repeated.add(value)
        seen.add(value)
    repeated.discard("")
    grouped: defaultdict[str, list[SourceRecord]] = defaultdict(list)
    for value, record in zip(values, records, strict=True):
        if value in repeated:
            grouped[value].append(record)
    return single, {value: tuple(rs) for value, rs in grouped.items()}


class Identity(msgspec.Struct, frozen=True, gc=False):
    """A holder's links, one per configured system (same order as the sources given)."""

    links: tuple[Link, ...]
    flags: tuple[str, ...] = ()


def holder_probes(user: KlikUser) -> list[tuple[str, str]]:
    """The holder's own keys: user name (when the export had one), then e-mail."""
    name = user.user_name or (user.user_id if user.user_id not in (user.email, user.name) else "")
    return [("user_id", _name_key(name)), ("email", user.email.strip().casefold())]


def _name_key(text: str) -> str:
    """:func:`user_name_key`, a plain name (no domain, no @: nearly all) without the call."""
    if "\\" in text or "@" in text:
        return user_name_key(text)
    return text.strip().casefold()


def record_probes(record: SourceRecord, keys: Sequence[str]) -> list[tuple[str, str]]:
    return [(key, record_key(record, key)) for key in keys]


def _fkorg_probes(r: SourceRecord) -> list[tuple[str, str]]:
    """``record_probes(r, _FROM_FKORG)``, written out: asked once per holder."""
    uuid = r.uuid
    return [
        ("uuid", uuid.strip().strip("{}").lower() if uuid else ""),  # uuid_key()
        ("user_id", _name_key(r.user_id)),
    ]


def _local_probes(r: SourceRecord) -> list[tuple[str, str]]:
    """``record_probes(r, _FROM_LOCAL)``, written out: asked once per holder."""
    return [  # the key functions inlined
        ("user_id", _name_key(r.user_id)),
        ("employee_id", r.employee_id.strip().lstrip("0").casefold()),
        ("email", r.email.strip().casefold()),
    ]


_CONFIDENCE_OF: Final = attrgetter("confidence")


class IdentityResolver:
    """Links KLIK holders to the records of every configured system."""

    def __init__(self, sources: Sequence[SourceData]) -> None:
        self.sources = tuple(sources)
        self._indexes = tuple(RecordIndex(s.records) for s in self.sources)
        # Per position, the (place in ``sources``, index) of its systems: a holder visits each.
        self._at: dict[str, tuple[tuple[int, RecordIndex], ...]] = {
            position: tuple(
                (i, index)
                for i, (s, index) in enumerate(zip(self.sources, self._indexes, strict=True))
                if s.position == position
            )
            for position in ("fkorg", "sync", "local", "source")
        }
        # The same, one attribute per position: a holder visits each.
        self._fkorg_at, self._sync_at = self._at["fkorg"], self._at["sync"]
        self._local_at, self._source_at = self._at["local"], self._at["source"]

    @property
    def indexes(self) -> tuple[RecordIndex, ...]:
        """One index per source (same order as ``sources``), reused by ``twins``."""
        return self._indexes

    def resolve(self, user: KlikUser) -> Identity:
        links: list[Link] = [NO_LINK] * len(self.sources)
        flags: list[str] = []
        holder = holder_probes(user)
        at_fkorg = self._fkorg_at
        fkorg: Link | None
        local: Link | None
        # One system per position is the usual chain: its one index is asked directly.
        if len(at_fkorg) == 1:
            i, index = at_fkorg[0]
            fkorg = links[i] = index.find(holder)
            fkorg_record = fkorg.records[0] if fkorg.records else None
            if fkorg_record is not None:
                several = len(fkorg.records) > 1 or index.shares_person(fkorg_record)
                if several:
                    flags.append(SEVERAL_FKORG_USERS)
        else:
            fkorg = self._link_position(at_fkorg, holder, links)
            fkorg_record = fkorg.records[0] if fkorg is not None else None
            if fkorg_record is not None and fkorg is not None:
                several = len(fkorg.records) > 1 or any(
                    len(index.same_person(fkorg_record)) > 1 for _, index in at_fkorg
                )
                if several:
                    flags.append(SEVERAL_FKORG_USERS)
        downstream = _fkorg_probes(fkorg_record) if fkorg_record else holder
        link_position = self._link_position
        at_sync = self._sync_at
        if len(at_sync) == 1:
            links[at_sync[0][0]] = at_sync[0][1].find(downstream)
        else:
            link_position(at_sync, downstream, links)
        at_local = self._local_at
        if len(at_local) == 1:
            i, index = at_local[0]
            local = links[i] = index.find(downstream)
            local_record = local.records[0] if local.records else None
        else:
            local = link_position(at_local, downstream, links)
            local_record = local.records[0] if local is not None else None
        if local_record is not None:
            upstream = _local_probes(local_record)
        elif fkorg_record is not None:
            upstream = record_probes(fkorg_record, _FROM_FKORG_TO_SOURCE)
        else:
            upstream = holder
        at_source = self._source_at
        if len(at_source) == 1:
            links[at_source[0][0]] = at_source[0][1].find(upstream)
        else:
            link_position(at_source, upstream, links)
        if "ambiguous" in map(_CONFIDENCE_OF, links):
            flags.append(AMBIGUOUS_MATCH)
        return Identity(tuple(links), tuple(flags))

    @staticmethod
    def _link_position(
        at: tuple[tuple[int, RecordIndex], ...],
        probes: Sequence[tuple[str, str]],
        links: list[Link],
    ) -> Link | None:
        """Link every system of one position (``at``: its places in ``sources`` and indexes);
        return the first link that found someone."""
        first: Link | None = None
        for i, index in at:
            link = links[i] = index.find(probes)
            if first is None and link.records:
                first = link
        return first
