#!/usr/bin/env bash
# `make bench`: the speed figures that docs/benchmarks.md records. Brings up PostgreSQL and
# Meilisearch under $PORTAL_DATA_DIR (default .data/bench), runs the Go benchmarks (policy decision,
# GET /api/v1/me on the portal and on a bare Fiber app), then files complaints: pgbench doing the
# SQL of a filing (scripts/bench/file_complaint.sql) beside the API doing the real thing, and the
# merchant answering them. Last, it measures the resident memory of the real binary, idle after a
# few requests. Stops at exit whatever this run started.
#
#   BENCHTIME   passed to `go test -benchtime` (default 2s)
#   BENCHCOUNT  passed to `go test -count` (default 3: one run alone says little about the noise)
#   PGBENCH_SECONDS  how long pgbench files complaints (default 15)
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

# A folder of its own, so a benchmark neither sees nor disturbs `make run` or `make test`.
export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-.data/bench}"
BENCHTIME="${BENCHTIME:-2s}"
BENCHCOUNT="${BENCHCOUNT:-3}"
PGBENCH_SECONDS="${PGBENCH_SECONDS:-15}"
PG_BIN=/usr/lib/postgresql/15/bin

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
# Go benchmarks, built with -tags bench: the benchmark data generators are only compiled with it.
# No -race: it slows everything down several times, unevenly. -v shows the portal/bare-fiber
# ratio that BenchmarkMe logs. go test runs the packages' benchmarks one after the other, never
# side by side.

log "go test -tags bench -bench (benchtime $BENCHTIME, count $BENCHCOUNT)"
go test -tags bench -count="$BENCHCOUNT" -v -run '^$' -bench 'PolicyDecision|Me' -benchtime "$BENCHTIME" ./models/ ./app/

# The binary as deployed, without -tags bench: its idle memory is the figure below.
bin="$PORTAL_DATA_DIR/bin/portal"
log "building $bin"
go build -o "$bin" .

# ---------------------------------------------------------------------------------------------
# Filing complaints at 16 concurrent clients: first pgbench, the SQL of one filing per transaction
# on a database that the real binary migrated and seeded (the script needs the demo consumer and
# parties), then the API (BenchmarkFileComplaint, and BenchmarkComplaintAction: the merchant's
# respond at 50 clients). The API should reach at least half of pgbench's rate.

# The same server, another database: postgres://.../portal?... -> postgres://.../portal_pgbench?...
[[ "$DATABASE_URL" =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]] || {
	log "error: DATABASE_URL is not a postgres:// URL; cannot name a database beside it for pgbench"
	exit 1
}
pgbench_db=portal_pgbench
pgbench_url="${BASH_REMATCH[1]}/$pgbench_db${BASH_REMATCH[4]}"
log "pgbench: database $pgbench_db, migrated and seeded by $bin"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" \
	-c "DROP DATABASE IF EXISTS $pgbench_db WITH (FORCE)" -c "CREATE DATABASE $pgbench_db"
DATABASE_URL="$pgbench_url" "$bin" migrate
DATABASE_URL="$pgbench_url" "$bin" seed >/dev/null

# -l: one line per transaction (its latency in µs is the third field), for p50 and p99.
pgbench_logs="$PORTAL_DATA_DIR/pgbench-logs"
rm -rf "$pgbench_logs"
mkdir -p "$pgbench_logs"
# The first complaint number pgbench will file (the seed filed some already), for the respond run.
first_filed="$("$PG_BIN/psql" -X -At "$pgbench_url" -c \
	"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM complaint_number_seq")"
log "pgbench -n -c 16 -j 2 -T $PGBENCH_SECONDS -f scripts/bench/file_complaint.sql"
"$PG_BIN/pgbench" -n -c 16 -j 2 -T "$PGBENCH_SECONDS" -f scripts/bench/file_complaint.sql \
	-l --log-prefix "$pgbench_logs/tx" "$pgbench_url" | tee "$PORTAL_DATA_DIR/pgbench.out"
pgbench_tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$PORTAL_DATA_DIR/pgbench.out")"
cat "$pgbench_logs"/tx.* | awk '{ print $3 }' | sort -n | awk -v tps="$pgbench_tps" '
	{ v[NR] = $1 }
	END { printf "pgbench, filing SQL at 16 clients: %.0f tps, p50 %.2f ms, p99 %.2f ms (%d transactions)\n",
		tps, v[int(0.50 * (NR - 1)) + 1] / 1000, v[int(0.99 * (NR - 1)) + 1] / 1000, NR }'

# The merchant's respond at 50 clients, closed loop, on the complaints just filed (each once):
# what Postgres alone does for BenchmarkComplaintAction's SQL, on the same machine.
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$pgbench_url" -c "CREATE SEQUENCE pgbench_respond_pick START WITH $first_filed"
filed="$("$PG_BIN/psql" -X -At "$pgbench_url" -c \
	"SELECT count(*) FROM complaints WHERE substring(number from 9)::bigint >= $first_filed")"
per_client=$((filed / 50 < 400 ? filed / 50 : 400))
rm -rf "$pgbench_logs"
mkdir -p "$pgbench_logs"
log "pgbench -n -c 50 -j 2 -t $per_client -f scripts/bench/respond_complaint.sql ($filed complaints filed)"
"$PG_BIN/pgbench" -n -c 50 -j 2 -t "$per_client" -f scripts/bench/respond_complaint.sql \
	-l --log-prefix "$pgbench_logs/tx" "$pgbench_url" | tee "$PORTAL_DATA_DIR/pgbench-respond.out"
respond_tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$PORTAL_DATA_DIR/pgbench-respond.out")"
cat "$pgbench_logs"/tx.* | awk '{ print $3 }' | sort -n | awk -v tps="$respond_tps" '
	{ v[NR] = $1 }
	END { printf "pgbench, respond SQL at 50 clients: %.0f tps, p50 %.2f ms, p99 %.2f ms (%d transactions)\n",
		tps, v[int(0.50 * (NR - 1)) + 1] / 1000, v[int(0.99 * (NR - 1)) + 1] / 1000, NR }'
"$PG_BIN/psql" -X -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $pgbench_db WITH (FORCE)"

log "go test -tags bench -bench 'FileComplaint|ComplaintAction' (benchtime $BENCHTIME, count $BENCHCOUNT)"
go test -tags bench -count="$BENCHCOUNT" -run '^$' -bench 'FileComplaint|ComplaintAction' -benchtime "$BENCHTIME" ./app/ |
	tee "$PORTAL_DATA_DIR/bench-disputes.out"
# The median of the runs' req/s, against pgbench's tps.
api_rps="$(awk '/^BenchmarkFileComplaint\// { for (i = 2; i < NF; i++) if ($(i + 1) == "req/s") print $i }' \
	"$PORTAL_DATA_DIR/bench-disputes.out" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')"
awk -v api="$api_rps" -v pg="$pgbench_tps" 'BEGIN {
	printf "filing complaints at 16 clients: API %.0f req/s (median), pgbench %.0f tps: %.2f of pgbench (target >= 0.5)\n",
		api, pg, api / pg }'

# ---------------------------------------------------------------------------------------------
# Idle resident memory of the real binary.

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
