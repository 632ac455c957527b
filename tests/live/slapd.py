"""An OpenLDAP slapd in a temp dir on 127.0.0.1 with TLS from the test CA, 2,500 users.

The server returns at most 1,000 entries per search (size.soft/size.hard), so a
client only gets everyone by paging (size.prtotal=unlimited).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .pki import Pki

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
BASE_DN = "dc=kommune,dc=dk"
READER_DN = f"cn=telefonspor,ou=service,{BASE_DN}"
READER_PASSWORD = "laese-adgang-42"
USERS = 2500
#: Self-service write-back: an account that may change only the two phone attributes, and
#: employees in their own OU (so the 2,500 in ou=people stay as the read tests expect).
WRITER_DN = f"cn=telefonspor-skriv,ou=service,{BASE_DN}"
WRITER_PASSWORD = "skrive-adgang-17"
SELFSERVICE_OU = f"ou=selvbetjening,{BASE_DN}"
SELFSERVICE_USERS = 20


def available() -> bool:
    return shutil.which(SLAPD) is not None and shutil.which(SLAPADD) is not None


@dataclass
class Slapd:
    ldaps_url: str
    ldap_url: str
    base_dn: str = BASE_DN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def user_ldif(i: int) -> str:
    lines = [
        f"dn: uid=bru{i:04d},ou=people,{BASE_DN}",
        "objectClass: inetOrgPerson",
        f"uid: bru{i:04d}",
        f"cn: Test Person {i}",
        f"sn: Person {i}",
        "givenName: Test",
        f"mail: bru{i:04d}@kommune.dk",
        f"employeeNumber: {1000 + i}",
        f"mobile: 2{i:07d}",
    ]
    if i % 3:
        lines.append(f"telephoneNumber: 8{i:07d}")
    if i % 50 == 0:
        lines.append(f"telephoneNumber: +45 9{i:07d}")  # a second value: multi-valued
    return "\n".join(lines)


def selfservice_ldif() -> str:
    """Employees sel00..sel19 without a phone number (each test takes its own)."""
    entries = [f"dn: {SELFSERVICE_OU}\nobjectClass: organizationalUnit\nou: selvbetjening"]
    entries += [
        "\n".join(
            [
                f"dn: uid=sel{i:02d},{SELFSERVICE_OU}",
                "objectClass: inetOrgPerson",
                f"uid: sel{i:02d}",
                f"cn: Selv Betjent {i}",
                f"sn: Betjent {i}",
                f"mail: sel{i:02d}@kommune.dk",
                f"title: Medarbejder {i}",
            ]
        )
        for i in range(SELFSERVICE_USERS)
    ]
    return "\n\n".join(entries) + "\n"


def ldif() -> str:
    head = f"""dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
dc: kommune
o: Testkommune

dn: ou=people,{BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=service,{BASE_DN}
objectClass: organizationalUnit
ou: service

dn: {READER_DN}
objectClass: person
cn: telefonspor
sn: telefonspor
userPassword: {READER_PASSWORD}

dn: {WRITER_DN}
objectClass: person
cn: telefonspor-skriv
sn: telefonspor-skriv
userPassword: {WRITER_PASSWORD}
"""
    people = "\n\n".join(user_ldif(i) for i in range(USERS))
    return head + "\n" + people + "\n\n" + selfservice_ldif()


def config(directory: Path, pki: Pki) -> str:
    return f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {directory}/slapd.pid
TLSCACertificateFile {pki.ca_file}
TLSCertificateFile {pki.server_cert}
TLSCertificateKeyFile {pki.server_key}
sizelimit size.soft=1000 size.hard=1000 size.prtotal=unlimited
database mdb
maxsize 104857600
suffix "{BASE_DN}"
rootdn "cn=admin,{BASE_DN}"
directory {directory}/db
access to attrs=userPassword by anonymous auth by * none
access to attrs=telephoneNumber,mobile by dn.exact="{WRITER_DN}" write by users read by * none
access to * by users read by * none
"""


@contextmanager
def run_slapd(directory: Path, pki: Pki) -> Iterator[Slapd]:
    (directory / "db").mkdir()
    conf = directory / "slapd.conf"
    conf.write_text(config(directory, pki), encoding="utf-8")
    data = directory / "data.ldif"
    data.write_text(ldif(), encoding="utf-8")
    subprocess.run(
        [SLAPADD, "-q", "-f", str(conf), "-l", str(data)], check=True, capture_output=True
    )
    ldaps_port, ldap_port = free_port(), free_port()
    urls = f"ldaps://127.0.0.1:{ldaps_port}/ ldap://127.0.0.1:{ldap_port}/"
    log = (directory / "slapd.log").open("wb")
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", urls, "-d", "0"], stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", ldap_port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "slapd startede ikke: "
                        + (directory / "slapd.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.05)
        yield Slapd(f"ldaps://127.0.0.1:{ldaps_port}", f"ldap://127.0.0.1:{ldap_port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
