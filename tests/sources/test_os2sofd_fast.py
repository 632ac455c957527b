"""The OS2sofd typed path (msgspec Structs) gives exactly what the tolerant JsonAt path gives.

The tolerant path is the reference: it reads the whole file as one tree and walks it with
:class:`JsonAt`. Every file below is read both ways and must give the same records or the
same Danish error; the typed path must really be taken for the API's own shape.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from telefonspor.errors import InputError
from telefonspor.model import SourceRecord
from telefonspor.sample import generate_chain
from telefonspor.sources import os2sofd
from telefonspor.sources.jsonfile import JsonAt, load_json

from .chain_files import SETTINGS, sofd_person, sofd_phone

TODAY = date.today()


def tolerant(path: Path) -> list[SourceRecord]:
    """The reference: the whole tree through JsonAt, person by person."""
    context = os2sofd._Context(path.name, TODAY, frozenset(), str(path))
    root = JsonAt(load_json(path, what="OS2sofd-filen"), str(path))
    return [
        r for person in os2sofd._persons(root) for r in os2sofd._person_records(person, context)
    ]


def both(path: Path) -> tuple[object, object]:
    """(typed reader's outcome, tolerant outcome): records, or the error text."""
    outcomes: list[object] = []
    for read in (
        lambda: list(os2sofd.read_os2sofd(path, options={}, settings=SETTINGS).records),
        lambda: tolerant(path),
    ):
        try:
            outcomes.append(read())
        except InputError as exc:
            outcomes.append(str(exc))
    return outcomes[0], outcomes[1]


@pytest.fixture
def tolerant_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where the reader fell back to the tolerant path for one person."""
    calls: list[str] = []
    original = os2sofd._person_records

    def counted(person: JsonAt, context: Any) -> list[SourceRecord]:
        calls.append(person.at)
        return original(person, context)

    monkeypatch.setattr(os2sofd, "_person_records", counted)
    return calls


def test_typed_path_equals_tolerant_path_on_sample_chain(
    tmp_path: Path, tolerant_calls: list[str]
) -> None:
    chain = generate_chain(tmp_path, holders=200, users=800, seed=11)
    path = chain.sources["os2sofd"]
    records = list(os2sofd.read_os2sofd(path, options={}, settings=SETTINGS).records)
    assert tolerant_calls == []  # every person took the typed path
    assert len(records) > 500
    assert records == tolerant(path)


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


PERSON = sofd_person(1, phones=[sofd_phone("20304050", "MOBILE")], chosen=None)

#: Persons the typed path must hand to the tolerant path (or read to the same result).
ODD_PERSONS: dict[str, dict[str, Any]] = {
    "member in other case": {**PERSON, "Chosenname": "Søs"},
    "other case beside null": {**PERSON, "chosenName": None, "CHOSENNAME": "Søs"},
    "other case in a phone": {
        **PERSON,
        "phones": [{"PhoneNumber": "22 22 22 22", "phoneType": "MOBILE"}],
    },
    "other case for a list": {
        **{k: v for k, v in PERSON.items() if k != "phones"},
        "Phones": [{"phoneNumber": "22222222"}],
    },
    "long s folds to s": {**PERSON, "ſurname": "Ærø"},
    "kelvin sign folds to k": {
        **PERSON,
        "users": [{**PERSON["users"][0], "kombitUuid": None, "\u212aombitUuid": "x"}],
    },
    "number for text": {**PERSON, "phones": [{"phoneNumber": 33663366}]},
    "bool as text": {**PERSON, "deleted": "true"},
    "not an object": ["not", "a", "person"],  # type: ignore[dict-item]
    "extra members": {**PERSON, "master": "SOFD", "children": [{"persons": 1}], "cpr": "x"},
    "timestamp date": {
        **PERSON,
        "affiliations": [{**PERSON["affiliations"][0], "stopDate": "2999-01-01T00:00:00"}],
    },
}


@pytest.mark.parametrize("case", sorted(ODD_PERSONS))
def test_unusual_persons_read_as_the_tolerant_path_reads_them(tmp_path: Path, case: str) -> None:
    persons = [sofd_person(2), ODD_PERSONS[case], sofd_person(3)]
    for shape in ([{"persons": persons}], {"persons": persons}, persons):
        typed, reference = both(write(tmp_path / "sofd.json", shape))
        assert typed == reference, (case, shape)


def test_a_member_spelled_otherwise_is_read(tmp_path: Path, tolerant_calls: list[str]) -> None:
    path = write(tmp_path / "sofd.json", {"persons": [ODD_PERSONS["other case in a phone"]]})
    records = os2sofd.read_os2sofd(path, options={}, settings=SETTINGS).records
    assert records[0].phones[0].raw == "22 22 22 22"
    assert tolerant_calls == ["persons[0]"]


@pytest.mark.parametrize(
    "text",
    [
        '{"value": [PERSON]}',  # OData
        '{"persons": null}',
        '[{"Persons": [PERSON]}]',  # a page, spelled otherwise
        '[{"persons": [PERSON]}, PERSON]',  # pages and persons mixed
        '\ufeff{"persons": [PERSON]}',  # BOM
        '{"persons": [PERSON], "n": NaN}',  # json.loads takes NaN
        '{"persons": [PERSON], "n": 1e999}',
        '{"persons": [PERSON], "n": ' + "9" * 5_000 + "}",  # too long for int()
        '{"persons": [PERSON], "n": "' + "9" * 5_000 + '"}',  # as text it is fine
        '{"persons": [PERSON], "n": "\\ud800"}',  # a lone surrogate
        '{"persons": [PERSON], "n": ' + "[" * 5_000 + "]" * 5_000 + "}",
        '{"persons": [PERSON], "n": "\\u0063"}',
        '{"persons": [PERSON], "n": "x"',  # cut off
        '{"persons": [PERSON]} {}',
        "42",
        "",
    ],
)
def test_unusual_files_read_as_the_tolerant_path_reads_them(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sofd.json"
    path.write_text(text.replace("PERSON", json.dumps(PERSON)), encoding="utf-8")
    typed, reference = both(path)
    assert typed == reference


def test_bytes_that_are_not_utf8_in_a_member_never_read(tmp_path: Path) -> None:
    path = tmp_path / "sofd.json"
    person = json.dumps({**PERSON, "positionName": "Pædagog"}, ensure_ascii=False)
    path.write_bytes(('{"persons": [' + person + "]}").encode("iso-8859-1"))
    typed, reference = both(path)
    assert typed == reference
    assert "UTF-8" in str(typed)


def test_live_persons_take_the_same_paths() -> None:
    persons = [sofd_person(2), *(p for p in ODD_PERSONS.values() if isinstance(p, dict))]
    persons = [p for p in persons if p is not ODD_PERSONS["timestamp date"]]
    context = os2sofd._Context("api", TODAY, frozenset(), "api")
    expected = [
        r
        for index, person in enumerate(persons)
        for r in os2sofd._person_records(JsonAt(person, "api", f"persons[{index}]"), context)
    ]
    assert os2sofd.records_from_persons(persons, origin="api", today=TODAY) == expected


_KEYS = ["uuid", "chosenName", "firstname", "phones", "phoneNumber", "users", "userId"]
_member = st.sampled_from(_KEYS).flatmap(
    lambda key: st.sampled_from([key, key.upper(), key.capitalize(), key.lower(), "master"])
)
_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(" 0123456789abc+-", max_size=8),
    st.sampled_from(["2024-05-01", "2999-12-31", "ikke en dato", "MOBILE", "ACTIVE_DIRECTORY"]),
)


@given(
    changes=st.lists(
        st.tuples(st.sampled_from(["person", "phone", "user", "affiliation"]), _member, _value),
        max_size=4,
    )
)
def test_random_member_spellings_and_types_read_as_the_tolerant_path(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[str, str, object]]
) -> None:
    person = json.loads(json.dumps(sofd_person(1, phones=[sofd_phone("20304050", "MOBILE")])))
    targets = {
        "person": person,
        "phone": person["phones"][0],
        "user": person["users"][0],
        "affiliation": person["affiliations"][0],
    }
    for target, key, value in changes:
        targets[target][key] = value
    path = write(tmp_path_factory.mktemp("sofd") / "sofd.json", [{"persons": [person]}])
    typed, reference = both(path)
    assert typed == reference


def _reference_unmatched(ids: list[str], active: list[os2sofd._Affiliation]) -> set[int]:
    """The account rule as written before the one-account shortcut."""
    claimed = {e for e in ids if e}
    unlinked = [a for a in active if a.employee_id not in claimed]
    return {
        index
        for index, employee_id in enumerate(ids)
        if (employee_id and not any(a.employee_id == employee_id for a in active))
        or (not employee_id and not unlinked)
    }


def test_one_account_shortcut_equals_the_account_rule() -> None:
    def affiliation(employee_id: str) -> os2sofd._Affiliation:
        return os2sofd._Affiliation(employee_id, False, None, "")

    id_choices = ["", "1", "2"]
    actives = [[], [affiliation("")], [affiliation("1")], [affiliation("1"), affiliation("2")]]
    for ids in [[a] for a in id_choices] + [[a, b] for a in id_choices for b in id_choices]:
        for active in actives:
            assert os2sofd._unmatched_accounts(ids, active) == _reference_unmatched(ids, active)


def test_a_new_member_in_every_person_stops_being_learned(
    tmp_path: Path, tolerant_calls: list[str]
) -> None:
    persons = [{**sofd_person(i), f"note{i}": i} for i in range(1, os2sofd._MAX_EXTRAS + 20)]
    path = write(tmp_path / "sofd.json", {"persons": persons})
    records = list(os2sofd.read_os2sofd(path, options={}, settings=SETTINGS).records)
    # "master" and note1..note99 fill the limit; note100..note119 go the tolerant way
    assert len(tolerant_calls) == 20
    assert records == tolerant(path)


#: Names and dates the typed path works out with plain expressions and a date cache.
_NAMES = st.sampled_from([None, "", "  ", "Søs", " Ib "])
_DATES = st.sampled_from([None, "", " ", "2015-08-01", "2015-08-01T00:00:00", "2999-12-31", "x"])


@given(first=_NAMES, surname=_NAMES, chosen=_NAMES, start=_DATES, stop=_DATES, employee=_NAMES)
def test_names_dates_and_employee_ids_read_as_the_tolerant_path(
    first: str | None,
    surname: str | None,
    chosen: str | None,
    start: str | None,
    stop: str | None,
    employee: str | None,
) -> None:
    """The name from chosenName or first and surname, remembered dates (every text twice:
    the second read hits the cache), the fallback employee id and the one-account rule."""
    import tempfile

    person = {**PERSON, "firstname": first, "surname": surname, "chosenName": chosen}
    affiliation = {**PERSON["affiliations"][0], "startDate": start, "stopDate": stop}
    person["affiliations"] = [{**affiliation, "employeeId": employee}, affiliation]
    person["users"] = [{**PERSON["users"][0], "employeeId": employee}]
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(2):
            typed, reference = both(write(Path(folder) / "sofd.json", {"persons": [person]}))
            assert typed == reference


def _reference_person_flags(
    affiliations: list[os2sofd._Affiliation], context: os2sofd._Context
) -> tuple[set[str], list[os2sofd._Affiliation]]:
    """The general rule, as it stood before the one-affiliation shortcut."""
    today, excluded = context.today, context.excluded_units
    not_stopped = [a for a in affiliations if not a.deleted and (a.stop is None or a.stop >= today)]
    if not not_stopped:
        return {"no_affiliation"}, []
    active = [a for a in not_stopped if a.org_unit not in excluded] if excluded else not_stopped
    if not active:
        return {"do_not_transfer"}, []
    return set(), active


_AFFILIATIONS = st.lists(
    st.builds(
        os2sofd._Affiliation,
        st.sampled_from(["", "1", "2"]),
        st.booleans(),
        st.sampled_from([None, date(2000, 1, 1), TODAY, date(2999, 1, 1)]),
        st.sampled_from(["u1", "u2"]),
    ),
    max_size=3,
)


@given(affiliations=_AFFILIATIONS, excluded=st.sampled_from([frozenset(), frozenset({"u1"})]))
def test_person_flags_equal_the_general_rule(
    affiliations: list[os2sofd._Affiliation], excluded: frozenset[str]
) -> None:
    """The one-affiliation shortcut gives the general rule's flags and active affiliations."""
    context = os2sofd._Context("fil", TODAY, excluded)
    assert os2sofd._person_flags(affiliations, context) == _reference_person_flags(
        affiliations, context
    )


_EMPLOYEE_IDS = st.sampled_from([None, "", " ", "1", " 2 "])
_ONE_AFFILIATION = st.fixed_dictionaries(
    {
        "employeeId": _EMPLOYEE_IDS,
        "deleted": st.sampled_from([None, False, True]),
        "stopDate": st.sampled_from([None, "", "2000-01-01", "2999-12-31", " 2999-12-31 "]),
        "orgUnitUuid": st.sampled_from(
            [None, "", "u1", " U1 ", "{0F5D0000-0000-4000-8000-00000000F0F0}"]
        ),
    }
)
_ONE_USER = st.fixed_dictionaries(
    {
        "userType": st.sampled_from([None, "", "ACTIVE_DIRECTORY", " active_directory ", "UNI"]),
        "employeeId": _EMPLOYEE_IDS,
        "disabled": st.sampled_from([None, False, True]),
        "kombitUuid": st.sampled_from([None, "", "ABC", "{0F5D0000-0000-4000-8000-00000000F0F0}"]),
    }
)
_ONE_PHONE = st.fixed_dictionaries(
    {
        "phoneNumber": st.sampled_from([None, "", " 20304050 "]),
        "phoneType": st.sampled_from([None, "", "MOBILE", " landline ", "Mobile"]),
        "visibility": st.sampled_from([None, "", "VISIBLE", " hidden "]),
    }
)


_AD_USER = {"userType": "ACTIVE_DIRECTORY", "employeeId": "1", "kombitUuid": None}
_OTHER_AFFILIATION = {"employeeId": " 2 ", "deleted": False, "stopDate": None, "orgUnitUuid": "u1"}


@example(  # the only account's employee id matches no affiliation
    users=[{**_AD_USER, "disabled": None}],
    affiliations=[_OTHER_AFFILIATION],
    phones=[],
    deleted=None,
    excluded=[],
)
@example(
    users=[{**_AD_USER, "disabled": True}],
    affiliations=[_OTHER_AFFILIATION],
    phones=[],
    deleted=None,
    excluded=[],
)
@example(  # it matches the second one
    users=[{**_AD_USER, "disabled": None}],
    affiliations=[_OTHER_AFFILIATION, {**_OTHER_AFFILIATION, "employeeId": "1"}],
    phones=[],
    deleted=None,
    excluded=[],
)
@given(
    users=st.lists(_ONE_USER, min_size=1, max_size=2),
    affiliations=st.lists(_ONE_AFFILIATION, max_size=2),
    phones=st.lists(_ONE_PHONE, max_size=2),
    deleted=st.sampled_from([None, True]),
    excluded=st.sampled_from([[], ["0f5d0000-0000-4000-8000-00000000f0f0"]]),
)
def test_one_account_and_remembered_texts_read_as_the_tolerant_path(
    users: list[dict[str, object]],
    affiliations: list[dict[str, object]],
    phones: list[dict[str, object]],
    deleted: bool | None,
    excluded: list[str],
) -> None:
    """The one-account record (its flags worked out in place), the phone codes, org units
    and dates remembered by their text: each person is read twice (the second read hits
    the caches) and must equal the tolerant path, excluded units and all."""
    import tempfile

    person = {**PERSON, "users": users, "affiliations": affiliations, "phones": phones}
    person["deleted"] = deleted
    options = {os2sofd.DO_NOT_TRANSFER_OPTION: excluded}
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "sofd.json", {"persons": [person, person]})
        typed = list(os2sofd.read_os2sofd(path, options=options, settings=SETTINGS).records)
        context = os2sofd._Context(path.name, TODAY, frozenset(excluded), str(path))
        root = JsonAt(load_json(path, what="OS2sofd-filen"), str(path))
        reference = [r for p in os2sofd._persons(root) for r in os2sofd._person_records(p, context)]
        assert typed == reference
