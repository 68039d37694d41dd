#!/bin/sh
# demo.sh RETORT - the main job, end to end, in a fresh demo/ directory:
# a new project on SQLite, two revisions (create the items table, add a
# column), `upgrade head`, then `current` and `history --verbose`.  Each
# command is echoed before it runs.  Rerunnable: demo/ is wiped first.
# `make demo` builds retort and runs this.
set -e

if [ $# -ne 1 ]; then
	echo "usage: $0 RETORT" >&2
	exit 2
fi
case "$1" in
/*) RETORT=$1 ;;
*) RETORT=$(pwd)/$1 ;;
esac
if [ ! -x "$RETORT" ]; then
	echo "demo: no retort binary at $RETORT (run make first)" >&2
	exit 1
fi

top=$(cd "$(dirname "$0")/.." && pwd)
demo=$top/demo

# Run retort, showing the command first.  Its log lines (stderr) are
# merged into stdout so they stay next to the command when piped.
run () {
	echo
	echo "\$ retort $*"
	"$RETORT" "$@" 2>&1
}

# new_revision MESSAGE UPGRADE-SQL DOWNGRADE-SQL: `retort revision -m`,
# then put the SQL under the script's section markers.
new_revision () {
	echo
	echo "\$ retort revision -m \"$1\""
	"$RETORT" revision -m "$1" >"$demo/.generating"
	cat "$demo/.generating"
	path=$(sed -n 's/^Generating \(.*\) \.\.\.  done$/\1/p' "$demo/.generating")
	rm -f "$demo/.generating"
	if [ ! -f "$path" ]; then
		echo "demo: retort revision did not say which file it wrote" >&2
		exit 1
	fi
	awk -v up="$2" -v down="$3" '
		{ print }
		/^-- \+upgrade[ \t]*$/ { print up }
		/^-- \+downgrade[ \t]*$/ { print down }
	' "$path" >"$path.tmp"
	mv "$path.tmp" "$path"
	echo "(filled in $(basename "$path"):)"
	sed -n '/^-- +upgrade/,$p' "$path" | sed 's/^/    /'
}

rm -rf "$demo"
mkdir "$demo"
cd "$demo"
echo "demo: working in $demo"

run init migrations

echo
echo "\$ sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///./tara.db|' alembic.ini"
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///./tara.db|' alembic.ini
grep '^sqlalchemy.url' alembic.ini

new_revision "create items table" \
	"CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);" \
	"DROP TABLE items;"
new_revision "add new_field to items" \
	"ALTER TABLE items ADD COLUMN new_field VARCHAR(255);" \
	"ALTER TABLE items DROP COLUMN new_field;"

run upgrade head
run current
run history --verbose

if command -v sqlite3 >/dev/null 2>&1; then
	echo
	echo "\$ sqlite3 tara.db .schema"
	sqlite3 tara.db .schema
fi
echo
echo "demo: done (project and database in $demo)"
