"""OS2mo parts of the sample chain: class UUIDs, the export's settings, new-mode cases (pure).

Modelled on magenta-aps/os2mo-os2sync-export at 5539c62f40d0732a3b2e7c495ca46914915bc869
(see docs/upstream/os2mo.md): the class lists hold address-type class UUIDs; the
new mode reads addresses and engagements on the AD it-user (user_key "Active
Directory"), counts an engagement that has not started yet, and takes the FK-ORG
UUID from the "FK-ORG-UUID" it-user. Kept apart from chain.py so the OS2mo cases
can change without touching the other local systems' code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from telefonspor.sample.chain import Person

LANDLINE_CLASS: Final = "PhoneEmployee"
MOBILE_CLASS: Final = "MobilePhoneEmployee"
OFF_SCOPE_CLASS: Final = "DirectPhoneEmployee"  # a desk-line type nobody added to the class lists
#: Fictional class UUIDs of the address types (a municipality's facet "employee_address_type").
CLASS_UUIDS: Final = {
    LANDLINE_CLASS: "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7c01",
    MOBILE_CLASS: "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7c02",
    OFF_SCOPE_CLASS: "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7c03",
    "EmailEmployee": "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7c04",
}
AD_SYSTEM_UUID: Final = "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7d01"
FK_ORG_SYSTEM_UUID: Final = "c2b1a9de-4f0e-4d5b-9a51-6e1f0a3b7d02"
#: A start date that is always in the future, so the files stay byte-identical day to day.
FUTURE_START: Final = "2099-08-01"

#: Record facts the writer turns into engagements (see ``engagement_flags``).
FUTURE_ENGAGEMENT: Final = "future_engagement"
NO_ENGAGEMENT: Final = "no_engagement"
NO_IT_USER_ENGAGEMENT: Final = "no_it_user_engagement"

#: The export as a municipality configures it: new mode, class UUIDs as upstream takes them.
SETTINGS: Final[Mapping[str, object]] = {
    "os2mo.addresses_on_it_user": True,
    "os2mo.landline_scope_classes": [CLASS_UUIDS[LANDLINE_CLASS]],
    "os2mo.phone_scope_classes": [CLASS_UUIDS[MOBILE_CLASS]],
}
#: Faults of the export's own settings.
FAULT_SETTINGS: Final[Mapping[str, Mapping[str, object]]] = {
    "os2mo_landline_class_missing": {"os2mo.landline_scope_classes": []},
    # upstream's defaults: both lists empty, no phone number is sent at all
    "os2mo_default_classes": {
        "os2mo.landline_scope_classes": [],
        "os2mo.phone_scope_classes": [],
    },
}


def class_rank(phone_type: str, classes: Sequence[str]) -> int | None:
    """Where ``phone_type`` (a user_key) stands in a class list of UUIDs or user_keys."""
    keys = [c.casefold() for c in classes]
    for key in (CLASS_UUIDS.get(phone_type, ""), phone_type.casefold()):
        if key and key in keys:
            return keys.index(key)
    return None


def stop_rule(flags: AbstractSet[str], on_it_user: bool) -> str:
    """The rule that keeps every number of the person back, or ''.

    Old mode: the person needs a current engagement. New mode: the AD it-user needs
    an engagement that is current or starts later (``engagements_responses`` from now).
    """
    if on_it_user:
        return "os2mo.it_user_no_engagement" if NO_IT_USER_ENGAGEMENT in flags else ""
    return "os2mo.no_engagement" if NO_ENGAGEMENT in flags else ""


def add_new_mode_cases(people: Sequence[Person]) -> None:
    """Deterministic extra cases (no random draws, so the rest of the world is unchanged).

    Every 19th person starts in the future (only the new mode sends them); every 13th
    has a "FK-ORG-UUID" it-user that maps their AD account to another FK-ORG UUID.
    """
    for p in people:
        if p.in_local and not p.local_flags and p.index % 19 == 4:
            p.local_flags = frozenset({FUTURE_ENGAGEMENT, NO_ENGAGEMENT})
        if p.guid and p.index % 13 == 5:
            p.fk_uuid = f"f{p.guid[1:]}" if p.guid[0] != "f" else f"e{p.guid[1:]}"


def scenario_flags(scenario: str) -> frozenset[str]:
    """Record facts of the OS2mo scenarios about engagements."""
    if scenario == "no_engagement":
        return frozenset({NO_ENGAGEMENT, NO_IT_USER_ENGAGEMENT})
    if scenario == "it_user_no_engagement":
        return frozenset({NO_IT_USER_ENGAGEMENT})
    return frozenset()


def employee_json(p: Person, derived_uuid: Callable[[str, str], str]) -> dict[str, Any]:
    """``p`` as OS2mo's GraphQL v22 ``employees`` query answers (see sources/os2mo_api.py)."""
    engagement = {
        "uuid": derived_uuid(p.guid, "9"),
        "user_key": p.employee_id,
        "validity": {
            "from": f"{FUTURE_START if FUTURE_ENGAGEMENT in p.local_flags else '2015-08-01'}"
            "T00:00:00+02:00",
            "to": None,
        },
    }
    person_has = FUTURE_ENGAGEMENT in p.local_flags or NO_ENGAGEMENT not in p.local_flags
    it_user: dict[str, Any] = {
        "uuid": derived_uuid(p.guid, "8"),
        "user_key": p.user_id,
        "external_id": p.guid,
        "itsystem": {
            "uuid": AD_SYSTEM_UUID,
            "user_key": "Active Directory",
            "name": "Active Directory",
        },
        "engagement": [engagement]
        if person_has and NO_IT_USER_ENGAGEMENT not in p.local_flags
        else [],
    }
    itusers = [it_user]
    if p.fk_uuid:
        itusers.append(
            {
                "uuid": derived_uuid(p.guid, "7"),
                "user_key": p.guid,
                "external_id": p.fk_uuid,
                "itsystem": {
                    "uuid": FK_ORG_SYSTEM_UUID,
                    "user_key": "FK-ORG-UUID",
                    "name": "FK-ORG-UUID",
                },
                "engagement": [],
            }
        )
    addresses = []
    for phone in p.phones:
        addresses.append(
            {
                "value": phone.raw,
                "address_type": _address_type(phone.type, "PHONE"),
                "visibility": {"scope": phone.visibility} if phone.visibility else None,
                "ituser": [{"uuid": it_user["uuid"]}] if phone.owner == "it_user" else None,
            }
        )
    addresses.append(
        {
            "value": p.email,
            "address_type": _address_type("EmailEmployee", "EMAIL"),
            "visibility": {"scope": "PUBLIC"},
            "ituser": None,
        }
    )
    return {
        "uuid": derived_uuid(p.guid, "5"),
        "given_name": p.first,
        "surname": p.last,
        "user_key": p.employee_id,
        "addresses": addresses,
        "itusers": itusers,
        "engagements": [engagement] if person_has else [],
    }


def _address_type(user_key: str, scope: str) -> dict[str, str]:
    return {"uuid": CLASS_UUIDS.get(user_key, ""), "user_key": user_key, "scope": scope}
