#!/usr/bin/env bash
# Installs everything recon needs to build, test and benchmark on Debian 12 (run as root or with sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(
  build-essential cmake ninja-build pkg-config ccache
  libpqxx-dev libpq-dev libsqlite3-dev sqlite3 libxxhash-dev libtomlplusplus-dev nlohmann-json3-dev
  libfmt-dev libboost-program-options-dev freetds-dev libcsv-dev libutf8proc-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmariadb-dev mariadb-server mariadb-client  # the mysql connector; e2e tests start a private MariaDB
  zlib1g-dev gzip                               # dms_csv folders may hold .csv.gz files
  postgresql postgresql-common postgresql-client bc time
  faketime                     # doctor's clock test runs a second PostgreSQL cluster with a skewed clock
  systemd python3-yaml util-linux binutils
  chromium fonts-dejavu-core  # the e2e tests render report.html in headless Chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: all packages present"
