"""Issue 14.4: the web settings page shows the connector rows of the settings table."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_settings_page_shows_the_connector_rows(admin: TestClient) -> None:
    html = admin.get("/indstillinger").text
    text = re.sub(r"<[^>]+>", "", html)  # setting names carry <wbr> break hints
    for key in (
        "live.timeout",
        "live_ad.filter",
        "live_fkorg.page_size",
        "live_os2mo.graphql_path",
    ):
        assert key in text, key
    assert "Poster pr. side." in text
