#!/bin/bash
test_description='concurrent migrations on one PostgreSQL database

Several processes run `upgrade head` on the same database at once, as app
instances do at start-up.  retort serialises them with a session advisory
lock keyed on the version table (db.h, rt_db_lock_migrations), polled with
pg_try_advisory_lock outside any transaction, and re-reads alembic_version
once it has the lock: every process exits 0, each revision runs exactly
once, alembic_version ends at the head.  A process that waits says so on
stderr; one whose --lock-timeout runs out fails with a message naming the
lock and the option.  A waiter never holds a snapshot, so a holder running
a `Transactional: false` CREATE INDEX CONCURRENTLY is not blocked by it.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

NR_REVS=12
NR_PROCS=8
ROUNDS=${RT_TEST_PG_ROUNDS:-15}
# under valgrind the point is memory errors, not the odds of a race
if [ -n "${RT_TEST_WRAPPER:-}" ]; then
	ROUNDS=${RT_TEST_PG_ROUNDS:-3}
fi
DB=$(rt_pg_dbname race)

# rev_id I: the id of the I-th revision of the chain.
rev_id () {
	printf 'c%011d\n' "$1"
}

# make_chain DIR URL: a chain of NR_REVS revisions; each records itself in
# `applied` and creates a table (CREATE TABLE fails if it runs twice), and
# takes 10 ms, so that the processes overlap; the downgrades drop the
# table and remove the record.
make_chain () {
	local i id parent=

	mkdir "$1" &&
	rt_make_project "$1" "$2" &&
	for i in $(seq 1 $NR_REVS); do
		id=$(rev_id "$i") &&
		(
			cd "$1" &&
			rt_write_rev "$id" "$parent" "step $i" \
				"CREATE TABLE t_$id (id INTEGER);
CREATE TABLE IF NOT EXISTS applied (id TEXT, pid INTEGER DEFAULT pg_backend_pid());
INSERT INTO applied (id) VALUES ('$id');
SELECT pg_sleep(0.01);" \
				"DROP TABLE t_$id;
DELETE FROM applied WHERE id = '$id';"
		) || return 1
		parent=$id
	done
}

# start_procs TAG N DIR ARGS...: start N `retort ARGS` in DIR at once, in
# the background; each leaves TAG.P.out, .err and .rc in the trash.
start_procs () {
	local tag=$1 n=$2 dir=$3 p

	shift 3
	for p in $(seq 1 "$n"); do
		(
			cd "$dir" &&
			retort "$@" >"../$tag.$p.out" 2>"../$tag.$p.err"
			echo $? >"../$tag.$p.rc"
		) &
	done
}

# all_ok TAG N: the N processes of TAG exited 0 and printed nothing on
# stdout.
all_ok () {
	local p

	echo 0 >expect.rc &&
	for p in $(seq 1 "$2"); do
		test_cmp expect.rc "$1.$p.rc" &&
		test_must_be_empty "$1.$p.out" || return 1
	done
}

# ran_once TAG KIND I...: across the stderr of all processes of TAG, each
# revision I was run (KIND: upgrade or downgrade) by exactly one process.
ran_once () {
	local tag=$1 kind=$2 i id

	shift 2
	cat "$tag".*.err >"$tag.all" &&
	for i in "$@"; do
		id=$(rev_id "$i") &&
		if [ "$kind" = upgrade ]; then
			grep -c "Running upgrade .*-> $id, " "$tag.all" >count
		else
			grep -c "Running downgrade $id -> " "$tag.all" >count
		fi
		echo 1 >expect.count &&
		test_cmp expect.count count || return 1
	done
}

# at_head DB: every revision applied once, alembic_version at the head.
at_head () {
	echo "$NR_REVS|$NR_REVS" >expect &&
	rt_pg_sql "$1" "SELECT count(*), count(DISTINCT id) FROM applied" >actual &&
	test_cmp expect actual &&
	rev_id $NR_REVS >expect &&
	rt_pg_versions "$1" >actual &&
	test_cmp expect actual
}

# run_round N: NR_PROCS upgrades at once on a fresh database.
run_round () {
	local round=$1

	rt_pg_fresh_db race >/dev/null &&
	start_procs "up$round" $NR_PROCS chain upgrade head &&
	wait &&
	all_ok "up$round" $NR_PROCS &&
	ran_once "up$round" upgrade $(seq 1 $NR_REVS) &&
	at_head "$DB"
}

test_expect_success 'setup: a chain of revisions' '
	make_chain chain "$(rt_pg_url "$DB")"
'

for round in $(seq 1 "$ROUNDS"); do
	test_expect_success "round $round: $NR_PROCS simultaneous upgrades apply each revision once" "
		run_round $round
	"
