"""Old KLIK users' FK-ORG twins (issue 18): order e-mail, UPN, name + unit; never a guess;
the action says exactly what to do; roles only old users hold; the ranked gain items."""

from __future__ import annotations

from telefonspor.audit import run_audit
from telefonspor.model import (
    AuditResult,
    HolderResult,
    InputFile,
    KlikExport,
    KlikUser,
    LegacyTwin,
    PhoneEntry,
    SourceData,
    SourceRecord,
)
from telefonspor.reports.jsonout import to_json
from telefonspor.settings import defaults
from telefonspor.twins import CREATE_CODE, MOVE_CODE, migration_rows, twin_action

SETTINGS = defaults()


def klik(
    uid: str,
    name: str,
    email: str,
    roles: tuple[str, ...],
    *,
    unit: str = "IT",
    direct: str = "",
    mobile: str = "",
) -> KlikUser:
    return KlikUser(uid, name, email, unit, "", roles, direct, mobile, 2, user_name=uid)


def fk(uid: str, name: str, email: str, *, direct: str = "", mobile: str = "") -> SourceRecord:
    phones = []
    if direct:
        phones.append(PhoneEntry(direct, "FastnetTelefon"))
    if mobile:
        phones.append(PhoneEntry(mobile, "Telefon"))
    return SourceRecord(
        "fkorg",
        uid,
        uuid=f"00000000-0000-4000-8000-{int.from_bytes(uid.encode()) % 10**12:012d}",
        email=email,
        name=name,
        phones=tuple(phones),
    )


def ad(uid: str, email: str) -> SourceRecord:
    return SourceRecord("ad", uid, email=email, name=uid)


def audit(
    users: list[KlikUser], fkorg: list[SourceRecord], ads: list[SourceRecord] = ()
) -> AuditResult:  # type: ignore[assignment]
    export = KlikExport(tuple(users), InputFile("klik.xlsx", "klik"), True, {})
    sources = [SourceData("fkorg", "fkorg", tuple(fkorg), "fkorg.csv")]
    if ads:
        sources.insert(0, SourceData("ad", "source", tuple(ads), "ad.csv"))
    return run_audit(export, sources, SETTINGS, generated_at="2026-11-30T10:00:00+00:00")


def by_id(result: AuditResult) -> dict[str, HolderResult]:
    return {h.user_id: h for h in result.holders}


def test_email_through_ad_then_upn_then_name_and_unit() -> None:
    """AD's mail leads to the FK-ORG user by account name (e-mail); the part before '@' is an
    FK-ORG user name (UPN); another KLIK user of the same name and unit has an FK-ORG user."""
    result = audit(
        [
            klik(
                "klik0008000",
                "Mona Madsen",
                "mona.madsen@kommune.dk",
                ("Sikkerhedsansvarlig", "KLIK-administrator"),
            ),
            klik("klik0008001", "Ole Olsen", "olol0001@ad.kommune.dk", ("Lokal administrator",)),
            klik("klik0008002", "Pia Poulsen", "pia@gammel.dk", ("Superbruger",), unit="Løn"),
            klik(
                "pipo0003",
                "Pia  Poulsen",
                "pipo0003@kommune.dk",
                ("Læser",),
                unit="løn",
                mobile="20304050",
            ),
        ],
        [
            fk("mama0042", "Mona Madsen", "mama0042@kommune.dk", direct="33 66 33 66"),
            fk("olol0001", "Ole Olsen", "olol0001@kommune.dk"),
            fk("pipo0003", "Pia Poulsen", "pipo0003@kommune.dk", mobile="20304050"),
        ],
        [ad("mama0042", "mona.madsen@kommune.dk")],
    )
    h = by_id(result)
    assert h["klik0008000"].legacy_twin == LegacyTwin(
        "mama0042", "email", "probable", True, "33 66 33 66", ""
    )
    assert h["klik0008000"].action == (
        "Flyt rollerne Sikkerhedsansvarlig, KLIK-administrator fra klik0008000 til mama0042 "
        "(samme e-mail), og nedlæg klik0008000"
    )
    upn = h["klik0008001"].legacy_twin
    assert upn is not None and (upn.user_id, upn.matched_by, upn.covered) == (
        "olol0001",
        "upn",
        False,
    )
    assert "olol0001 har heller intet brugbart nummer" in h["klik0008001"].action
    assert h["klik0008001"].action.startswith(
        "Flyt rollen Lokal administrator fra klik0008001 til olol0001 (samme UPN)"
    )
    # The twin is a KLIK user: what KLIK shows for it decides, whitespace and case aside.
    name = h["klik0008002"].legacy_twin
    assert name == LegacyTwin("pipo0003", "name_unit", "possible", True, "", "20304050")
    assert h["pipo0003"].legacy_twin is None  # only old users get a twin


def test_email_wins_over_upn_and_two_candidates_are_listed_not_guessed() -> None:
    result = audit(
        [
            # e-mail points at anan0001, the UPN part at anan0002: e-mail is tried first.
            klik("klik1", "Ann Andersen", "anan0002@kommune.dk", ("A",)),
            klik("klik2", "Bo Berg", "bo@gammel.dk", ("B",), unit="Skole"),
            klik(
                "bobe0001",
                "Bo Berg",
                "bobe0001@kommune.dk",
                ("C",),
                unit="Skole",
                mobile="20304050",
            ),
            klik(
                "bobe0002",
                "Bo Berg",
                "bobe0002@kommune.dk",
                ("C",),
                unit="Skole",
                mobile="20304051",
            ),
        ],
        [
            fk("anan0001", "Ann Andersen", "x@kommune.dk", mobile="20304052"),
            fk("anan0002", "Ann Andersen", "y@kommune.dk", mobile="20304053"),
            fk("bobe0001", "Bo Berg", "bobe0001@kommune.dk", mobile="20304050"),
            fk("bobe0002", "Bo Berg", "bobe0002@kommune.dk", mobile="20304051"),
        ],
        [ad("anan0001", "anan0002@kommune.dk")],
    )
    h = by_id(result)
    twin = h["klik1"].legacy_twin
    assert twin is not None and (twin.user_id, twin.matched_by) == ("anan0001", "email")
    both = h["klik2"].legacy_twin
    assert both == LegacyTwin(
        "", "ambiguous", "ambiguous", False, candidates=("bobe0001", "bobe0002")
    )
    assert h["klik2"].action == (
        "Find personens rigtige FK-ORG-bruger blandt bobe0001, bobe0002, flyt rollen B fra "
        "klik2 dertil, og nedlæg klik2."
    )


