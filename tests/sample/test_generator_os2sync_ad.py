"""The OS2sync-AD variant of the sample chain: its files, determinism and a sane truth."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from telefonspor.sample import generate_chain
from telefonspor.sample.os2sync_ad import build_os2sync_ad

SMALL = {"holders": 300, "users": 1000}
PRESET = "os2sync-ad"


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    first = generate_chain(tmp_path / "a", seed=7, preset=PRESET, **SMALL)
    second = generate_chain(tmp_path / "b", seed=7, preset=PRESET, **SMALL)
    assert _files(first.directory) == _files(second.directory)
    assert first.truth == second.truth


def test_the_chain_is_ad_os2sync_and_fkorg_only(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, seed=3, preset=PRESET, **SMALL)
    assert set(chain.sources) == {"ad", "os2sync-db", "fkorg"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "AD_brugere.csv",
        "fkorg_brugere.csv",
        "kaede.toml",
        "klik_brugere.xlsx",
        "os2sync",
    ]
    assert '[chain]\npreset = "os2sync-ad"' in chain.config.read_text(encoding="utf-8")
    with chain.sources["fkorg"].open(encoding="utf-8-sig", newline="") as fh:
        fkorg = list(csv.DictReader(fh, delimiter=";"))
    assert not any(row["FastnetTelefon"] for row in fkorg)  # OS2sync-AD never sends a landline
    assert sum(bool(row["Telefon"]) for row in fkorg) > len(fkorg) / 2
    with (chain.sources["os2sync-db"] / "success_users.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert rows and not any(row["landline"] for row in rows)


def test_truth_has_every_preset_rule_and_a_realistic_share() -> None:
    world = build_os2sync_ad(holders=1500, users=5000, seed=2)
    rules = Counter(t.rule for t in world.truth.values() if not t.covered)
    assert set(rules) >= {
        "klik.legacy_user",
        "klik.not_shown",
        "os2sync.failure",
        "os2sync.cache_skip",
        "os2sync_ad.account_disabled",
        "os2sync_ad.user_not_synced",
        "os2sync_ad.not_phone_attribute",
        "os2sync_ad.no_landline",
        "os2sync_ad.not_delivered",
        "os2sync_ad.missing",
        "source.invalid",
        "chain.not_found",
    }
    share = sum(rules.values()) / len(world.truth)
    assert 0.3 <= share <= 0.5
    # Direkte nummer never arrives: every covered holder is covered by Mobil nummer.
    assert all(not p.fk["direct"] for p in world.people)


def test_the_variant_refuses_to_leave_ad_out(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="os2sync-db"):
        generate_chain(tmp_path, preset=PRESET, omit=("ad",), **SMALL)
    with pytest.raises(ValueError, match="os2sync-ad"):
        generate_chain(tmp_path, preset="os2sync-xx", **SMALL)
