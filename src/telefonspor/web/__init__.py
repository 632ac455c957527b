"""The web app: the KLIK task in a browser, over the same library and store."""

from __future__ import annotations

from telefonspor.web.app import create_app

__all__ = ["create_app"]
