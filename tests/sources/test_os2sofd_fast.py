"""The OS2sofd fast path gives exactly the records of the tolerant path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from telefonspor.sample import generate_chain
from telefonspor.sources.jsonfile import JsonAt
from telefonspor.sources.os2sofd import _Context, _fast_person_records, _person_records

TODAY = date(2026, 11, 28)
CONTEXT = _Context("sofd.json", TODAY, frozenset())


def test_fast_path_equals_tolerant_path(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path, holders=200, users=800, seed=11)
    pages = json.loads(chain.sources["os2sofd"].read_text(encoding="utf-8"))
    persons = [p for page in pages for p in page["persons"]]
    assert len(persons) > 500
    compared = 0
    for index, person in enumerate(persons):
        node = JsonAt(person, "sofd.json", f"persons[{index}]")
        fast = _fast_person_records(node, CONTEXT)
        assert fast is not None, person
        assert fast == _person_records(node, CONTEXT)
        compared += len(fast)
    assert compared >= len(persons)


def test_unusual_shapes_fall_back_to_the_tolerant_path() -> None:
    odd = [
        {"uuid": "x", "PhoneNumber": "1"},  # a member spelled otherwise
        {"uuid": "x", "phones": [{"phoneNumber": 33663366}]},  # a number, not text
        {"uuid": "x", "affiliations": [{"startDate": "i morgen"}]},  # not a date
        ["not", "a", "person"],
    ]
    for person in odd:
        assert _fast_person_records(JsonAt(person, "f", "persons[0]"), CONTEXT) is None
