"""Ready-to-run fix files for the KLIK task's step 4; never applied automatically.

:func:`write_fix_files` writes, into one folder:

- ``ad-rettelser.ps1``: Set-ADUser lines, -WhatIf unless run with -Udfoer;
- ``ad-rettelser.ldif``: the same changes as LDIF modify records;
- ``os2sofd-telefoner.csv``: phones to add or correct in OS2sofd;
- ``medarbejdere-uden-nummer.csv``: employees who must register their own number;
- ``rollemigrering.xlsx``/``.csv``: old KLIK users' roles to move to their FK-ORG twin
  (only when the run has old KLIK users).

Every file is deterministic (sorted rows; the only date is the run's
``generated_at``), so two runs on the same result give the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from telefonspor.errors import InputError
from telefonspor.fixfiles import employees_csv, ldif, migration, os2sofd_csv, powershell
from telefonspor.fixfiles.corrections import Correction, read_corrections
from telefonspor.fixfiles.dns import read_dns
from telefonspor.fixfiles.plan import FixPlan, make_plan, open_holders
from telefonspor.model import Decision, Holders
from telefonspor.private import make_private_dir
from telefonspor.reports.jsonin import load_result_json, read_result_json
from telefonspor.rules import os2sync_ad
from telefonspor.settings import Key, Settings

__all__ = [
    "Correction",
    "FixPlan",
    "load_result_json",
    "make_plan",
    "open_holders",
    "read_corrections",
    "read_dns",
    "read_result_json",
    "write_fix_files",
]


def write_fix_files(
    result: Holders,
    out_dir: Path,
    *,
    corrections: Mapping[str, Correction] | None = None,
    decisions: Mapping[str, Decision] | None = None,
    settings: Settings,
    dns: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the fix files into ``out_dir``; returns their paths.

    ``dns`` maps case-folded AD account names to DNs for the LDIF file.
    """
    plan = make_plan(
        result,
        corrections=corrections,
        decisions=decisions,
        placeholders=settings.get(Key.AUDIT_PLACEHOLDERS),
        os2sync_ad=os2sync_ad.active(settings),
    )
    attributes = {
        "direct": settings.get(Key.AD_DIRECT_ATTRIBUTE),
        "mobile": settings.get(Key.AD_MOBILE_ATTRIBUTE),
    }
    if os2sync_ad.active(settings):
        # OS2sync-AD sends one attribute, as Mobil nummer: that is where a number must go.
        attributes["mobile"] = os2sync_ad.phone_attribute(settings)
    files = {
        powershell.FILE_NAME: powershell.powershell_script(
            plan.ad, plan.ad_skipped, attributes=attributes, generated_at=result.generated_at
        ),
        ldif.FILE_NAME: ldif.ldif_file(
            plan.ad,
            plan.ad_skipped,
            attributes=attributes,
            dns=dns or {},
            generated_at=result.generated_at,
        ),
        os2sofd_csv.FILE_NAME: os2sofd_csv.os2sofd_csv(plan.os2sofd),
        employees_csv.FILE_NAME: employees_csv.employees_csv(
            plan.employees, settings.get(Key.NOTIFY_REGISTER_WHERE)
        ),
    }
    files.update(migration.migration_files(result.holders))
    out = Path(out_dir)
    try:
        make_private_dir(out)  # the files name people and their numbers: 0700, files 0600
    except OSError as exc:
        raise InputError(f"mappen kan ikke oprettes ({exc.strerror}).", path=str(out)) from exc
    return [_write_atomic(out / name, data) for name, data in files.items()]


def _write_atomic(path: Path, data: bytes) -> Path:
    """Write via a temporary file (mkstemp: mode 0600), so a half-written fix file is never
    left behind."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"filen kan ikke skrives ({exc.strerror}).", path=str(path)) from exc
    return path
