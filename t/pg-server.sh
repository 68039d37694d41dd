#!/bin/bash
# pg-server.sh - a throwaway PostgreSQL server for the tests.
#
#   t/pg-server.sh start DIR   initdb + start a server whose files all live in DIR
#   t/pg-server.sh env DIR     print `export VAR='...'` lines for it (eval them)
#   t/pg-server.sh stop DIR    stop it (fast shutdown) and remove DIR
#
# DIR must be absent or empty; `start` takes it over.  Everything the server
# writes stays in DIR: the cluster (DIR/data), the Unix socket (DIR/sock),
# the log (DIR/postgres.log).  The server listens on 127.0.0.1 on a free port
# and on the socket, never on another address.  It is for tests only:
# durability is off (fsync, synchronous_commit, full_page_writes) and the
# superuser `postgres` is trusted on the socket and on 127.0.0.1.  A second
# role, `retort_pw`, must give its password (scram-sha-256), so tests can
# check that a password URL works and that the password is never printed.
#
# The binaries come from the Debian `postgresql` package
# (/usr/lib/postgresql/<version>/bin, newest version) or, when that is not
# there, from PATH; RETORT_TEST_PG_BIN overrides.  initdb refuses to run as
# root, so when we are root the server runs as the `postgres` user.
#
# `env` prints:
#   RETORT_TEST_PG_URL       postgresql://postgres@127.0.0.1:PORT/postgres
#   RETORT_TEST_PG_HOST      127.0.0.1
#   RETORT_TEST_PG_PORT      the port
#   RETORT_TEST_PG_SOCKET    the socket directory (for ?host=DIR URLs)
#   RETORT_TEST_PG_USER      postgres (superuser, no password)
#   RETORT_TEST_PG_PW_USER   retort_pw (LOGIN CREATEDB, password required)
#   RETORT_TEST_PG_PASSWORD  its password, raw (URL-special characters)
#   RETORT_TEST_PG_BIN       the directory of psql, createdb, pg_ctl...
#   RETORT_TEST_PG_DIR       DIR (the log is DIR/postgres.log)
#   PGHOST PGPORT PGUSER     so that plain psql/createdb reach the server
set -euo pipefail

PW_USER=retort_pw
# The characters a URL parser must percent-decode: @ : / % and a few of
# the ones that end a URL part (# ?).  A test spells it percent-encoded.
PASSWORD='p@ss:w/rd%40!#?'
MARKER=.retort-pg-server

die () {
	echo "pg-server: $*" >&2
	exit 1
}

usage () {
	echo "usage: $0 start|stop|env DIR" >&2
	exit 2
}

# Nothing from the caller's environment may point our own client calls
# (psql, pg_isready, pg_ctl) at another server or cluster.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGOPTIONS PGDATA PGCLUSTER PGSSLMODE \
	PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS

find_bin () {
	local d best=

	if [ -n "${RETORT_TEST_PG_BIN:-}" ]; then
		[ -x "$RETORT_TEST_PG_BIN/pg_ctl" ] ||
			die "RETORT_TEST_PG_BIN=$RETORT_TEST_PG_BIN has no pg_ctl"
		echo "$RETORT_TEST_PG_BIN"
		return
	fi
	# Debian puts the server binaries outside PATH, one directory per
	# major version; take the newest installed one.
	best=$(for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d"
	done | sort -V | tail -n 1)
	if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 &&
		command -v pg_ctl >/dev/null 2>&1; then
		best=$(dirname "$(command -v pg_ctl)")
	fi
	[ -n "$best" ] || die "no PostgreSQL server binaries (initdb, pg_ctl):" \
		"install the Debian package 'postgresql' (scripts/install-deps.sh)" \
		"or set RETORT_TEST_PG_BIN"
	echo "$best"
}

