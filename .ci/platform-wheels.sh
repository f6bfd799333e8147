#!/usr/bin/env bash
# Every runtime dependency has a wheel for the case workers' PCs (Windows x64, Apple silicon),
# for Python 3.11 to 3.13 (Linux: CI's own installs show it): resolved with wheels only
# (`--only-binary=:all:`), so a dependency that would need a compiler there fails here.
# Usage: .ci/platform-wheels.sh WHEEL
#
# pip applies --platform to wheel tags only; environment markers are still this machine's, so
# the dependencies only Windows or macOS pull in (keyring's pywin32-ctypes, click's colorama)
# are named on their own below.
set -euo pipefail
wheel=$1
only_windows="pywin32-ctypes>=0.2.0 colorama"
failed=0
for platform in win_amd64 macosx_11_0_arm64; do
    for python in 3.11 3.12 3.13; do
        extra=""
        [ "$platform" = win_amd64 ] && extra=$only_windows
        # shellcheck disable=SC2086
        if pip install --dry-run --quiet --ignore-installed --only-binary=:all: \
            --platform "$platform" --python-version "$python" --target "$(mktemp -d)" \
            "$wheel" $extra 2> >(grep -v '^WARNING: Location' >&2); then
            echo "wheels for $platform, Python $python: all there"
        else
            echo "wheels for $platform, Python $python: MISSING (see above)" >&2
            failed=1
        fi
    done
done
exit "$failed"
