"""The sample-chain generator: file shapes as real exports, determinism, and a sane truth."""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from telefonspor.phones import PhoneEngine
from telefonspor.sample import DEFAULT_FAULTS, generate_chain
from telefonspor.sample.chain import build, local_phones, usable
from telefonspor.sample.os2mo import CLASS_UUIDS

SMALL = {"holders": 300, "users": 1000}


def _klik_rows(path: Path) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("local", ["os2sofd", "os2mo"])
def test_same_arguments_give_the_same_bytes(tmp_path: Path, local: str) -> None:
    first = generate_chain(tmp_path / "a", seed=7, local=local, **SMALL)
    second = generate_chain(tmp_path / "b", seed=7, local=local, **SMALL)
    assert _files(first.directory) == _files(second.directory)
    assert first.truth == second.truth
    other = generate_chain(tmp_path / "c", seed=8, local=local, **SMALL)
    assert other.klik.read_bytes() != first.klik.read_bytes()


def test_klik_export_reads_like_the_real_one(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, seed=2, **SMALL)
    rows = _klik_rows(chain.klik)
    assert str(rows[0][0]).startswith("Brugere i KLIK – eksporteret ")
    header = rows[3]
    assert header == (
        "Navn",
        "Brugernavn",
        "E-mail",
        "Direkte nummer",
        "Mobil nummer",
        "Roller",
        "Enhed",
    )
    body = rows[4:]
    assert len(body) == len(chain.truth) == 300
    assert {r[1] for r in body} == set(chain.truth)
    # Phones are a realistic mix: Excel numbers, text with spaces, +45, empty cells.
    cells = [c for r in body for c in (r[3], r[4])]
    kinds = Counter(type(c).__name__ for c in cells)
    assert kinds["int"] > 0
    assert kinds["str"] > 0
    assert kinds["NoneType"] > 0
    texts = [c for c in cells if isinstance(c, str)]
    assert any(t.startswith("+45 ") for t in texts)
    assert any(" " in t and t.replace(" ", "").isdigit() for t in texts)
    assert any(isinstance(c, int) and str(c).startswith("45") and len(str(c)) == 10 for c in cells)
    roles = [str(r[5]) for r in body]
    assert any("; " in r for r in roles)
    assert all(1 <= len(r.split("; ")) <= 6 for r in roles)


def test_national_export_has_a_municipality_column(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, holders=200, users=900, municipalities=3)
    rows = _klik_rows(chain.klik)
    assert rows[3][-1] == "Kommune"
    assert len({r[-1] for r in rows[4:]}) == 3


def test_csv_klik_export(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, klik_format="csv", **SMALL)
    with chain.klik.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:5] == ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer"]
    assert len(rows) == 301


