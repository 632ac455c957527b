"""Issue 15, identity: the resolver with its one-system positions asked directly equals the
resolver before (every position linked by ``_link_position``), on chains of every shape."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.perf_equivalence.test_core_fast_paths import identity_records

from telefonspor.edge.run import read_inputs
from telefonspor.identity import (
    _FROM_FKORG_TO_SOURCE,
    AMBIGUOUS_MATCH,
    NO_LINK,
    SEVERAL_FKORG_USERS,
    Identity,
    IdentityResolver,
    Link,
    _fkorg_probes,
    _local_probes,
    email_key,
    holder_probes,
    record_probes,
    user_name_key,
)
from telefonspor.model import KlikUser, SourceData, SourceRecord
from telefonspor.sample import generate_chain
from telefonspor.settings import load


def _reference_resolve(resolver: IdentityResolver, user: KlikUser) -> Identity:
    """``IdentityResolver.resolve`` as it was before the one-system fast path."""
    links: list[Link] = [NO_LINK] * len(resolver.sources)
    flags: list[str] = []
    holder = holder_probes(user)
    at_fkorg = resolver._fkorg_at
    fkorg = resolver._link_position(at_fkorg, holder, links)
    fkorg_record = fkorg.records[0] if fkorg is not None else None
    if fkorg_record is not None and fkorg is not None:
        if len(at_fkorg) == 1:
            several = len(fkorg.records) > 1 or at_fkorg[0][1].shares_person(fkorg_record)
        else:
            several = len(fkorg.records) > 1 or any(
                len(index.same_person(fkorg_record)) > 1 for _, index in at_fkorg
            )
        if several:
            flags.append(SEVERAL_FKORG_USERS)
    downstream = _fkorg_probes(fkorg_record) if fkorg_record else holder
    resolver._link_position(resolver._sync_at, downstream, links)
    local = resolver._link_position(resolver._local_at, downstream, links)
    if local is not None:
        upstream = _local_probes(local.records[0])
    elif fkorg_record is not None:
        upstream = record_probes(fkorg_record, _FROM_FKORG_TO_SOURCE)
    else:
        upstream = holder
    resolver._link_position(resolver._source_at, upstream, links)
    if any(link.confidence == "ambiguous" for link in links):
        flags.append(AMBIGUOUS_MATCH)
    return Identity(tuple(links), tuple(flags))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"local": "os2mo"},
        {"preset": "os2sync-ad"},
        {"omit": ("ad", "os2sync-db")},
        {"omit": ("local",)},
    ],
    ids=["os2sofd", "os2mo", "os2sync-ad", "no-ad-no-sync", "no-local"],
)
def test_resolve_equals_the_reference_on_sample_chains(
    options: dict[str, object], tmp_path: Path
) -> None:
    generate_chain(tmp_path, holders=150, users=500, seed=3, **options)  # type: ignore[arg-type]
    settings = load(tmp_path / "kaede.toml")
    klik, sources = read_inputs(next(tmp_path.glob("klik*")), settings)
    resolver = IdentityResolver(sources)
    found = 0
    for user in klik.users:
        identity = resolver.resolve(user)
        assert identity == _reference_resolve(resolver, user), user.user_id
        found += sum(bool(link.records) for link in identity.links)
    assert found


_POSITIONS = ("fkorg", "sync", "local", "source")


@given(
    st.lists(
        st.tuples(st.sampled_from(_POSITIONS), st.lists(identity_records, max_size=6)), max_size=6
    ),
    st.lists(
        st.tuples(
            st.sampled_from(("anna", "ANNA", "kommune\\bo", "", "x")),
            st.sampled_from(("", "anna@k.dk", "bo@k.dk")),
        ),
        max_size=5,
    ),
)
def test_resolve_equals_the_reference_on_any_chain(
    systems: Sequence[tuple[str, list[SourceRecord]]], holders: list[tuple[str, str]]
) -> None:
    """Any number of systems per position (none, one or several), shared and empty keys."""
    sources = [
        SourceData(
            f"s{i}",
            position,
            tuple(msgspec.structs.replace(r, system=f"s{i}") for r in records),
            "",
        )
        for i, (position, records) in enumerate(systems)
    ]
    resolver = IdentityResolver(sources)
    for n, (name, email) in enumerate(holders):
        user = KlikUser(f"k{n}", "", email, "", "", ("r",), "", "", n + 2, user_name=name)
        assert resolver.resolve(user) == _reference_resolve(resolver, user)


_raw_names = st.text(alphabet="aB9\\@ \t{}0Σİ", max_size=8) | st.sampled_from(
    ("", "Anna", "KOMMUNE\\anna", "anna@k.dk", " Bo ", "kommune\\", "@x")
)


@given(_raw_names, _raw_names, _raw_names, _raw_names, _raw_names)
def test_holder_probes_equal_the_key_functions(
    user_id: str, user_name: str, email: str, name: str, uuid: str
) -> None:
    """The holder's and a record's probes, the key functions written out, equal the key
    functions (``user_name_key`` only for a name with a domain or an @)."""
    user = KlikUser(user_id, name, email, "", "", ("r",), "", "", 2, user_name=user_name)
    raw = user.user_name or (user.user_id if user.user_id not in (user.email, user.name) else "")
    assert holder_probes(user) == [("user_id", user_name_key(raw)), ("email", email_key(email))]
    record = SourceRecord("fkorg", user_id, uuid=uuid, employee_id=name, email=email)
    assert _fkorg_probes(record) == record_probes(record, ("uuid", "user_id"))
    assert _local_probes(record) == record_probes(record, ("user_id", "employee_id", "email"))
