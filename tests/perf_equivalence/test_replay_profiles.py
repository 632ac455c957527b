"""Issue 15, what-if: a holder whose profile no replay can change is not replayed at all.

``ChainReplayer.changed_users`` skips every holder of a profile :meth:`_untouched` clears.
Each such holder, replayed anyway (the slow path), must come back as it is with none of its
records replaced; and the fast answer must equal replaying every holder.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest

from telefonspor.edge.run import read_inputs
from telefonspor.model import KlikUser, SourceData
from telefonspor.phones import PhoneEngine
from telefonspor.sample import FAULTS, generate_chain
from telefonspor.settings import load, parse_assignments
from telefonspor.whatif import ChainReplayer

_ALL_FAULTS = tuple(FAULTS)
_ASSIGNMENTS = (
    ("whatif.import_source_phones=direct",),
    ("whatif.import_source_phones=mobile",),
    ("whatif.import_source_phones=direct,mobile",),
    ("whatif.sync_delivers=direct",),
    ("whatif.sync_delivers=direct,mobile",),
    ("whatif.klik_refreshed=true",),
    ("whatif.fix_type_prime=true",),
    ("whatif.publish_address_types=PhoneEmployee,MobilePhoneEmployee",),
    ("whatif.publish_address_types=MobilePhoneEmployee", "whatif.import_source_phones=mobile"),
    ("os2sofd.send_hidden_phone_numbers=true",),
    ("os2sync.version=2.0",),
    ("os2sync.version=2.0", "whatif.sync_delivers=mobile"),
    ("ad.mobile_attribute=telephoneNumber",),
    ("ad.mobile_attribute=ipPhone", "whatif.import_source_phones=mobile"),
    ("ad.direct_attribute=mobile", "whatif.import_source_phones=direct,mobile"),
    ("os2mo.addresses_on_it_user=true",),
)


@pytest.fixture(
    scope="module",
    params=[
        {"faults": _ALL_FAULTS},
        {"local": "os2mo", "faults": _ALL_FAULTS},
        {"preset": "os2sync-ad"},
        {"omit": ("os2sync-db",)},
        {"omit": ("ad",)},
        {"blank": True},
        {"local": "os2mo", "faults": _ALL_FAULTS, "blank": True},
    ],
    ids=["os2sofd", "os2mo", "os2sync-ad", "no-os2sync", "no-ad", "blank", "os2mo-blank"],
)
def chain(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bool]:
    """A sample chain, and whether to read it with FK-ORG's and KLIK's numbers gone (then
    what a local system sends is news to both: a forced or newly delivered slot changes KLIK)."""
    directory = tmp_path_factory.mktemp("profile-chain")
    options = dict(request.param)
    blank = bool(options.pop("blank", False))
    generate_chain(directory, holders=200, users=600, seed=11, **options)
    return directory, blank


def _blank(sources: list[SourceData]) -> list[SourceData]:
    """FK-ORG without numbers, and OS2sofd's numbers without typePrime (for the repair)."""
    out = []
    for s in sources:
        if s.kind == "fkorg":
            records = tuple(msgspec.structs.replace(r, phones=()) for r in s.records)
        elif s.kind == "os2sofd":
            records = tuple(
                msgspec.structs.replace(
                    r, phones=tuple(msgspec.structs.replace(p, type_prime=False) for p in r.phones)
                )
                for r in s.records
            )
        else:
            records = s.records
        out.append(dataclasses.replace(s, records=records))
    return out


def _replay_each(replayer: ChainReplayer, new: object, holders: list[KlikUser]) -> list[KlikUser]:
    plan = replayer._plan(new)  # type: ignore[arg-type]
    out = []
    for user in holders:
        after = replayer._replay_user(user, plan, {})
        if after is not user:
            out.append(after)
    return out


def test_untouched_profiles_replay_to_themselves(chain: tuple[Path, bool]) -> None:
    directory, blank = chain
    settings = load(directory / "kaede.toml")
    klik, sources = read_inputs(next(directory.glob("klik*")), settings)
    if blank:
        sources = _blank(sources)
        users = tuple(msgspec.structs.replace(u, direct_raw="", mobile_raw="") for u in klik.users)
        klik = dataclasses.replace(klik, users=users)
    engine = PhoneEngine()
    holders = [u for u in klik.users if u.roles]
    replayer = ChainReplayer(klik, sources, settings, engine)
    skipped = replayed = 0
    for assignments in _ASSIGNMENTS:
        try:
            new = settings.replace(parse_assignments(list(assignments)))
        except ValueError:
            continue
        plan = replayer._plan(new)
        for user in holders:
            profile = replayer._profile(user)
            if replayer._untouched(plan, profile) or (
                profile[0] is not None
                and replayer._untouched(plan, profile, local_rule=False)
                and replayer._local_replayed_alike(plan, user)
            ):
                replaced: dict[int, object] = {}
                assert replayer._replay_user(user, plan, replaced) is user, assignments  # type: ignore[arg-type]
                assert not replaced, assignments
                skipped += 1
            else:
                replayed += 1
        fresh = ChainReplayer(klik, sources, settings, engine)
        assert replayer.changed_users(new, holders) == _replay_each(fresh, new, holders)
    assert skipped and replayed  # both paths are taken
