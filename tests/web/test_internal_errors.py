"""An unexpected exception in a request or a background run: a Danish page or job state,
never a traceback or the exception's message, and the server keeps serving."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from telefonspor.web.jobs import Job
from telefonspor.web.state import WebState
from telefonspor.web.uploads import sniff

PERSONAL = "Anna Hansen 010203-1234 20304050"


def test_unexpected_exception_in_a_request_is_a_danish_page(
    app: FastAPI, admin: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise ValueError(PERSONAL)

    app.add_api_route("/boom", boom)
    with caplog.at_level(logging.ERROR, logger="telefonspor"):
        page = admin.get("/boom")
    # The server's log has the traceback to find the fault, but no CPR or phone number.
    assert "Uventet fejl ved GET /boom" in caplog.text and "in boom" in caplog.text
    assert "ValueError: Anna Hansen xxxxxx-xxxx •••" in caplog.text
    assert "010203" not in caplog.text and "20304050" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records)  # no unredacted copy for handlers
    assert page.status_code == 500
    assert "Der opstod en uventet fejl" in page.text
    assert "Intern fejl i telefonspor (ValueError)" in page.text
    assert "Traceback" not in page.text and "010203" not in page.text
    assert admin.get("/").status_code == 200  # the server keeps serving


def test_unexpected_exception_in_a_background_run_is_a_failed_job(
    app: FastAPI, admin: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    def work(job: Job) -> int:
        try:
            int(PERSONAL)
        except ValueError as exc:
            raise KeyError(PERSONAL) from exc
        return 0

    state = app.state.web
    assert isinstance(state, WebState)
    job = state.jobs.start(work, "anna")
    for thread in threading.enumerate():
        if thread.name == f"telefonspor-job-{job.id[:8]}":
            thread.join()
    assert "fejlede" in caplog.text and "in work" in caplog.text
    assert "ValueError: invalid literal" in caplog.text  # the cause is kept, redacted too
    assert "010203" not in caplog.text and "20304050" not in caplog.text
    status = admin.get(f"/ny-koersel/{job.id}/status").json()
    assert status["state"] == "failed"
    assert "uventet fejl" in status["error"] and "010203" not in status["error"]
    page = admin.get(f"/ny-koersel/{job.id}")
    assert page.status_code == 200
    assert "uventet fejl" in page.text
    assert "Traceback" not in page.text and "010203" not in page.text
    assert admin.get("/").status_code == 200


def test_content_length_that_int_cannot_read_is_not_a_fault(admin: TestClient) -> None:
    """'²'.isdigit() is True, but int('²') raised ValueError in the upload-size check."""
    for length in ("²".encode("latin-1"), b"9" * 5_000):
        page = admin.post("/ny-koersel", headers={"content-length": length}, content=b"")
        assert page.status_code != 500, page.text
        assert "Intern fejl" not in page.text


def test_upload_sniffing_survives_a_damaged_zip_directory() -> None:
    """The corpus' damaged workbooks (found by make fuzz) raised NotImplementedError and
    UnicodeDecodeError in the upload's type check; the reader now reports them instead."""
    bad = Path(__file__).resolve().parents[1] / "data" / "bad"
    for name in ("klik_zip_version.xlsx", "klik_zip_bad_name.xlsx"):
        assert sniff((bad / name).read_bytes(), name) == "xlsx"
