#!/usr/bin/env bash
# Creates or updates everything the system needs on a fresh machine, and nothing twice:
#   .venv       Python 3.11, the project and its pinned dependencies (requirements.lock)
#   .venv-rasa  Python 3.10, rasa==3.6.21 and its pinned dependencies (requirements-rasa.lock)
#   built artefacts (Rasa model, knowledge-base index, default fraud pipeline), each keyed by a
#   content hash so that a second run with nothing changed is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMPS=var/stamps
mkdir -p "$STAMPS" var/log

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

find_python() {  # find_python 3.11 -> prints a working interpreter path
  local want=$1 candidate
  for candidate in "python$want" "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$want"*/bin/python \
                   "$HOME/.pyenv/versions/$want"*/bin/python "/usr/bin/python$want" "/usr/local/bin/python$want"; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c "import sys, venv; assert sys.version_info[:2] == tuple(map(int, '$want'.split('.')))" >/dev/null 2>&1; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {  # ensure_venv DIR PYVER LOCK [editable]
  local dir=$1 ver=$2 lock=$3 editable=${4:-} py stamp want
  stamp="$STAMPS/$(basename "$dir").hash"
  want=$(hash_of "$lock" ${editable:+pyproject.toml})
  if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  py=$(find_python "$ver") || die "Python $ver was not found. Install it (for example: 'pyenv install $ver' or 'apt-get install python$ver python$ver-venv') and run this again."
  if [ ! -x "$dir/bin/python" ]; then
    say "creating $dir with $py"
    "$py" -m venv "$dir"
  fi
  say "installing $lock into $dir (first time takes a few minutes)"
  "$dir/bin/python" -m pip install --quiet --upgrade pip >/dev/null
  "$dir/bin/python" -m pip install --quiet --no-deps -r "$lock" 2>&1 | grep -v -E "^WARNING: Location|^\s*DEPRECATION|pip 23.1 will enforce|wheel' package is not installed" || true
  "$dir/bin/python" -m pip check >/dev/null 2>&1 || say "note: 'pip check' reports issues in $dir (see '$dir/bin/pip check')"
  if [ -n "$editable" ]; then
    "$dir/bin/python" -m pip install --quiet --no-deps -e . > var/log/editable-install.log 2>&1 \
      || { cat var/log/editable-install.log >&2; die "installing the project into $dir failed"; }
  fi
  echo "$want" > "$stamp"
}

ensure_chromium() {  # Debian's Chromium drives the browser tests (Playwright's own download cannot work offline)
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium for the browser tests"
    apt-get update -qq >var/log/apt.log 2>&1 && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >>var/log/apt.log 2>&1 \
      || say "could not install chromium (see var/log/apt.log); browser tests will be skipped"
  else
    say "no /usr/bin/chromium: install Debian's 'chromium' package to run the browser tests"
  fi
}

ensure_venv .venv 3.11 requirements.lock editable
ensure_venv .venv-rasa 3.10 requirements-rasa.lock

if [ "${SETUP_SKIP_BROWSER:-0}" != "1" ]; then ensure_chromium; fi

# Built artefacts. Each builder is itself keyed by a content hash and returns quickly when
# nothing changed.
if [ "${SETUP_SKIP_BUILD:-0}" != "1" ]; then
  scripts/train_bot.sh
  if [ -f knowledge_base/cli.py ]; then .venv/bin/kb build; fi
  if [ -f fraud/cli.py ]; then .venv/bin/fraud build-default; fi
fi
say "ready"
