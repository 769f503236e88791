#!/usr/bin/env bash
# Installs what relscore needs to build and test, and nothing that is already there.
# Debian packages for the C++ side (Debian 12 and 13), PyPI for the Python side.
# Usage: scripts/install-deps.sh [--python-only|--cpp-only]
set -euo pipefail

want_cpp=1; want_py=1
case "${1:-}" in
  --cpp-only) want_py=0 ;;
  --python-only) want_cpp=0 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

debian_major() { cut -d. -f1 < /etc/debian_version 2>/dev/null || echo 0; }

cpp_packages() {
  local major; major=$(debian_major)
  local boost
  # Boost >= 1.81 is required (Unordered's flat map). Debian 12 ships it as libboost1.81-dev
  # beside the default 1.74; Debian 13's default is newer.
  if [ "$major" -le 12 ]; then boost="libboost1.81-dev"; else boost="libboost-dev"; fi
  echo "build-essential cmake ninja-build pkg-config $boost libeigen3-dev catch2 libbenchmark-dev libcli11-dev libfmt-dev nlohmann-json3-dev libsqlite3-dev zlib1g-dev libxxhash-dev doxygen"
  # make fuzz: clang with libFuzzer. The runtime (libclang_rt.fuzzer) is in the
  # libclang-rt-dev metapackage on Debian 12 (clang 14) and 13 (clang 19), not in clang.
  echo "clang libclang-rt-dev"
  echo "time"  # GNU time, for make soak's peak RSS of the CLI
}

missing_debs() {
  local p out=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
  done
  echo "$out"
}

if [ "$want_cpp" = 1 ] && command -v apt-get >/dev/null; then
  # shellcheck disable=SC2046
  need=$(missing_debs $(cpp_packages))
  if [ -n "${need// /}" ]; then
    echo "install-deps: apt-get install$need" >&2
    $SUDO apt-get update -qq
    # libboost1.81-dev conflicts with libboost1.74-dev: drop the old one first if present.
    if [[ "$need" == *libboost1.81-dev* ]] && dpkg-query -W libboost1.74-dev >/dev/null 2>&1; then
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq libboost1.74-dev
    fi
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
  fi
fi

if [ "$want_py" = 1 ]; then
  # Python packages come from PyPI into the project's .venv (see the Makefile); here we only
  # make sure python3 can create a virtual environment and build extensions.
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    echo "install-deps: apt-get install python3-venv python3-dev" >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv python3-dev
  fi
fi
