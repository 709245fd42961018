#!/usr/bin/env bash
# `make test`: the whole suite against real components (PostgreSQL, Meilisearch, headless
# Chromium), as the house style asks; no mocks stand in for them. Extra arguments go to
# `go test` (e.g. scripts/test.sh -run TestComplaint).
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

# A folder of its own, so tests never see (or wipe) the data of `make run`.
export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-.data/test}"
# Its Postgres keeps no backups (no WAL archive growing run after run); the backup test brings
# up a stack of its own that does.
export PORTAL_BACKUPS="${PORTAL_BACKUPS:-0}"

# apt_install installs a Debian package the tests need, the first time only (as root, or
# through sudo).
apt_install() {
	local sudo=()
	if [[ "$(id -u)" -ne 0 ]]; then
		command -v sudo >/dev/null || {
			echo "test: $1 is missing and installing it needs root (apt-get install $1)" >&2
			exit 1
		}
		sudo=(sudo)
	fi
	echo "test: installing $1 with apt-get (first time only)" >&2
	# The lock timeout queues us behind an apt-get already running instead of failing.
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		install -y -qq --no-install-recommends "$1" >&2
}

CHROMIUM=/usr/bin/chromium
if [[ ! -x "$CHROMIUM" ]]; then
	apt_install chromium
fi
# A real SMTP server for the e-mail tests (aiosmtpd; app/mail_test.go starts one per test), run
# by Debian's Python, where Debian's package puts it (a python3 first on the PATH may be another).
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
	apt_install python3-aiosmtpd
fi

# Set before the stack comes up, so an interrupt during start-up exits through the EXIT trap.
started=''
cleanup() {
	# Only what this run brought up: a stack somebody keeps running for quick re-runs stays.
	if [[ -n "$started" ]]; then
		# shellcheck disable=SC2086 # word splitting is the point: "pg meili" -> two arguments
		scripts/stack.sh stop $started || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stack_env="$(scripts/stack.sh env)"
eval "$stack_env"
started="$PORTAL_STACK_STARTED"

export PORTAL_TEST_CHROMIUM="$CHROMIUM"
export PORTAL_TEST_PYTHON="$PYTHON"

# axe-core checks each page the browser tests open against WCAG 2.1 A and AA. From npm, for the
# tests only (never in the binary), pinned by version and by the SHA-256 of the file we vetted.
AXE_PKG=axe-core@4.14.1
AXE_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE_JS="$PORTAL_DATA_DIR/axe/node_modules/axe-core/axe.min.js"
if [[ ! -f "$AXE_JS" ]]; then
	echo "test: fetching $AXE_PKG from npm (first time only)" >&2
	mkdir -p "$PORTAL_DATA_DIR/axe"
	npm install --prefix "$PORTAL_DATA_DIR/axe" --ignore-scripts --no-audit --no-fund --loglevel=error "$AXE_PKG" >&2
fi
if [[ "$(sha256sum -- "$AXE_JS" | cut -d' ' -f1)" != "$AXE_SHA256" ]]; then
	echo "test: SHA-256 mismatch for $AXE_JS: refusing to use it (delete $PORTAL_DATA_DIR/axe to fetch it again)" >&2
	exit 1
fi
export PORTAL_TEST_AXE="$(realpath -- "$AXE_JS")"

# go test stays in the foreground: a Ctrl-C reaches it directly, so it can print what failed.
set +e
go test -race -count=1 -timeout 20m ./... "$@"
status=$?
set -e
exit "$status"
