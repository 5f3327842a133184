#!/usr/bin/env bash
# Sets up a Debian 12 machine for Eventdeck, builds it, and either starts it or tests it.
#
#   tools/setup.sh run [ARGS...]   release build, then `eventdeck --demo ARGS...`
#   tools/setup.sh test            build in build/ci and run every test through ctest
#
# Missing Debian packages are installed with apt-get (as root, or through sudo); when all of them
# are present apt-get is not run at all, so a prepared developer machine needs no root.
set -euo pipefail

readonly packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev libqt6sql6-sqlite qt6-httpserver-dev
    qt6-charts-dev libqt6opengl6-dev libgl-dev libxkbcommon-dev qt6-qpa-plugins
    # Qt loads the SVG application icon through this package's plugins.
    libqt6svg6
    libsqlite3-dev libzstd-dev qtkeychain-qt6-dev
    desktop-file-utils appstream
)

log() { printf 'setup: %s\n' "$*" >&2; }

usage()
{
    printf 'usage: %s run [ARGS...] | test\n' "$0" >&2
    exit 2
}

is_installed()
{
    local status
    status=$(dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null || true)
    [[ $status == *'install ok installed'* ]]
}

install_packages()
{
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "not a Debian system: make sure the equivalents of these are installed: ${packages[*]}"
        return 0
    fi

    local pkg missing=()
    for pkg in "${packages[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]} > 0)) || return 0

    local as_root=()
    if ((EUID != 0)); then
        if ! command -v sudo >/dev/null 2>&1; then
            log "these packages are missing and installing them needs root: ${missing[*]}"
            exit 1
        fi
        as_root=(sudo)
    fi
    log "installing ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q "${missing[@]}" </dev/null
}

run_app()
{
    # The tests are not needed to start the app and take most of the build time.
    cmake --preset release -DBUILD_TESTING=OFF
    cmake --build --preset release
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
        log "no display found; to run without one, set QT_QPA_PLATFORM=offscreen"
    fi
    exec build/release/app/eventdeck --demo "$@"
}

run_tests()
{
    cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build build/ci
    QT_QPA_PLATFORM=offscreen ctest --test-dir build/ci --output-on-failure --no-tests=error -j2
}

main()
{
    (($# > 0)) || usage
    local mode=$1
    shift
    case $mode in
        run) ;;
        test) (($# == 0)) || usage ;;
        *) usage ;;
    esac

    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    install_packages
    if [[ $mode == run ]]; then
        run_app "$@"
    else
        run_tests
    fi
}

main "$@"
