#!/usr/bin/env bash
# `make bench`: the speed figures that docs/benchmarks.md records. Brings up PostgreSQL and
# Meilisearch under $PORTAL_DATA_DIR (default .data/bench), runs the Go benchmarks (policy decision,
# GET /api/v1/me on the portal and on a bare Fiber app), then measures the resident memory of the
# real binary, idle after a few requests. Stops at exit whatever this run started.
#
#   BENCHTIME   passed to `go test -benchtime` (default 2s)
#   BENCHCOUNT  passed to `go test -count` (default 3: one run alone says little about the noise)
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

# A folder of its own, so a benchmark neither sees nor disturbs `make run` or `make test`.
export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-.data/bench}"
BENCHTIME="${BENCHTIME:-2s}"
BENCHCOUNT="${BENCHCOUNT:-3}"

log() { printf 'bench: %s\n' "$*" >&2; }
# kill -0 also succeeds on a zombie, an exited child nobody has waited for yet.
alive() { [[ -r "/proc/$1/stat" && "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

# Set before anything starts, so an interrupt during start-up exits through the EXIT trap.
started=''
serve_pid=''
cleanup() {
	if [[ -n "$serve_pid" ]] && alive "$serve_pid"; then
		kill -TERM "$serve_pid" 2>/dev/null || true
		wait "$serve_pid" 2>/dev/null || true
	fi
	# Only what this run brought up: a stack that was already running stays.
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

# ---------------------------------------------------------------------------------------------
# Go benchmarks. No -race: it slows everything down several times, unevenly. -v shows the
# portal/bare-fiber ratio that BenchmarkMe logs. go test runs the packages' benchmarks one
# after the other, never side by side.

log "go test -bench (benchtime $BENCHTIME, count $BENCHCOUNT)"
go test -count="$BENCHCOUNT" -v -run '^$' -bench 'PolicyDecision|Me' -benchtime "$BENCHTIME" ./models/ ./app/

# ---------------------------------------------------------------------------------------------
# Idle resident memory of the real binary.

bin="$PORTAL_DATA_DIR/bin/portal"
log "building $bin"
go build -o "$bin" .
"$bin" migrate
"$bin" seed >/dev/null

serve_log="$PORTAL_DATA_DIR/bench-serve.log"
# Port 0: the kernel picks a free port, and the portal names it on stderr ("serving on http://...").
PORTAL_ADDR=127.0.0.1:0 "$bin" serve >"$serve_log" 2>&1 &
serve_pid=$!

url=''
for _ in $(seq 300); do
	alive "$serve_pid" || {
		tail -n 20 "$serve_log" >&2
		log "error: portal serve exited during start-up; see $serve_log"
		exit 1
	}
	if [[ -z "$url" ]]; then
		url="$(sed -n 's|^portal: serving on \(http://[0-9.:]*\)$|\1|p' "$serve_log" | head -n1)"
	fi
	if [[ -n "$url" ]] && curl --noproxy '*' -fsS -m 2 -o /dev/null "$url/readyz" 2>/dev/null; then
		break
	fi
	sleep 0.2
done
if [[ -z "$url" ]] || ! curl --noproxy '*' -fsS -m 2 -o /dev/null "$url/readyz"; then
	log "error: portal not ready within 60s; see $serve_log"
	exit 1
fi
log "portal serving at $url (pid $serve_pid)"

# A handful of requests, as a first visitor would send: pages, a sign-in, the API.
get() { curl --noproxy '*' -fsS -m 10 -o /dev/null "$@"; }
for path in /healthz /readyz / /signin /signup /static/app.css /api/v1/jurisdictions /api/openapi.json; do
	get "$url$path"
done
token="$(curl --noproxy '*' -fsS -m 10 -H 'Content-Type: application/json' \
	-d '{"email":"consumer@demo.portal","password":"demo-password-2026"}' "$url/api/v1/auth/login" |
	sed -n 's|.*"token":"\([^"]*\)".*|\1|p')"
[[ -n "$token" ]] || {
	log "error: the demo consumer could not sign in"
	exit 1
}
for _ in 1 2 3 4 5; do
	get -H "Authorization: Bearer $token" "$url/api/v1/me"
	get -H "Authorization: Bearer $token" "$url/account"
done

sleep 5
rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$serve_pid/status")"
awk -v kb="$rss_kb" 'BEGIN { printf "idle RSS of portal serve: %.1f MiB (VmRSS %d kB; target < 150 MB)\n", kb / 1024, kb }'

# A clean stop: SIGTERM, then the portal finishes in-flight work and must exit 0.
kill -TERM "$serve_pid"
set +e
for _ in $(seq 300); do
	alive "$serve_pid" || break
	sleep 0.1
done
if alive "$serve_pid"; then
	log "error: portal serve did not stop within 30s of SIGTERM"
	exit 1
fi
wait "$serve_pid"
status=$?
set -e
serve_pid=''
if ((status != 0)); then
	tail -n 20 "$serve_log" >&2
	log "error: portal serve exited with status $status after SIGTERM; see $serve_log"
	exit 1
fi
log "portal serve stopped cleanly"