# as_server_user CMD...: run CMD as the user the server runs as.  From /,
# because the postgres user may not be allowed into our working directory.
as_server_user () {
	if [ "$(id -u)" != 0 ]; then
		(cd / && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
	fi
}

# sh_quote VALUE: VALUE in single quotes, for `eval` by any POSIX shell.
sh_quote () {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

log_tail () {
	local log=$1/postgres.log

	if [ -s "$log" ]; then
		echo "pg-server: last lines of $log:" >&2
		tail -n 25 "$log" | sed 's/^/    /' >&2
	fi
}

# port_in_use PORT: something answers on 127.0.0.1:PORT.
port_in_use () {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# alive PID: the process runs (an exited one waiting to be reaped by
# init, a zombie, does not count).
alive () {
	local state

	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
		[ "$state" != Z ] && [ "$state" != X ]
	fi
}

# absolute DIR (which need not exist yet)
absolute () {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

cmd_start () {
	local dir=$1 bin data sock log port started='' pid

	if [ -e "$dir" ]; then
		[ -d "$dir" ] || die "$dir exists and is not a directory"
		[ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
	else
		mkdir -p "$dir"
	fi
	dir=$(cd "$dir" && pwd -P)
	data=$dir/data
	sock=$dir/sock
	log=$dir/postgres.log
	: >"$dir/$MARKER"
	bin=$(find_bin)
	# A Unix socket path is limited to about 107 bytes.
	[ ${#sock} -le 80 ] || die "socket directory path too long: $sock" \
		"(use a shorter TMPDIR)"

	if [ "$(id -u)" = 0 ]; then
		getent passwd postgres >/dev/null ||
			die "running as root, but there is no 'postgres' user to run" \
				"the server as (install the Debian package 'postgresql')"
		chown postgres: "$dir"
		chmod 755 "$dir"
		as_server_user test -w "$dir" ||
			die "the postgres user cannot write $dir (is one of its parent" \
				"directories closed to it? set TMPDIR elsewhere)"
	fi
	as_server_user mkdir -m 700 "$data"
	as_server_user mkdir -m 755 "$sock"
	as_server_user touch "$log"

	if ! as_server_user "$bin/initdb" -D "$data" -U postgres \
		--auth=trust -E UTF8 --locale=C --no-sync \
		>>"$dir/initdb.log" 2>&1; then
		echo "pg-server: initdb failed:" >&2
		tail -n 25 "$dir/initdb.log" | sed 's/^/    /' >&2
		exit 1
	fi

	# Who may connect how.  Everything on the socket (a directory only
	# this machine sees) and the superuser on 127.0.0.1 are trusted;
	# retort_pw must always give its password, and so must any other
	# role on 127.0.0.1.
	as_server_user tee "$data/pg_hba.conf" >/dev/null <<EOF
# written by t/pg-server.sh
# TYPE  DATABASE  USER       ADDRESS       METHOD
local   all       $PW_USER                 scram-sha-256
local   all       all                      trust
host    all       postgres   127.0.0.1/32  trust
host    all       $PW_USER  127.0.0.1/32  scram-sha-256
host    all       all        127.0.0.1/32  scram-sha-256
EOF
	# Throwaway data: durability buys nothing and costs time.
	as_server_user tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- t/pg-server.sh: a throwaway server for the tests ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
unix_socket_permissions = 0777
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF

	# A free port: skip those something answers on; if another process
	# takes ours between the check and the bind, try another.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		port_in_use "$port" && continue
		: >"$log"
		if as_server_user "$bin/pg_ctl" start -D "$data" -l "$log" \
			-w -t 60 -o "-p $port" >>"$dir/pg_ctl.log" 2>&1; then
			started=t
			break
		fi
		# Only a port clash is worth another try.
		grep -q 'could not bind\|could not create any TCP/IP sockets\|Address already in use' \
			"$log" 2>/dev/null || break
		# pg_ctl gave up; make sure nothing half-started stays.
		as_server_user "$bin/pg_ctl" stop -D "$data" -m immediate \
			>/dev/null 2>&1 || true
	done
	if [ -z "$started" ]; then
		echo "pg-server: the server did not start (pg_ctl: $(tail -n 1 "$dir/pg_ctl.log" 2>/dev/null))" >&2
		log_tail "$dir"
		exit 1
	fi
	echo "$port" >"$dir/port"
	echo "$bin" >"$dir/bin"

	if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -t 30 ||
		! "$bin/pg_isready" -q -h "$sock" -p "$port" -U postgres -t 30; then
		echo "pg-server: the server started but does not answer" >&2
		log_tail "$dir"
		exit 1
	fi

	# The password goes through stdin and a psql variable: never on a
	# command line (ps) and quoted by psql, whatever characters it has.
	if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" \
		-U postgres -d postgres >/dev/null 2>"$dir/setup.err" <<EOF; then
\\set pw '$(printf '%s' "$PASSWORD" | sed "s/'/''/g")'
CREATE ROLE $PW_USER LOGIN CREATEDB PASSWORD :'pw';
EOF
		echo "pg-server: could not create the role $PW_USER:" >&2
		sed 's/^/    /' "$dir/setup.err" >&2
		exit 1
	fi
	rm -f "$dir/setup.err"

	{
		echo "export RETORT_TEST_PG_URL=$(sh_quote "postgresql://postgres@127.0.0.1:$port/postgres")"
		echo "export RETORT_TEST_PG_HOST=127.0.0.1"
		echo "export RETORT_TEST_PG_PORT=$port"
		echo "export RETORT_TEST_PG_SOCKET=$(sh_quote "$sock")"
		echo "export RETORT_TEST_PG_USER=postgres"
		echo "export RETORT_TEST_PG_PW_USER=$PW_USER"
		echo "export RETORT_TEST_PG_PASSWORD=$(sh_quote "$PASSWORD")"
		echo "export RETORT_TEST_PG_BIN=$(sh_quote "$bin")"
		echo "export RETORT_TEST_PG_DIR=$(sh_quote "$dir")"
		echo "export PGHOST=127.0.0.1"
		echo "export PGPORT=$port"
		echo "export PGUSER=postgres"
	} >"$dir/env"
	chmod 600 "$dir/env"
	pid=$(head -n 1 "$data/postmaster.pid")
	echo "pg-server: PostgreSQL $("$bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$port and $sock (pid $pid, files in $dir)" >&2
}

cmd_env () {
	local dir=$1

	[ -f "$dir/env" ] || die "no server started in $dir"
	cat "$dir/env"
}

cmd_stop () {
	local dir=$1 bin data pid

	[ -d "$dir" ] || die "no such directory: $dir"
	[ -f "$dir/$MARKER" ] ||
		die "$dir was not made by '$0 start'; not touching it"
	dir=$(cd "$dir" && pwd -P)
	data=$dir/data
	# Interrupted while pg_ctl was starting it: give the postmaster a
	# moment to write its pid file, so it is not left running.
	if [ -d "$data" ] && [ ! -f "$dir/env" ]; then
		for _ in 1 2 3 4; do
			[ -f "$data/postmaster.pid" ] && break
			sleep 0.5
		done
	fi
	if [ -f "$data/postmaster.pid" ]; then
		pid=$(head -n 1 "$data/postmaster.pid")
		bin=$(cat "$dir/bin" 2>/dev/null) || bin=$(find_bin)
		# fast: roll back open transactions, disconnect clients (a
		# failed test may have left some), stop now.
		if ! as_server_user "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 \
			>>"$dir/pg_ctl.log" 2>&1; then
			as_server_user "$bin/pg_ctl" stop -D "$data" -m immediate \
				-w -t 30 >>"$dir/pg_ctl.log" 2>&1 || true
		fi
		# pg_ctl returns once postmaster.pid is gone, a moment before
		# the process itself is.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			alive "$pid" || break
			sleep 0.5
		done
		if alive "$pid"; then
			echo "pg-server: the server (pid $pid) ignored pg_ctl stop; killing it" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$dir"
}

[ $# -eq 2 ] || usage
dir=$(absolute "$2")
case "$1" in
start) cmd_start "$dir" ;;
stop) cmd_stop "$dir" ;;
env) cmd_env "$dir" ;;
*) usage ;;
esac
