#!/usr/bin/env bash
# `make run`: bring up PostgreSQL and Meilisearch under $PORTAL_DATA_DIR (default .data), build
# the portal, migrate, seed, and serve until Ctrl-C; then stop whatever this run started.
# Everything else (PORTAL_ADDR, DATABASE_URL, MEILI_URL, ...) passes through the environment.
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-.data}"

# Set before the stack comes up, so an interrupt during start-up exits through the EXIT trap.
started=''
cleanup() {
	# Only what this run brought up: a stack that was already running (say a second terminal,
	# or a DATABASE_URL pointing elsewhere) is left alone.
	if [[ -n "$started" ]]; then
		# shellcheck disable=SC2086 # word splitting is the point: "pg meili" -> two arguments
		scripts/stack.sh stop $started || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

embedded_db=''
[[ -z "${DATABASE_URL:-}" ]] && embedded_db=1
stack_env="$(scripts/stack.sh env)"
eval "$stack_env"
started="$PORTAL_STACK_STARTED"

bin="$PORTAL_DATA_DIR/bin/portal"
echo "run: building $bin" >&2
go build -o "$bin" .

# The tables' owner migrates; on the embedded Postgres the portal then serves as its own role
# (portal, granted portal_app: it may not rewrite the audit trail). With your own DATABASE_URL,
# point it at such a role for serve after migrating as the owner (README, "Configuration").
if [[ -n "$embedded_db" ]]; then
	PORTAL_APP_ROLE=portal "$bin" migrate
else
	"$bin" migrate
fi
# Demo data and demo accounts (an admin among them, with a published password) only when asked
# for, which is the default of `make run`; PORTAL_DEMO=0 gives a blank installation whose admin
# comes from PORTAL_ADMIN_EMAIL and PORTAL_ADMIN_PASSWORD.
if [[ "${PORTAL_DEMO:-1}" != "0" ]]; then
	"$bin" seed
elif [[ -z "${PORTAL_ADMIN_EMAIL:-}" ]]; then
	echo "run: PORTAL_DEMO=0 and no PORTAL_ADMIN_EMAIL: nobody can sign in as an administrator" >&2
fi

# Not exec: the shell has to outlive the server to run the EXIT trap. Job control (set -m)
# puts the server in its own process group, so a terminal Ctrl-C reaches only this shell and
# the server gets exactly one signal, the one forwarded below, instead of two.
serve_url="$DATABASE_URL"
if [[ -n "$embedded_db" ]]; then
	serve_url="${DATABASE_URL/:\/\/postgres@/://portal@}"
fi

set -m
DATABASE_URL="$serve_url" "$bin" serve &
serve_pid=$!
set +m

forward() { kill -s "$1" "$serve_pid" 2>/dev/null || true; }
trap 'forward INT' INT
trap 'forward TERM' TERM

# A trapped signal interrupts `wait` (status > 128) while the server is still shutting down
# gracefully; keep waiting until it has really exited, then pass its status on.
set +e
wait "$serve_pid"
status=$?
while ((status > 128)) && kill -0 "$serve_pid" 2>/dev/null; do
	wait "$serve_pid"
	status=$?
done
set -e
exit "$status"
