#!/usr/bin/env bash
# Configures and builds recon into build/ (the binary is build/recon).
# Extra arguments go to the CMake configure step, e.g. -DRECON_FORCE_DIGEST_COLLISIONS=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
