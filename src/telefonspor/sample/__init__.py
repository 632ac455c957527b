"""Generated sample municipalities with known ground truth (demo, tests, ``make bench``).

``generate_chain`` writes a KLIK export and every file of the chain (AD, OPUS,
OS2sofd or OS2mo, OS2sync, FK-ORG) plus ``kaede.toml``, and returns the truth:
(``preset="os2sync-ad"``: AD, OS2sync and FK-ORG only, see ``sample/os2sync_ad.py``)
for each KLIK holder, whether it is covered and, if not, the cause, rule and
responsible party the shared cause spec assigns. All data is fictional.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from telefonspor.sample.chain import DEFAULT_FAULTS, FAULTS, Municipality, Truth, build
from telefonspor.sample.os2sync_ad import build_os2sync_ad
from telefonspor.sample.twins import TwinTruth, with_twins
from telefonspor.sample.writers import (
    sofd_source_options,
    write_ad,
    write_config,
    write_fkorg,
    write_klik,
    write_opus,
    write_os2mo,
    write_os2sofd,
    write_os2sync,
)

__all__ = [
    "DEFAULT_FAULTS",
    "FAULTS",
    "PRESETS",
    "SampleChain",
    "Truth",
    "TwinTruth",
    "generate_chain",
]

#: Chain presets the generator can write (``[chain] preset``).
PRESETS = ("os2sync-ad",)

_LOCAL_FILES = {"os2sofd": "sofd_persons.json", "os2mo": "os2mo_employees.json"}


@dataclass(frozen=True)
class SampleChain:
    directory: Path
    klik: Path
    config: Path  # kaede.toml: the sources with relative paths + deviating settings
    sources: Mapping[str, Path]  # kind -> file (os2sync-db -> a folder)
    truth: Mapping[str, Truth]  # user_id -> truth
    settings: Mapping[str, object]  # the settings the chain was generated for
    #: per applied fault: holders uncovered with it that would be covered without it
    fault_holders: Mapping[str, int] = field(default_factory=dict)
    #: per applied fault: the role assignments of those holders
    fault_roles: Mapping[str, int] = field(default_factory=dict)
    #: legacy KLIK user id -> the FK-ORG twin the pipeline must find (None: none)
    twins: Mapping[str, TwinTruth | None] = field(default_factory=dict)


#: The made-up municipality of the demo: its reports are headed with this name.
SAMPLE_MUNICIPALITY = "Eksempel Kommune"


def generate_chain(
    directory: Path,
    *,
    holders: int = 1500,
    users: int = 8000,
    seed: int = 1,
    local: str = "os2sofd",
    municipalities: int = 1,
    faults: Sequence[str] = DEFAULT_FAULTS,
    klik_format: str = "xlsx",
    hostile_names: bool = False,
    omit: Sequence[str] = (),
    preset: str = "",
) -> SampleChain:
    """Write a sample chain into ``directory``; same arguments, same bytes.

    Faults that do not apply to ``local`` (an OS2sofd fault in an OS2mo chain)
    are skipped; ``SampleChain.fault_holders`` lists those that were applied.
    ``omit`` leaves systems out of the chain ("ad", "local", "os2sync-db"): their
    files are not written and the truth is judged for the shorter chain.
    ``preset="os2sync-ad"`` writes an OS2sync-AD chain instead (``local`` and
    ``faults`` are then not used; ``omit`` may hold "os2sync-db").
    """
    if klik_format not in {"xlsx", "csv"}:
        raise ValueError(f"klik_format skal være 'xlsx' eller 'csv', ikke {klik_format!r}")
    if preset:
        if preset not in PRESETS:
            raise ValueError(f"preset skal være en af {', '.join(PRESETS)}, ikke {preset!r}")
        world = build_os2sync_ad(
            holders=holders,
            users=users,
            seed=seed,
            municipalities=municipalities,
            omit=omit,
            hostile_names=hostile_names,
        )
        with_twins(world, seed)
        return _write_os2sync_ad_chain(world, Path(directory), seed=seed, klik_format=klik_format)
    world = build(
        holders=holders,
        users=users,
        seed=seed,
        local=local,
        municipalities=municipalities,
        faults=faults,
        hostile_names=hostile_names,
        omit=omit,
    )
    with_twins(world, seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    klik = directory / f"klik_brugere.{klik_format}"
    write_klik(world, klik, seed=seed, fmt=klik_format)
    relative = {
        "ad": "AD_brugere.csv",
        "opus": "opus_medarbejdere.xml",
        local: _LOCAL_FILES[local],
        "os2sync-db": "os2sync",
        "fkorg": "fkorg_brugere.csv",
    }
    if "ad" in omit:  # OPUS is a source beside AD: it goes with it
        del relative["ad"], relative["opus"]
    else:
        write_ad(world, directory / relative["ad"])
        write_opus(world, directory / relative["opus"])
    if "local" in omit:
        del relative[local]
    elif local == "os2sofd":
        write_os2sofd(world, directory / relative[local])
    else:
        write_os2mo(world, directory / relative[local])
    if "os2sync-db" in omit:
        del relative["os2sync-db"]
    else:
        write_os2sync(world, directory / relative["os2sync-db"])
    write_fkorg(world, directory / relative["fkorg"])
    config = directory / "kaede.toml"
    options = {"os2sofd": sofd_source_options(world)} if local == "os2sofd" else {}
    settings = dict(world.settings)
    if municipalities == 1:  # a national export has many; the report then takes the column
        settings["audit.municipality_name"] = SAMPLE_MUNICIPALITY
    write_config(config, settings, list(relative.items()), options)
    roles = {p.user_id: len(p.roles) for p in world.holders}
    fault_roles = {
        fault: sum(roles[uid] for uid in uids) for fault, uids in world.fault_users.items()
    }
    return SampleChain(
        directory=directory,
        klik=klik,
        config=config,
        sources=MappingProxyType({kind: directory / rel for kind, rel in relative.items()}),
        truth=MappingProxyType(world.truth),
        settings=MappingProxyType(world.settings),
        fault_holders=MappingProxyType({f: len(u) for f, u in world.fault_users.items()}),
        fault_roles=MappingProxyType(fault_roles),
        twins=MappingProxyType(world.twins),
    )


def _write_os2sync_ad_chain(
    world: Municipality, directory: Path, *, seed: int, klik_format: str
) -> SampleChain:
    """The OS2sync-AD chain's files: KLIK, AD, OS2sync's tables, FK-ORG and ``kaede.toml``."""
    directory.mkdir(parents=True, exist_ok=True)
    klik = directory / f"klik_brugere.{klik_format}"
    write_klik(world, klik, seed=seed, fmt=klik_format)
    relative = {"ad": "AD_brugere.csv", "os2sync-db": "os2sync", "fkorg": "fkorg_brugere.csv"}
    write_ad(world, directory / relative["ad"])
    if "os2sync-db" in world.omit:
        del relative["os2sync-db"]
    else:
        write_os2sync(world, directory / relative["os2sync-db"])
    write_fkorg(world, directory / relative["fkorg"])
    config = directory / "kaede.toml"
    write_config(config, world.settings, list(relative.items()))
    return SampleChain(
        directory=directory,
        klik=klik,
        config=config,
        sources=MappingProxyType({kind: directory / rel for kind, rel in relative.items()}),
        truth=MappingProxyType(world.truth),
        settings=MappingProxyType(world.settings),
        twins=MappingProxyType(world.twins),
    )
