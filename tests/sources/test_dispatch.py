"""read_source: dispatch by kind, position from the config, live specs to the connectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from telefonspor import settings as settings_module
from telefonspor.errors import InputError
from telefonspor.model import SourceData
from telefonspor.settings import SOURCE_KINDS, SourceSpec, defaults
from telefonspor.sources import DEFAULT_POSITIONS, READERS, live, read_source

from .chain_files import sofd_person, sofd_phone, write_csv, write_json


def test_every_kind_has_a_reader_and_a_default_position() -> None:
    assert set(READERS) == set(SOURCE_KINDS)
    assert DEFAULT_POSITIONS == SOURCE_KINDS


def test_chain_from_a_config_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "ad.csv", [["SamAccountName", "mobile"], ["bo", "20304050"]])
    write_json(
        tmp_path / "sofd.json", {"persons": [sofd_person(1, phones=[sofd_phone("2", "MOBILE")])]}
    )
    write_csv(tmp_path / "fk.csv", [["brugernavn", "Telefon"], ["bo", "20304050"]])
    write_csv(tmp_path / "hr.csv", [["Lønnr", "Mobil"], ["1", "20304050"]])
    (tmp_path / "opus.xml").write_text("<kmd><employee id='1'/></kmd>", encoding="utf-8")
    write_json(tmp_path / "mo.json", [])
    (tmp_path / "sync").mkdir()
    write_csv(
        tmp_path / "sync" / "success_users.csv", [["uuid", "user_id", "landline"], ["", "bo", "1"]]
    )
    config = tmp_path / "kaede.toml"
    config.write_text(
        """
[[source]]
kind = "ad"
path = "ad.csv"
position = "local"

[[source]]
kind = "os2sofd"
path = "sofd.json"

[[source]]
kind = "os2mo"
path = "mo.json"

[[source]]
kind = "os2sync-db"
path = "sync"

[[source]]
kind = "fkorg"
path = "fk.csv"

[[source]]
kind = "opus"
path = "opus.xml"

[[source]]
kind = "hr"
path = "hr.csv"
map = { employee_id = "Lønnr" }
""",
        encoding="utf-8",
    )
    loaded = settings_module.load(config)
    results = [read_source(spec, loaded) for spec in loaded.sources]
    assert [(d.kind, d.position, len(d.records)) for d in results] == [
        ("ad", "local", 1),  # moved downstream of OS2sofd by the config
        ("os2sofd", "local", 1),
        ("os2mo", "local", 0),
        ("os2sync-db", "sync", 1),
        ("fkorg", "fkorg", 1),
        ("opus", "source", 1),
        ("hr", "source", 1),
    ]
    assert results[6].records[0].employee_id == "1"


def test_live_spec_goes_to_the_live_connectors(monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = SourceData(kind="os2sofd", position="local", records=(), origin="https://sofd")
    seen: list[SourceSpec] = []

    def fake_fetch(spec: SourceSpec, settings: object, **_: object) -> SourceData:
        seen.append(spec)
        return sentinel

    monkeypatch.setattr(live, "fetch", fake_fetch)
    spec = SourceSpec(kind="os2sofd", position="local", live=True)
    assert read_source(spec, defaults()) is sentinel and seen == [spec]


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS))
def test_missing_file_names_the_path(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"mangler-{kind}.fil"
    with pytest.raises(InputError, match=f"mangler-{kind}.fil") as caught:
        read_source(SourceSpec(kind=kind, position=SOURCE_KINDS[kind], path=str(path)), defaults())
    assert "findes ikke" in str(caught.value)