done

test_expect_success "$NR_PROCS simultaneous downgrade base: each revision taken down once" '
	start_procs down $NR_PROCS chain downgrade base &&
	wait &&
	all_ok down $NR_PROCS &&
	ran_once down downgrade $(seq 1 $NR_REVS) &&
	rt_pg_versions "$DB" >actual &&
	test_must_be_empty actual &&
	printf "alembic_version\napplied\n" >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual &&
	echo 0 >expect &&
	rt_pg_sql "$DB" "SELECT count(*) FROM applied" >actual &&
	test_cmp expect actual
'

test_expect_success 'upgrades racing from part way up' '
	(cd chain && retort upgrade c00000000005 2>../err) &&
	start_procs mid $NR_PROCS chain upgrade head &&
	wait &&
	all_ok mid $NR_PROCS &&
	ran_once mid upgrade $(seq 6 $NR_REVS) &&
	at_head "$DB"
'

# --- waiting and giving up ----------------------------------------------

# The first revision of `slow` sleeps (3 s) while the runner holds the lock.
test_expect_success 'setup: a project whose first revision takes a while' '
	SLOW=$(rt_pg_dbname slow) &&
	mkdir slow &&
	rt_make_project slow "$(rt_pg_url "$SLOW")" &&
	(
		cd slow &&
		rt_write_rev aaaa00000001 "" "slow one" \
			"$(printf "CREATE TABLE slow_t (id INTEGER);\nCREATE TABLE applied (id TEXT);\nINSERT INTO applied VALUES (${SQ}a${SQ});\nSELECT pg_sleep($RT_PG_HOLD);")" &&
		rt_write_rev bbbb00000002 aaaa00000001 "quick one" \
			"$(printf "CREATE TABLE quick_t (id INTEGER);\nINSERT INTO applied VALUES (${SQ}b${SQ});")"
	)
'

test_expect_success 'a waiter with --lock-timeout 1 gives up; one without waits, then finds the work done' '
	rt_pg_fresh_db slow >/dev/null &&
	start_procs holder 1 slow upgrade head &&
	holder=$! &&
	rt_pg_holding "$SLOW" &&
	start_procs quitter 1 slow --lock-timeout 1 upgrade head &&
	quitter=$! &&
	start_procs waiter 1 slow upgrade head &&
	waiter=$! &&
	wait $quitter &&
	# it gave up while the holder still sleeps
	kill -0 $holder &&
	wait $holder $waiter &&
	echo 0 >expect &&
	test_cmp expect holder.1.rc &&
	test_cmp expect waiter.1.rc &&
	echo 255 >expect &&
	test_cmp expect quitter.1.rc &&
	printf "a\nb\n" >expect &&
	rt_pg_sql "$SLOW" "SELECT id FROM applied ORDER BY id" >actual &&
	test_cmp expect actual &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$SLOW" >actual &&
	test_cmp expect actual
'

test_expect_success 'the one that gave up: a FAILED line naming the lock and --lock-timeout' '
	rt_failed quitter.1.out quitter.1.err &&
	test_grep -E "migration lock on public\.alembic_version" failed &&
	test_grep -F -- "--lock-timeout" failed &&
	test_grep -E "gave up after 1\.[0-9] s" failed &&
	test_grep -F "application ${SQ}retort${SQ}" failed &&
	rt_log_lines quitter.1.err >actual &&
	test_must_be_empty actual
'

test_expect_success 'both waiters printed the Waiting line on stderr' '
	pat="^INFO  \[retort\.lock\] Waiting for the migration lock on public\.alembic_version, held by another session \(server PID [0-9]+, application ${SQ}retort${SQ}\) \([0-9]+ s so far, giving up after" &&
	grep -E "$pat" quitter.1.err >lines &&
	test_line_count = 1 lines &&
	test_grep -E "giving up after 1 s\)$" lines &&
	grep -E "$pat" waiter.1.err >lines &&
	test_line_count -ge 1 lines &&
	test_grep -E "giving up after 300 s\)$" lines &&
	test_must_be_empty waiter.1.out &&
	{ grep -E "Waiting for the migration lock" holder.1.err || :; } >lines &&
	test_must_be_empty lines
'

test_expect_success 'the waiter ran nothing: the holder had done it all' '
	rt_log_lines holder.1.err >actual &&
	rt_log_expect \
		"Running upgrade  -> aaaa00000001, slow one" \
		"Running upgrade aaaa00000001 -> bbbb00000002, quick one" >expect &&
	test_cmp expect actual &&
	rt_log_lines waiter.1.err >actual &&
	test_must_be_empty actual
'

