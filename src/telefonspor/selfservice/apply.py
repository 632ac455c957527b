"""Apply approved self-service numbers: dry run by default, compare-before-write, every write logged.

The target is the system authoritative for phone numbers in ``kaede.toml``
(``selfservice.target``; ``auto`` = the chain's first live AD or OS2sofd
system). When the value there changed since the link was made, nothing is
written: the submission becomes a conflict for the administrator. Anything
else gets the existing fix files for the approved holders.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from telefonspor.errors import ConfigError, InputError, TelefonsporError
from telefonspor.fixfiles import write_fix_files
from telefonspor.fixfiles.corrections import Correction
from telefonspor.fixfiles.resultjson import read_result_json
from telefonspor.reports import FILE_NAMES
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources.writeback import AdWriter, SofdWriter, Writer
from telefonspor.store.selfservice import FIELDS, Submission, WriteLog, mask_number

if TYPE_CHECKING:
    from telefonspor.store import Store

log = logging.getLogger("telefonspor.selfservice")

TARGETS: Final = ("ad", "os2sofd", "fixfiles")
#: Danish names for the command line and the web page (one set, so they say the same).
TARGET_LABELS: Final = {"ad": "AD", "os2sofd": "OS2sofd", "fixfiles": "Rettelsesfiler"}
OUTCOME_LABELS: Final = {
    "would_write": "Ville skrive",
    "written": "Skrevet",
    "unchanged": "Allerede sådan",
    "conflict": "Konflikt – ændret siden linket, intet skrevet",
    "fix_file": "I rettelsesfil",
    "failed": "Fejlede",
}
FIELD_LABELS: Final = {"direct": "Direkte nummer", "mobile": "Mobil nummer"}


@dataclass(frozen=True, slots=True)
class Planned:
    """One field of one submission: what is there now, what it becomes, and what happened."""

    submission_id: int
    user_id: str
    field: str
    target: str
    old_masked: str
    new_masked: str
    outcome: str  # "would_write" | "written" | "conflict" | "unchanged" | "fix_file" | "failed"
    message: str = ""


def target_of(settings: Settings) -> tuple[str, SourceSpec | None]:
    """Where approved numbers go, and the chain entry that reaches it (None for fix files)."""
    wanted = settings.get(Key.SELFSERVICE_TARGET)
    live = [s for s in settings.sources if s.live and s.kind in ("ad", "os2sofd")]
    if wanted == "fixfiles":
        return "fixfiles", None
    if wanted == "auto":
        order = {"source": 0, "local": 1}
        live.sort(key=lambda s: order.get(s.position, 2))
        return (live[0].kind, live[0]) if live else ("fixfiles", None)
    for spec in live:
        if spec.kind == wanted:
            return wanted, spec
    raise ConfigError(
        f"selfservice.target = '{wanted}', men kæden har intet live {wanted}-system "
        '([[source]] med kind = "' + wanted + '" og live = true).'
    )


def same_number(a: str, b: str) -> bool:
    """Equal as numbers: the digits, a leading +45 or 0045 ignored."""
    return _digits(a) == _digits(b)


def _digits(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    for prefix in ("0045", "45"):
        if len(digits) == 8 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def apply_approved(
    store: Store,
    settings: Settings,
    *,
    really: bool,
    by: str,
    out_dir: Path | None = None,
    result_path: Path | None = None,
    writer_factory: Callable[[str, SourceSpec], Writer] | None = None,
) -> list[Planned]:
    """Every approved submission: planned (dry run) or written and logged (``really``)."""
    service = store.selfservice()
    approved = [s for s in service.submissions(("approved",)) if s.kind == "number"]
    if not approved:
        return []
    target, spec = target_of(settings)
    if target == "fixfiles":
        return _fix_files(
            store,
            settings,
            approved,
            really=really,
            by=by,
            out_dir=out_dir,
            result_path=result_path,
        )
    if spec is None:  # target_of gives a spec for every live target
        raise ConfigError(f"Intet live {target}-system i kæden.")
    make = writer_factory or writer_for(settings)
    writer = make(target, spec)
    planned: list[Planned] = []
    try:
        for submission in approved:
            planned.extend(_one(store, writer, submission, really=really, by=by))
    finally:
        writer.close()
    return planned


def _one(
    store: Store, writer: Writer, submission: Submission, *, really: bool, by: str
) -> list[Planned]:
    service = store.selfservice()
    numbers = {f: n for f, n in service.numbers(submission).items() if n}
    before = service.before(submission.token_id, writer.target)
    try:
        current = writer.current(submission.user_id)
    except TelefonsporError as exc:
        return [
            _planned(submission, writer.target, f, "", numbers[f], "failed", str(exc))
            for f in numbers
        ]
    conflicts = [f for f in numbers if not same_number(current.get(f, ""), before.get(f, ""))]
    if conflicts:
        rows = [
            _planned(
                submission,
                writer.target,
                f,
                current.get(f, ""),
                numbers[f],
                "conflict",
                "Værdien er ændret, siden linket blev lavet; intet er skrevet.",
            )
            for f in numbers
        ]
        if really:
            _log(store, submission, rows, by)
            service.decide(
                submission.id,
                "conflict",
                by,
                note="Værdien i systemet er ændret, siden linket blev lavet; intet er skrevet.",
            )
        return rows
    to_write = {f: n for f, n in numbers.items() if not same_number(current.get(f, ""), n)}
    if not really:
        return [
            _planned(
                submission,
                writer.target,
                f,
                current.get(f, ""),
                numbers[f],
                "would_write" if f in to_write else "unchanged",
            )
            for f in numbers
        ]
    try:
        if to_write:
            writer.write(submission.user_id, to_write)
    except TelefonsporError as exc:
        log.warning("Selvbetjening: %s kunne ikke skrives i %s", submission.user_id, writer.target)
        return [
            _planned(
                submission, writer.target, f, current.get(f, ""), numbers[f], "failed", str(exc)
            )
            for f in numbers
        ]
    rows = [
        _planned(
            submission,
            writer.target,
            f,
            current.get(f, ""),
            numbers[f],
            "written" if f in to_write else "unchanged",
        )
        for f in numbers
    ]
    _log(store, submission, rows, by)
    service.decide(submission.id, "applied", by, note=f"Skrevet i {writer.target}.")
    log.info("Selvbetjening: nummer skrevet for %s i %s", submission.user_id, writer.target)
    return rows


def _fix_files(
    store: Store,
    settings: Settings,
    approved: list[Submission],
    *,
    really: bool,
    by: str,
    out_dir: Path | None,
    result_path: Path | None,
) -> list[Planned]:
    service = store.selfservice()
    corrections: dict[str, Correction] = {}
    planned: list[Planned] = []
    for submission in approved:
        numbers = service.numbers(submission)
        corrections[submission.user_id.casefold()] = Correction(
            submission.user_id,
            direct=_e164(numbers["direct"]),
            mobile=_e164(numbers["mobile"]),
            origin=f"medarbejderens eget nummer (selvbetjening, indsendelse nr. {submission.id})",
        )
        planned.extend(
            _planned(
                submission, "fixfiles", f, "", numbers[f], "fix_file" if really else "would_write"
            )
            for f in FIELDS
            if numbers[f]
        )
    if not really:
        return planned
    if out_dir is None:
        raise InputError("Angiv --out: mappen til rettelsesfilerne.")
    path = result_path or _result_of_latest(store)
    result, decisions = read_result_json(path)
    wanted = set(corrections)
    only = dataclasses.replace(
        result, holders=tuple(h for h in result.holders if h.user_id.casefold() in wanted)
    )
    write_fix_files(only, out_dir, corrections=corrections, decisions=decisions, settings=settings)
    by_id = {s.id: s for s in approved}
    for row in planned:
        _log(store, by_id[row.submission_id], [row], by)
    for submission in approved:
        service.decide(submission.id, "applied", by, note=f"Skrevet i rettelsesfiler i {out_dir}.")
    return planned


def _result_of_latest(store: Store) -> Path:
    run = store.latest()
    folder = Path(run.report_dir) if run is not None and run.report_dir else None
    if folder is None or not (folder / FILE_NAMES["json"]).is_file():
        raise InputError(
            "Den seneste kørsel har ingen resultat.json at lave rettelsesfiler ud fra. "
            "Angiv den med --result."
        )
    return folder / FILE_NAMES["json"]


def _e164(number: str) -> str:
    return f"+45{number}" if number else ""


def _planned(
    submission: Submission,
    target: str,
    field: str,
    old: str,
    new: str,
    outcome: str,
    message: str = "",
) -> Planned:
    return Planned(
        submission.id,
        submission.user_id,
        field,
        target,
        mask_number(old),
        mask_number(new),
        outcome,
        message,
    )


def _log(store: Store, submission: Submission, rows: list[Planned], by: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    service = store.selfservice()
    for row in rows:
        if row.outcome == "unchanged":
            continue
        service.log_write(
            WriteLog(
                submission.id,
                submission.user_id,
                row.field,
                row.target,
                row.old_masked,
                row.new_masked,
                row.outcome,
                submission.decided_by,
                submission.decided_at or "",
                by,
                now,
            )
        )


def writer_for(settings: Settings) -> Callable[[str, SourceSpec], Writer]:
    """The real writers, configured from the settings."""

    def make(target: str, spec: SourceSpec) -> Writer:
        if target == "ad":
            return AdWriter(spec, settings)
        return SofdWriter(spec, settings)

    return make


__all__ = [
    "FIELD_LABELS",
    "OUTCOME_LABELS",
    "TARGETS",
    "TARGET_LABELS",
    "Planned",
    "apply_approved",
    "same_number",
    "target_of",
    "writer_for",
]
