"""One module per page; each exports ``router``."""

from __future__ import annotations

from fastapi import APIRouter

from telefonspor.web.views import (
    downloads,
    holders,
    login,
    migration,
    national,
    new_run,
    overview,
    parties,
    password,
    person,
    runs,
    selfservice,
    selfservice_admin,
    send,
    settings_page,
)

ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    overview.router,
    holders.router,
    person.router,
    parties.router,
    migration.router,
    runs.router,
    send.router,
    new_run.router,
    settings_page.router,
    downloads.router,
    national.router,
    password.router,
    selfservice.router,
    selfservice_admin.router,
)