test_expect_success 'the lock is per version table: another table does not wait' '
	rt_pg_fresh_db slow >/dev/null &&
	start_procs holder2 1 slow upgrade aaaa &&
	holder=$! &&
	rt_pg_holding "$SLOW" &&
	cp -R slow other &&
	rt_ini_add other/alembic.ini "version_table = other_version" &&
	(
		cd other &&
		rm migrations/versions/aaaa00000001_slow_one.sql &&
		sed -e "s/^-- Revises: aaaa00000001$/-- Revises:/" \
			-e "s/INSERT INTO applied.*/SELECT 1;/" \
			migrations/versions/bbbb00000002_quick_one.sql >tmp &&
		mv tmp migrations/versions/bbbb00000002_quick_one.sql &&
		retort --lock-timeout 1 upgrade head >../out 2>../err
	) &&
	kill -0 $holder &&
	test_grep -v "Waiting for the migration lock" err &&
	wait $holder &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$SLOW" other_version >actual &&
	test_cmp expect actual
'

test_expect_success 'a lock timeout while waiting to stamp or downgrade' '
	rt_pg_fresh_db slow >/dev/null &&
	start_procs holder3 1 slow upgrade head &&
	holder=$! &&
	rt_pg_holding "$SLOW" &&
	(cd slow && test_expect_code 255 retort --lock-timeout 0.5 stamp base >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F -- "--lock-timeout" failed &&
	(cd slow && test_expect_code 255 retort --lock-timeout 0.5 downgrade base >../out 2>../err) &&
	rt_failed out err &&
	kill -0 $holder &&
	wait $holder &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$SLOW" >actual &&
	test_cmp expect actual
'

# --- CREATE INDEX CONCURRENTLY while others wait -------------------------

test_expect_success 'setup: a non-transactional CREATE INDEX CONCURRENTLY after a slow step' '
	CIC=$(rt_pg_dbname cic) &&
	mkdir cic &&
	rt_make_project cic "$(rt_pg_url "$CIC")" &&
	(
		cd cic &&
		rt_write_rev aaaa00000001 "" "create big" \
			"$(printf "CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER);\nINSERT INTO big SELECT g, g %% 97 FROM generate_series(1, 50000) g;\nSELECT pg_sleep(1);")" &&
		cat >migrations/versions/bbbb00000002_index_big.sql <<-\EOF &&
		-- index big
		--
		-- Revision ID: bbbb00000002
		-- Revises: aaaa00000001
		-- Create Date: 2024-01-01 00:00:00.000000
		-- Transactional: false

		-- +upgrade
		CREATE INDEX CONCURRENTLY ix_big_v ON big (v);
		CREATE INDEX CONCURRENTLY ix_big_vid ON big (v, id);

		-- +downgrade
		DROP INDEX CONCURRENTLY ix_big_vid;
		DROP INDEX CONCURRENTLY ix_big_v;
		EOF
		rt_write_rev cccc00000003 bbbb00000002 "after" \
			"CREATE TABLE after_ix (id INTEGER);" "DROP TABLE after_ix;"
	)
'

for round in 1 2; do
	test_expect_success "round $round: 4 processes at once, one builds the index concurrently" '
		rt_pg_fresh_db cic >/dev/null &&
		start_procs "cic'$round'" 4 cic --lock-timeout 60 upgrade head &&
		wait &&
		all_ok "cic'$round'" 4 &&
		cat cic'$round'.*.err >all &&
		grep -c "Running upgrade aaaa00000001 -> bbbb00000002, index big" all >count &&
		echo 1 >expect &&
		test_cmp expect count &&
		{ grep -l "Waiting for the migration lock" cic'$round'.*.err || :; } >waited &&
		test_line_count -ge 1 waited &&
		echo cccc00000003 >expect &&
		rt_pg_versions "$CIC" >actual &&
		test_cmp expect actual &&
		echo "t|t" >expect &&
		rt_pg_sql "$CIC" "SELECT bool_and(indisvalid), count(*) = 2 FROM pg_index WHERE indexrelid::regclass::text IN (${SQ}ix_big_v${SQ}, ${SQ}ix_big_vid${SQ})" >actual &&
		test_cmp expect actual
	'
done

test_expect_success '4 processes at once downgrade through DROP INDEX CONCURRENTLY' '
	start_procs cicdown 4 cic --lock-timeout 60 downgrade aaaa &&
	wait &&
	all_ok cicdown 4 &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$CIC" >actual &&
	test_cmp expect actual &&
	echo 0 >expect &&
	rt_pg_sql "$CIC" "SELECT count(*) FROM pg_indexes WHERE indexname LIKE ${SQ}ix_big%${SQ}" >actual &&
	test_cmp expect actual
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
