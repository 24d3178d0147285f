#!/usr/bin/env bash
# Configures and builds recon into build/ (the binary is build/recon).
# Extra arguments go to the CMake configure step, e.g. -DCMAKE_BUILD_TYPE=Debug. When ccache is
# installed, compilations go through it (a rebuild of unchanged sources is then a cache hit).
# BUILD_DIR picks the folder (default build); BUILD_TARGET builds one target only (e.g. recon:
# the binary without the test suites), default everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
