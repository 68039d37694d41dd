#!/bin/sh
# Install the Debian packages retort needs to build and test, if missing.
# Runs apt-get only when something is absent, so a prepared machine pays
# nothing.  See README.md "Dependencies" for why each one is here.
# `postgresql` brings the server binaries (/usr/lib/postgresql/*/bin) that
# t/pg-server.sh runs as a throwaway server for the PostgreSQL tests; the
# tests never use the cluster the package may set up and start.
set -e
PKGS="build-essential pkgconf libsqlite3-dev libpq-dev libcmocka-dev \
sqlite3 postgresql perl python3 python3-alembic python3-psycopg2 \
clang clang-format libclang-rt-14-dev valgrind"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
