"""Ny kørsel with hostile input files: the serve process survives, the job page says why.

The far-cell workbook once aborted the whole ``serve`` process (calamine's grid of 17
billion cells); the app therefore runs in a child process with a 1.5 GB address-space
limit, so a regression fails this test instead of killing the test run.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import xlsxwriter
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)

from telefonspor.cpr import CPR_MASK

from .conftest import csrf_of
from .test_uploads import _post, _wait_for

ADDRESS_SPACE = 1536 << 20

_CHILD = r"""
import json, re, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
from fastapi.testclient import TestClient
from telefonspor.settings import load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

work = Path(sys.argv[1])
settings = load(None, overrides=[f"store.db=sqlite:///{work / 't.db'}"], environ={})
accounts = Accounts.open(settings.db_url())
accounts.add("anna", "admin", "korrekt hest batteri")
accounts.close()
csrf = lambda html: re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
with TestClient(create_app(settings, data_dir=work / "web")) as client:
    page = client.get("/login").text
    client.post("/login", data={"username": "anna", "password": "korrekt hest batteri",
                                "csrf_token": csrf(page), "next": "/"})
    token = csrf(client.get("/ny-koersel").text)
    upload = (work / "klik.xlsx").read_bytes()
    response = client.post("/ny-koersel", data={"csrf_token": token},
                           files={"klik": ("klik.xlsx", upload, "application/octet-stream")})
    job = str(response.url.path)
    for _ in range(600):
        status = client.get(job + "/status").json()
        if status["state"] != "running":
            break
        time.sleep(0.1)
    print(json.dumps({"state": status["state"], "page": client.get(job).text,
                      "after": client.get("/ny-koersel").status_code}))
"""


def klik_xlsx(path: Path, far_cell: str = "") -> Path:
    """A KLIK export as Excel writes it, optionally with one stray value in ``far_cell``."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    sheet.write_row(0, 0, ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer"])
    sheet.write_row(1, 0, ["Anna Hansen", "anha", "anha@k.dk", "33663366", ""])
    if far_cell:
        sheet.write(far_cell, "x")
    book.close()
    return path


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_far_cell_upload_fails_the_job_not_the_server(tmp_path: Path) -> None:
    klik_xlsx(tmp_path / "klik.xlsx", far_cell="XFD1048576")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path)],
        env={**os.environ, "RUST_BACKTRACE": "0"},
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "failed"
    assert "Kørslen fejlede" in result["page"]
    assert "arkets data spænder over området A1:XFD1048576" in result["page"]
    assert result["after"] == 200  # the server still answers


def test_job_page_masks_cpr_numbers(admin: TestClient, tmp_path: Path) -> None:
    headerless = "0101911235,anha,20304050,,,1,Anna,Hansen\r\n".encode("iso-8859-1")
    response = _post(
        admin,
        {
            "klik": ("klik.xlsx", klik_xlsx(tmp_path / "k.xlsx").read_bytes(), "application/zip"),
            "kilde_fil_1": ("SOFD_20240101.csv", headerless, "text/csv"),
        },
        kaede="filer",
        kilde_type_1="os2sofd",
    )
    status = _wait_for(admin, str(response.url.path))
    assert status["state"] == "failed", status
    page = admin.get(str(response.url.path)).text
    assert "Kørslen fejlede" in page and CPR_MASK in page
    assert "0101911235" not in page and "0101911235" not in json.dumps(status)
    assert csrf_of(admin.get("/ny-koersel").text)
