from __future__ import annotations

from pathlib import Path

import pytest

from telefonspor.errors import ConfigError
from telefonspor.settings import SETTINGS, defaults, load, parse_source_option


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_table() -> None:
    values = defaults().values
    assert {s.key for s in SETTINGS} == set(values)
    assert values["os2sofd.send_hidden_phone_numbers"] is True
    assert values["ad.direct_attribute"] == "telephoneNumber"


def test_every_setting_has_danish_help() -> None:
    for spec in SETTINGS:
        assert spec.help.strip(), spec.key
        assert "." in spec.key


def test_toml_then_env_then_overrides(tmp_path: Path) -> None:
    config = write(
        tmp_path / "kaede.toml",
        """
[os2sofd]
send_hidden_phone_numbers = false

[os2sync]
version = "2.9"

[audit]
shared_threshold = 5

[klik]
map = { direct = "Tlf. arbejde" }

[[source]]
kind = "ad"
path = "ad.csv"

[[source]]
kind = "ad"
path = "/data/ad2.csv"
position = "local"
""",
    )
    env = {"TELEFONSPOR_AUDIT_SHARED_THRESHOLD": "7"}
    s = load(config, overrides=["os2sync.version=3.1"], environ=env)
    assert s.flag("os2sofd.send_hidden_phone_numbers") is False
    assert s.integer("audit.shared_threshold") == 7
    assert s.text("os2sync.version") == "3.1"
    assert s.klik_map == {"direct": "Tlf. arbejde"}
    assert [(x.kind, x.position, x.path) for x in s.sources] == [
        ("ad", "source", str(tmp_path / "ad.csv")),
        ("ad", "local", "/data/ad2.csv"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[audit]\nshared_threshold = "mange"\n', "skal være et heltal"),
        ("[audit]\nukendt = 1\n", "linje 2: ukendt indstilling »ukendt« i \\[audit\\]"),
        ('[[source]]\nkind = "sap"\npath = "x"\n', "ukendt kildetype 'sap'"),
        ('[[source]]\nkind = "ad"\n', "angiv path"),
        ('[[source]]\nkind = "ad"\npath = "a"\nposition = "top"\n', "position skal være"),
        ("audit = 3\n", "skal være en tabel"),
        ("[audit\n", "ugyldig TOML"),
        # Issue 16.3: file, line and column, in Danish, with "did you mean".
        ("[audit]\nshared_treshold = 3\n", "linje 2: .*Mente du »shared_threshold«"),
        (
            '[[sources]]\nkind = "ad"\npath = "a"\n',
            "linje 1: ukendt tabel \\[\\[sources\\]\\]\\. Mente du »source«",
        ),
        ("[audti]\nx = 1\n", "linje 1: ukendt tabel \\[audti\\]\\. Mente du »audit«"),
        ("[audit]\nshared_threshold = 3\tx\n", "linje 2, kolonne 22: ugyldig TOML – der står mere"),
        (
            '[audit]\nmunicipality_name = "Å\x01"\n',
            "linje 2, kolonne 23: ugyldig TOML – ulovligt tegn",
        ),
        ("[audit]\nshared_threshold = \n", "linje 2, kolonne 20: ugyldig TOML – ugyldig værdi"),
        (
            '[audit]\nmunicipality_name = "Testrup\n',
            "linje 2, kolonne 29: ugyldig TOML – en tekst mangler",
        ),
        ("[audit]\nshared_threshold = 3\nshared_threshold = 4\n", "linje 3.*navnet har allerede"),
    ],
)
def test_bad_config_gives_danish_error(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / "kaede.toml", text)
    with pytest.raises(ConfigError, match=message) as caught:
        load(config, environ={})
    assert "kaede.toml" in str(caught.value)  # every config error names the file


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="findes ikke"):
        load(tmp_path / "nope.toml", environ={})


@pytest.mark.parametrize(
    ("assignment", "key", "value"),
    [
        ("os2sofd.send_hidden_phone_numbers=ja", "os2sofd.send_hidden_phone_numbers", True),
        ("os2sofd.send_hidden_phone_numbers=false", "os2sofd.send_hidden_phone_numbers", False),
        ("audit.fail_under=95,5", "audit.fail_under", 95.5),
        (
            "os2mo.landline_scope_classes=PhoneEmployee, Telefon",
            "os2mo.landline_scope_classes",
            ["PhoneEmployee", "Telefon"],
        ),
        ("audit.placeholders=", "audit.placeholders", []),
    ],
)
def test_set_parses_to_the_setting_type(assignment: str, key: str, value: object) -> None:
    assert load(overrides=[assignment], environ={})[key] == value


@pytest.mark.parametrize("assignment", ["nokey", "=x", "audit.shared_threshold=tre", "x.y=1"])
def test_bad_set(assignment: str) -> None:
    with pytest.raises(ConfigError):
        load(overrides=[assignment], environ={})


def test_source_option() -> None:
    spec = parse_source_option("ad@local=ad.csv")
    assert (spec.kind, spec.position, spec.path) == ("ad", "local", "ad.csv")
    assert parse_source_option("os2sofd=p.json").position == "local"
    with pytest.raises(ConfigError, match="TYPE=STI"):
        parse_source_option("ad")


def test_replace_validates() -> None:
    s = defaults().replace({"os2sync.version": "2.9"})
    assert s.text("os2sync.version") == "2.9"
    with pytest.raises(ConfigError):
        defaults().replace({"audit.shared_threshold": "x"})
