#!/usr/bin/env bash
# Installs the Debian packages the test suite starts for real: OpenLDAP slapd,
# PostgreSQL and Chromium. Does nothing when they are already there.
set -euo pipefail
missing=()
command -v slapd >/dev/null 2>&1 || [[ -x /usr/sbin/slapd ]] || missing+=(slapd ldap-utils)
command -v ldapadd >/dev/null 2>&1 || missing+=(ldap-utils)
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installerer Debian-pakker til testene: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages must not start their own services: the tests start what they need.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null
  $SUDO chmod +x $policy
  created_policy=1
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ((created_policy)); then
  $SUDO rm -f $policy
fi
