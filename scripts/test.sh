#!/usr/bin/env bash
# README command 2: install, build, and run the whole test suite — unit tests and end-to-end tests of
# the real binary against a throwaway PostgreSQL 15 cluster started by pg_virtualenv, then the same
# suites again with the digest-collision debug switch on.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# pg_virtualenv starts a private cluster, exports PGHOST/PGPORT/PGUSER/PGPASSWORD, runs the command
# and drops the cluster afterwards.
pg_virtualenv -t -v 15 ctest --test-dir build --output-on-failure --timeout 900 "$@"
# Every digest equal: the engine must still confirm rows by value (docs/architecture.md). The switch
# is read from the environment by every recon process and test binary, so no second build is needed.
RECON_DEBUG_DIGEST_COLLISIONS=1 pg_virtualenv -t -v 15 ctest --test-dir build --output-on-failure \
  --timeout 900 "$@"
