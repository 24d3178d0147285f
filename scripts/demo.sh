#!/usr/bin/env bash
# README command 1: install, build the recon binary (not the test suites), and run `recon demo` on
# the embedded default (two SQLite databases with the consórcio model and planted divergences).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_TARGET=recon scripts/build.sh
exec build/recon demo "$@"
