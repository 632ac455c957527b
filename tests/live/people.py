"""One small municipality as each system's API shows it (the same people everywhere)."""

from __future__ import annotations

import uuid
from typing import Any

TELEFON = "5ef6be2d-59f4-4652-a680-585929924ba9"
FASTNET = "47c05422-5379-4c27-9ddf-e02b52b3d961"


def person_uuid(i: int) -> str:
    return str(uuid.UUID(int=0x1000_0000_0000_4000_8000_0000_0000_0000 + i))


def account_uuid(i: int) -> str:
    return str(uuid.UUID(int=0x2000_0000_0000_4000_8000_0000_0000_0000 + i))


def user_id(i: int) -> str:
    return f"bru{i:04d}"


def mobile(i: int) -> str:
    return f"2{i:07d}"


def landline(i: int) -> str:
    return f"8{i:07d}" if i % 3 else ""


def sofd_persons(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        phones = [
            {
                "phoneNumber": mobile(i),
                "phoneType": "MOBILE",
                "visibility": "VISIBLE",
                "prime": True,
                "typePrime": True,
            }
        ]
        if landline(i):
            phones.append(
                {
                    "phoneNumber": landline(i),
                    "phoneType": "LANDLINE",
                    "visibility": "VISIBLE",
                    "prime": False,
                    "typePrime": True,
                }
            )
        out.append(
            {
                "uuid": person_uuid(i),
                "firstname": "Test",
                "surname": f"Person {i}",
                "chosenName": None,
                "deleted": False,
                "phones": phones,
                "users": [
                    {
                        "userId": user_id(i),
                        "userType": "ACTIVE_DIRECTORY",
                        "employeeId": str(1000 + i),
                        "disabled": False,
                        "kombitUuid": account_uuid(i),
                        "upn": f"{user_id(i)}@kommune.dk",
                        "prime": True,
                    }
                ],
                "affiliations": [
                    {
                        "uuid": str(uuid.uuid5(uuid.NAMESPACE_OID, str(i))),
                        "startDate": "2020-01-01",
                        "stopDate": None,
                        "employeeId": str(1000 + i),
                        "deleted": False,
                        "orgUnitUuid": "30000000-0000-4000-8000-000000000001",
                    }
                ],
            }
        )
    return out


def os2sync_users(n: int) -> list[dict[str, Any]]:
    return [
        {
            "Uuid": account_uuid(i),
            "ShortKey": None,
            "UserId": user_id(i),
            "PhoneNumber": mobile(i),
            "Landline": landline(i) or None,
            "Email": f"{user_id(i)}@kommune.dk",
            "RacfID": None,
            "Location": None,
            "FMKID": None,
            "IsRobot": False,
            "Status": 1,  # OS2sync serialises the Status enum as an integer (1 = ACTIVE)
            "Positions": [
                {
                    "Name": "Sagsbehandler",
                    "OrgUnitUuid": person_uuid(9999),
                    "StartDate": None,
                    "StopDate": None,
                }
            ],
            "Person": {"Name": f"Test Person {i}", "Cpr": None, "Uuid": person_uuid(i)},
        }
        for i in range(n)
    ]


AD_SYSTEM = "a1608e69-c422-404f-a6cc-b873c50af111"


def os2mo_employees(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        addresses = [
            {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"m{i}")),
                "value": mobile(i),
                "address_type": {
                    "user_key": "MobilePhoneEmployee",
                    "scope": "PHONE",
                    "uuid": "f376deb8-4743-4ca6-a047-3241de8fe9d2",
                },
                "visibility": {"scope": "PUBLIC", "user_key": "Public"},
                "ituser": None,
            },
        ]
        if landline(i):
            addresses.append(
                {
                    "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"l{i}")),
                    "value": landline(i),
                    "address_type": {
                        "user_key": "PhoneEmployee",
                        "scope": "PHONE",
                        "uuid": "cbadfa0f-ce4f-40b9-86a0-2e85d8961f5d",
                    },
                    "visibility": {
                        "scope": "INTERNAL" if i % 5 == 0 else "PUBLIC",
                        "user_key": "x",
                    },
                    "ituser": None,
                }
            )
        engagement = {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_DNS, str(i))),
            "user_key": str(1000 + i),
            "validity": {"from": "2020-01-01T00:00:00+01:00", "to": None},
        }
        out.append(
            {
                "uuid": person_uuid(i),
                "user_key": str(1000 + i),
                "name": f"Test Person {i}",
                "given_name": "Test",
                "surname": f"Person {i}",
                "addresses": addresses,
                "itusers": [
                    {
                        "uuid": account_uuid(i),
                        "user_key": user_id(i),
                        "external_id": account_uuid(i),
                        "itsystem": {
                            "uuid": AD_SYSTEM,
                            "user_key": "Active Directory",
                            "name": "Active Directory",
                        },
                        "engagement": [engagement],
                    }
                ],
                "engagements": [engagement],
            }
        )
    return out


#: Test values for the fields KOMBIT's schema makes non-null (``KlassifikationRelation.type``
#: is the relation type's UUID in Klassifikation; FK-ORG's real value is not published).
ADRESSE_TYPE = str(uuid.uuid5(uuid.NAMESPACE_URL, "telefonspor-test/bruger-adresse"))
EMAIL = "5d13e891-162a-456b-abf2-fd9b864df96d"
LOKATION = "ad04ac80-e24a-45a5-9dd9-8537a916ac74"


def _adresse(i: int, kind: str, text: str, rolle: str, title: str) -> dict[str, Any]:
    address_uuid = str(uuid.uuid5(uuid.NAMESPACE_X500, f"{kind}{i}"))
    return {
        "uuid": address_uuid,
        "adresseTekst": text,
        "brugervendtNoegle": None,
        "adresseRolleTitel": title,
        "klassifikation": {"type": ADRESSE_TYPE, "rolle": rolle, "indeks": address_uuid},
    }


def fkorg_nodes(n: int, *, inactive: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """FK-ORG users in the published ``Bruger`` shape (kombit/org-graphql
    api/gql/schemaOrganisationV1.gql); ``inactive`` indexes are INAKTIV."""
    out = []
    for i in range(n):
        adresser = [
            _adresse(i, "m", mobile(i), TELEFON, "Telefon"),
            _adresse(i, "e", f"{user_id(i)}@kommune.dk", EMAIL, "Email"),
            _adresse(i, "o", "Rådhuset", LOKATION, "Lokation"),
        ]
        if landline(i):
            adresser.append(_adresse(i, "l", landline(i), FASTNET, "FastnetTelefon"))
        out.append(
            {
                "uuid": account_uuid(i),
                "brugernavn": user_id(i),
                "brugervendtNoegle": user_id(i),
                "brugerTypeUuid": "fe5bec29-0709-4b45-b935-2748ff554c7a",
                "brugerTypeTitel": "Intern bruger",
                "tilstand": {
                    "status": "INAKTIV" if i in inactive else "AKTIV",
                    "fraTidspunkt": "2020-01-01T00:00:00+01:00",
                    "tilTidspunkt": None,
                },
                "person": {
                    "uuid": person_uuid(i),
                    "navn": f"Test Person {i}",
                    "brugervendtNoegle": None,
                    "cpr": None,
                },
                "adresser": adresser,
            }
        )
    return out