def test_no_twin_says_create_via_fk_administration() -> None:
    result = audit(
        [klik("klik9", "Ny Person", "ny@gammel.dk", ("A", "B"))],
        [fk("anan0001", "Ann Andersen", "anan0001@kommune.dk")],
    )
    h = by_id(result)["klik9"]
    assert h.legacy_twin is None
    assert h.action.startswith(
        "Opret personen som bruger via FK Administration, flyt rollerne A, B fra klik9"
    )


def test_roles_only_old_users_hold_are_flagged_and_listed_first() -> None:
    result = audit(
        [
            klik("klik1", "A A", "a@gammel.dk", ("KLIK-administrator", "Læser", "X", "Y")),
            klik("klik2", "B B", "b@gammel.dk", ("Sikkerhedsansvarlig",)),
            klik("klik3", "C C", "c@gammel.dk", ("Sikkerhedsansvarlig", "Læser")),
            klik(
                "anan0001",
                "Ann",
                "anan0001@kommune.dk",
                ("Læser", "KLIK-administrator", "X", "Y"),
                mobile="20304050",
            ),
        ],
        [fk("anan0001", "Ann", "anan0001@kommune.dk", mobile="20304050")],
    )
    h = by_id(result)
    assert h["klik1"].sole_roles == ()
    assert h["klik2"].sole_roles == ("Sikkerhedsansvarlig",)
    assert h["klik3"].sole_roles == ("Sikkerhedsansvarlig",)
    # Flagged rows first (klik3 has more roles), then the others by roles closed.
    assert [r.holder.user_id for r in migration_rows(result.holders)] == ["klik3", "klik2", "klik1"]


def test_moves_and_the_rest_are_ranked_gain_items_with_cumulative_figures() -> None:
    result = audit(
        [
            klik("klik1", "Mona", "mama0042@ad.kommune.dk", ("A", "B", "C")),
            klik("klik2", "Ole", "olol0001@ad.kommune.dk", ("D",)),  # twin without number
            klik("klik3", "Ny", "ny@gammel.dk", ("E", "F")),
        ],
        [
            fk("mama0042", "Mona", "mama0042@kommune.dk", mobile="20304050"),
            fk("olol0001", "Ole", "olol0001@kommune.dk"),
        ],
    )
    items = {f.code: f for f in result.systemic}
    move, create = items[MOVE_CODE], items[CREATE_CODE]
    assert (move.roles_gained, move.holders_gained, move.user_ids, move.setting) == (
        3,
        1,
        ("klik1",),
        "",
    )
    # The twin without a number is neither a move that closes roles nor a user to create.
    assert (create.roles_gained, create.user_ids) == (2, ("klik3",))
    assert [f.code for f in result.systemic] == [MOVE_CODE, CREATE_CODE]
    assert [f.cumulative_roles_gained for f in result.systemic] == [3, 5]


def test_twin_action_without_roles_text_is_stable() -> None:
    holder = by_id(audit([klik("klik1", "M", "m@x.dk", ("A",))], [fk("u", "U", "u@x.dk")]))["klik1"]
    twin = LegacyTwin("mama0042", "email", "probable", True, "33663366")
    assert (
        twin_action(holder, twin)
        == "Flyt rollen A fra klik1 til mama0042 (samme e-mail), og nedlæg klik1"
    )


def test_resultat_json_adds_legacy_twin_and_sole_roles_to_every_holder() -> None:
    """Schema telefonspor/audit/v1 only grows: the fields are added, null/empty when unused."""
    result = audit(
        [
            klik("klik1", "Mona", "mama0042@ad.kommune.dk", ("A",)),
            klik("klik2", "Bo", "bo@gammel.dk", ("B",)),
            klik("mama0042", "Mona", "mama0042@kommune.dk", ("B",), mobile="20304050"),
        ],
        [fk("mama0042", "Mona", "mama0042@kommune.dk", mobile="20304050")],
    )
    doc = to_json(result)
    holders = {h["user_id"]: h for h in doc["holders"]}
    assert doc["schema"] == "telefonspor/audit/v1"
    assert holders["klik1"]["legacy_twin"] == {
        "user_id": "mama0042",
        "matched_by": "upn",
        "confidence": "probable",
        "covered": True,
        "direct": "",
        "mobile": "20304050",
        "candidates": [],
    }
    assert holders["klik1"]["sole_roles"] == ["A"]
    assert holders["klik2"]["legacy_twin"] is None and holders["klik2"]["sole_roles"] == []
    assert holders["mama0042"]["legacy_twin"] is None
    gains = {s["code"]: s for s in doc["systemic"]}
    assert gains[MOVE_CODE]["setting"] == "" and gains[MOVE_CODE]["gap_closed_pct"] == 50.0
    assert gains[CREATE_CODE]["cumulative_roles_gained"] == 2
    assert gains[CREATE_CODE]["gap_closed_pct"] == 100.0
