#!/bin/bash
test_description='concurrent upgrades on one SQLite database

Several processes run `upgrade head` on the same database at once, as app
instances do at start-up.  Each revision must be applied exactly once,
every process must succeed, and alembic_version must end at the head.
retort takes SQLite write lock (BEGIN IMMEDIATE) for each step and
re-reads alembic_version under it, so a waiting process finds the work
done instead of repeating it.'

. "$(dirname "$0")/test-lib.sh"

NR_REVS=12
NR_PROCS=8
ROUNDS=5

# A chain of NR_REVS revisions; each records itself in `applied`, and its
# CREATE TABLE would fail if it ran twice.
make_chain () {
	local i id parent=

	rt_make_project &&
	for i in $(seq 1 $NR_REVS); do
		id=$(printf 'c%011d' "$i") &&
		rt_write_rev "$id" "$parent" "step $i" \
			"CREATE TABLE t_$id (id INTEGER);
CREATE TABLE IF NOT EXISTS applied (id TEXT);
INSERT INTO applied VALUES ('$id');" \
			"DROP TABLE t_$id;" || return 1
		parent=$id
	done
}

# run_round N: NR_PROCS upgrades at once on a fresh database.
run_round () {
	local round=$1 p

	rm -f test.db &&
	for p in $(seq 1 $NR_PROCS); do
		(
			retort upgrade head >out.$round.$p 2>err.$round.$p
			echo $? >rc.$round.$p
		) &
	done
	wait
	for p in $(seq 1 $NR_PROCS); do
		echo 0 >expect &&
		test_cmp expect rc.$round.$p &&
		test_must_be_empty out.$round.$p || return 1
	done &&
	rt_sqlite test.db "SELECT count(*), count(DISTINCT id) FROM applied" >actual &&
	echo "$NR_REVS|$NR_REVS" >expect &&
	test_cmp expect actual &&
	printf 'c%011d\n' $NR_REVS >expect &&
	rt_versions test.db >actual &&
	test_cmp expect actual
}

test_expect_success SQLITE3 'setup: a chain of revisions' '
	make_chain
'

for round in $(seq 1 $ROUNDS); do
	test_expect_success SQLITE3 "round $round: $NR_PROCS simultaneous upgrades apply each revision once" "
		run_round $round
	"
done

test_expect_success SQLITE3 'every revision ran in exactly one process' '
	cat err.1.* >all-logs &&
	for i in $(seq 1 $NR_REVS); do
		id=$(printf "c%011d" "$i") &&
		grep -c "Running upgrade .*-> $id," all-logs >count &&
		echo 1 >expect &&
		test_cmp expect count || return 1
	done
'

test_done