def test_ad_export_is_powershell_export_csv(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, **SMALL)
    raw = chain.sources["ad"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n")
    text = raw.decode("utf-8-sig").split("\r\n", 1)[1]
    assert text.startswith('"SamAccountName","ObjectGUID","Enabled",')
    rows = list(csv.DictReader(text.splitlines()))
    assert {r["Enabled"] for r in rows} <= {"True", "False"}
    assert any(r["telephoneNumber"] for r in rows)
    assert any(r["mobile"] for r in rows)
    assert len({r["SamAccountName"] for r in rows}) == len(rows)


def test_os2sofd_pages(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, **SMALL)
    pages = json.loads(chain.sources["os2sofd"].read_text(encoding="utf-8"))
    # OS2sofd/os2sofd PersonApi.getPersons + PersonDao.findLimitedWithOffset (commit
    # 88a368a6): ordered by uuid, nextOffset = last uuid of every non-empty page, and the
    # walk ends on an empty page.
    assert [p["page"] for p in pages] == list(range(len(pages)))
    assert all(len(p["persons"]) == 100 for p in pages[:-2])
    assert pages[-1] == {"persons": [], "page": len(pages) - 1, "nextOffset": None}
    for page, following in itertools.pairwise(pages[:-1]):
        assert page["nextOffset"] == page["persons"][-1]["uuid"]
        assert following["persons"][0]["uuid"] > page["nextOffset"]
    assert pages[-2]["nextOffset"] == pages[-2]["persons"][-1]["uuid"]
    persons = [person for p in pages for person in p["persons"]]
    assert [p["uuid"] for p in persons] == sorted(p["uuid"] for p in persons)
    person = persons[0]
    assert set(person) >= {"uuid", "firstname", "surname", "chosenName", "deleted", "phones"}
    assert person["users"][0]["userType"] == "ACTIVE_DIRECTORY"
    phone_keys = {"phoneNumber", "phoneType", "visibility", "prime", "typePrime", "master"}
    assert all(phone_keys <= set(ph) for p in persons for ph in p["phones"])
    types = {ph["phoneType"] for p in persons for ph in p["phones"]}
    assert {"LANDLINE", "MOBILE"} <= types
    assert "settings" not in chain.config.read_text(encoding="utf-8")


def test_os2sofd_cases_true_to_upstream(tmp_path: Path) -> None:
    """The sample carries the OS2sofd shapes the replay must get right (OS2sofd/os2sofd
    OS2SyncService.updatePerson, AffiliationApiRecord, commit 88a368a6): future start
    dates, AD accounts without a matching affiliation, untyped-prime mobiles out of sorted
    order, null visibilities, and doNotTransferToFkOrg only as a marked org unit."""
    chain = generate_chain(tmp_path, holders=800, users=2000, seed=1)
    pages = json.loads(chain.sources["os2sofd"].read_text(encoding="utf-8"))
    persons = [person for p in pages for person in p["persons"]]
    affiliations = [a for p in persons for a in p["affiliations"]]
    assert any(a["startDate"] > "2090" and a["stopDate"] is None for a in affiliations)
    assert all("doNotTransferToFkOrg" not in a for a in affiliations)
    assert any(p["users"][0]["employeeId"] != p["affiliations"][0]["employeeId"] for p in persons)
    phones = [ph for p in persons for ph in p["phones"]]
    assert any(ph["visibility"] is None and ph["phoneType"] == "MOBILE" for ph in phones)
    untyped = [
        [ph["phoneNumber"] for ph in p["phones"] if ph["phoneType"] == "MOBILE"]
        for p in persons
        if sum(ph["phoneType"] == "MOBILE" and not ph["typePrime"] for ph in p["phones"]) > 1
    ]
    assert any(numbers != sorted(numbers) for numbers in untyped)
    config = chain.config.read_text(encoding="utf-8")
    assert "do_not_transfer_org_units = [" in config
    rules = {t.rule for t in chain.truth.values()}
    assert {"os2sofd.no_matching_affiliation", "os2sofd.do_not_transfer"} <= rules


def test_opus_export_has_department_numbers_that_are_nobody_s_own(tmp_path: Path) -> None:
    """OS2sofd/os2sofd OpusService (commit 88a368a6): kommunikationsart 9021 is the
    afdelingsnummer, 0020 the employee's one work number."""
    chain = generate_chain(tmp_path, **SMALL)
    text = chain.sources["opus"].read_text(encoding="utf-8")
    assert text.count("<art>9021</art>") > 100
    assert "<art>0020</art>" in text
    assert 'kind = "opus"' in chain.config.read_text(encoding="utf-8")
    chain = generate_chain(tmp_path / "uden-ad", omit=("ad",), **SMALL)
    assert "opus" not in chain.sources


def test_os2mo_graphql_answer(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, local="os2mo", **SMALL)
    data = json.loads(chain.sources["os2mo"].read_text(encoding="utf-8"))
    employees = [o["current"] for o in data["data"]["employees"]["objects"]]
    assert employees
    it_user = employees[0]["itusers"][0]
    assert it_user["itsystem"]["user_key"] == "Active Directory"
    scopes = {a["address_type"]["scope"] for e in employees for a in e["addresses"]}
    assert scopes == {"PHONE", "EMAIL"}
    config = chain.config.read_text(encoding="utf-8")
    assert "addresses_on_it_user = true" in config
    # Class UUIDs, as upstream's settings take them (the user_keys are not in the lists).
    assert f'landline_scope_classes = ["{CLASS_UUIDS["PhoneEmployee"]}"]' in config
    assert f'phone_scope_classes = ["{CLASS_UUIDS["MobilePhoneEmployee"]}"]' in config


def test_os2mo_new_mode_cases(tmp_path: Path) -> None:
    """os2mo-os2sync-export 5539c62, queries.graphql ReadUserITAccounts: engagements from
    the it-user incl. future ones; FK-ORG UUID from the "FK-ORG-UUID" it-user."""
    chain = generate_chain(tmp_path, local="os2mo", **SMALL)
    data = json.loads(chain.sources["os2mo"].read_text(encoding="utf-8"))
    employees = [o["current"] for o in data["data"]["employees"]["objects"]]
    future = [
        e
        for e in employees
        if e["engagements"] and e["engagements"][0]["validity"]["from"] > "2099"
    ]
    assert future and all(e["itusers"][0]["engagement"] for e in future)
    fk_org = [
        u for e in employees for u in e["itusers"] if u["itsystem"]["user_key"] == "FK-ORG-UUID"
    ]
    assert fk_org
    fkorg_uuids = {
        row.split(";")[1] for row in chain.sources["fkorg"].read_text("utf-8-sig").splitlines()
    }
    assert {u["external_id"] for u in fk_org} <= fkorg_uuids
    world = build(holders=1500, users=8000, seed=1, local="os2mo", municipalities=1, faults=())
    started_later = [p for p in world.holders if "future_engagement" in p.local_flags]
    assert started_later and any(world.truth[p.user_id].covered for p in started_later)


def test_os2sync_and_fkorg_dumps(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, **SMALL)
    folder = chain.sources["os2sync-db"]
    with (folder / "success_users.csv").open(encoding="utf-8", newline="") as fh:
        success = list(csv.DictReader(fh, delimiter=";"))
    with (folder / "failure_users.csv").open(encoding="utf-8", newline="") as fh:
        failure = list(csv.DictReader(fh, delimiter=";"))
    assert list(success[0]) == [
        "uuid",
        "user_id",
        "phone_number",
        "landline",
        "email",
        "name",
        "cvr",
        "operation",
        "skipped",
    ]
    assert failure
    assert all(r["error"] for r in failure)
    raw = chain.sources["fkorg"].read_bytes()
    assert raw.startswith("\ufeffbrugernavn;uuid;Navn;FastnetTelefon;Telefon;Email".encode())


def test_no_cpr_number_is_written(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, local="os2sofd", **SMALL)
    cpr = re.compile(r"[0-3]\d[01]\d{3}-?\d{4}")
    for name, data in _files(chain.directory).items():
        if name.endswith(".xlsx"):
            continue
        text = data.decode("utf-8-sig")
        assert "cpr" not in text.lower(), name
        tokens = re.split(r'[",;\s:{}\[\]]+', text)
        assert not [t for t in tokens if cpr.fullmatch(t)], name


def test_hostile_names_only_on_request(tmp_path: Path) -> None:
    plain = generate_chain(tmp_path / "a", **SMALL)
    hostile = generate_chain(tmp_path / "b", hostile_names=True, **SMALL)
    assert b"alert(1)" not in plain.klik.read_bytes()
    rows = _klik_rows(hostile.klik)
    assert any("<script>alert(1)</script>" in str(r[0]) for r in rows)


def test_truth_has_every_cause_and_rule_with_default_faults() -> None:
    sofd = build(holders=1500, users=8000, seed=1, local="os2sofd", municipalities=1,
                 faults=DEFAULT_FAULTS)  # fmt: skip
    mo = build(holders=1500, users=8000, seed=1, local="os2mo", municipalities=1,
               faults=DEFAULT_FAULTS)  # fmt: skip
    truths = [*sofd.truth.values(), *mo.truth.values()]
    causes = Counter(t.cause for t in truths if not t.covered)
    rules = {t.rule for t in truths if not t.covered}
    # lost_before_fkorg needs a chain without a local system: see test_ground_truth.
    assert set(causes) == {
        "legacy_klik_user",
        "missing_in_source",
        "invalid_in_source",
        "lost_source_to_local",
        "lost_local_to_fkorg",
        "lost_fkorg_to_klik",
        "undetermined",
    }
    assert rules >= {
        "klik.legacy_user",
        "klik.not_shown",
        "os2sync.failure",
        "os2sync.cache_skip",
        "os2sync.not_delivered",
        "os2sofd.ad_account_disabled",
        "os2sofd.no_active_affiliation",
        "os2sofd.do_not_transfer",
        "os2sofd.no_matching_affiliation",
        "os2sofd.hidden_mobile_not_sent",
        "os2sofd.no_type_prime",
        "os2sofd.wrong_phone_type",
        "os2mo.it_user_no_engagement",
        "os2mo.type_not_in_scope",
        "os2mo.visibility_not_public",
        "os2mo.address_on_person",
        "source_to_local.not_imported",
        "source_to_local.person_missing",
        "source.invalid",
        "source.missing",
        "chain.not_found",
    }
    for world in (sofd, mo):
        uncovered = [t for t in world.truth.values() if not t.covered]
        share = len(uncovered) / len(world.truth)
        assert 0.28 <= share <= 0.40
        legacy = sum(t.cause == "legacy_klik_user" for t in uncovered)
        assert 0.4 <= legacy / len(uncovered) <= 0.6


@pytest.mark.parametrize(
    ("local", "fault", "rule"),
    [
        ("os2sofd", "os2sync_pre_3", "os2sync.version_no_landline"),
        ("os2mo", "os2mo_landline_class_missing", "os2mo.empty_class_list"),
        ("os2mo", "os2mo_default_classes", "os2mo.empty_class_list"),
        ("os2mo", "os2mo_internal_visibility", "os2mo.visibility_not_public"),
        ("os2sofd", "ad_phone_not_mapped", "source_to_local.not_imported"),
        ("os2sofd", "hidden_mobiles_not_sent", "os2sofd.hidden_mobile_not_sent"),
    ],
)
def test_each_fault_uncovers_holders(local: str, fault: str, rule: str) -> None:
    world = build(holders=400, users=1500, seed=4, local=local, municipalities=1, faults=(fault,))
    assert world.fault_users[fault]
    assert any(t.rule == rule for t in world.truth.values())
    clean = build(holders=400, users=1500, seed=4, local=local, municipalities=1, faults=())
    newly = [u for u, t in world.truth.items() if not t.covered and clean.truth[u].covered]
    assert sorted(newly) == sorted(world.fault_users[fault])


def test_faults_for_the_other_local_system_are_skipped(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, local="os2mo", faults=("hidden_mobiles_not_sent",), **SMALL)
    assert dict(chain.fault_holders) == {}
    assert "send_hidden_phone_numbers" not in chain.config.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="ukendte"):
        generate_chain(tmp_path, faults=("no_such_fault",), **SMALL)


def test_usable_by_construction_agrees_with_the_phone_engine() -> None:
    world = build(holders=400, users=3000, seed=5, local="os2sofd", municipalities=1,
                  faults=("hidden_mobiles_not_sent",))  # fmt: skip
    engine = PhoneEngine()
    values = {v for p in world.people for v in (p.ad_direct, p.ad_mobile, p.ad_ip_phone) if v}
    values |= {ph.raw for p in world.people for ph in local_phones(p, world, world.faults)}
    values |= {v for p in world.holders for v in p.klik_junk.values()}
    wrong = sorted(v for v in values if engine.parse(v).usable != usable(v))
    assert wrong == []
