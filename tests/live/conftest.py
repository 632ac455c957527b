from __future__ import annotations

from collections.abc import Iterator

import pytest

from .pki import Pki, make_pki
from .slapd import Slapd, available, run_slapd


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Iterator[Slapd]:
    if not available():
        pytest.skip("OpenLDAP slapd er ikke installeret (apt-get install slapd ldap-utils)")
    with run_slapd(tmp_path_factory.mktemp("slapd"), pki) as server:
        yield server
