#!/bin/bash
test_description='bench: the benchmark suite still runs

bench/bench.py --smoke (N=10, one timed run each, no warm-up, no
callgrind or hyperfine) generates the projects with bench/gen_project.py,
runs every group it can on this machine (status, graph, SQLite,
PostgreSQL when the test server is there, and autogenerate/check on a
10-table schema), checks the database after every upgrade and
downgrade and every script autogenerate writes, and writes the report
and the TSV files.
Not a timed test: only that the scripts work and the report is complete.'

. "$(dirname "$0")/test-lib.sh"

BENCH=$TEST_DIRECTORY/../bench

test_lazy_prereq PYTHON3 'command -v python3'
test_lazy_prereq SQLITE3 'command -v sqlite3'

test_expect_success PYTHON3 'gen_project.py: a linear project and its Alembic twin' '
	python3 "$BENCH/gen_project.py" --shape linear --n 5 --out lin &&
	ls lin/retort/versions >sql &&
	ls lin/alembic/versions >py &&
	test_line_count = 5 sql &&
	test_line_count = 5 py &&
	test_path_is_file lin/alembic/env.py &&
	test_line_count = 1 lin/heads.txt &&
	(
		cd lin/retort &&
		retort heads >../../out 2>../../err &&
		retort history >../../hist 2>../../err
	) &&
	echo "$(cat lin/heads.txt) (head)" >expect &&
	test_cmp expect out &&
	test_line_count = 5 hist
'

test_expect_success PYTHON3 'gen_project.py: branchy has branch points, merge points, several heads' '
	# 1 fork + 3 blocks of (3 lanes x 2 + 1 merge) + 4: three open lanes
	python3 "$BENCH/gen_project.py" --shape branchy --n 26 --width 3 --segment 2 --out br &&
	(
		cd br/retort &&
		retort heads >../../heads 2>../../err &&
		retort history >../../hist 2>../../err
	) &&
	test_line_count = 26 hist &&
	test_grep "(branchpoint) (mergepoint)" hist &&
	sed -e "s/\$/ (head)/" br/heads.txt | sort >expect &&
	sort heads >actual &&
	test_cmp expect actual &&
	test_line_count = 3 heads
'

test_expect_success PYTHON3,SQLITE3 'gen_project.py: the SQLite floor and the dbmate twin do what retort does' '
	python3 "$BENCH/gen_project.py" --shape linear --n 4 --ddl table+index \
		--floor sqlite --dbmate --out fl &&
	ls fl/dbmate/db/migrations >mig &&
	test_line_count = 4 mig &&
	sqlite3 -bail floor.db <fl/floor/upgrade.sql &&
	sqlite3 floor.db "SELECT name FROM sqlite_master WHERE name LIKE '"'"'t\_%'"'"' ESCAPE '"'"'\'"'"' OR name LIKE '"'"'ix\_%'"'"' ESCAPE '"'"'\'"'"' ORDER BY name" >floor-objects &&
	test_line_count = 8 floor-objects &&
	sqlite3 floor.db "SELECT version_num FROM alembic_version" >floor-version &&
	test_cmp fl/heads.txt floor-version &&
	sqlite3 -bail floor.db <fl/floor/downgrade.sql &&
	sqlite3 floor.db "SELECT count(*) FROM sqlite_master WHERE name LIKE '"'"'t\_%'"'"' ESCAPE '"'"'\'"'"'" >left &&
	echo 0 >expect &&
	test_cmp expect left
'

test_expect_success PYTHON3 'gen_project.py --autogen: retort creates the schema, then finds nothing to do' '
	python3 "$BENCH/gen_project.py" --autogen --n 3 --out ag &&
	test_path_is_file ag/alembic/models.py &&
	test_path_is_file ag/alembic/script.py.mako &&
	test_grep "target_metadata = models.Base.metadata" ag/alembic/env.py &&
	test_cmp ag/schema.sql ag/retort-head/schema.sql &&
	grep -c "^CREATE TABLE" ag/schema.sql >tables &&
	echo 3 >expect &&
	test_cmp expect tables &&
	(
		cd ag/retort-head &&
		retort revision --autogenerate -m initial >../../out 2>../../err &&
		grep -c "^CREATE TABLE" versions/*_initial.sql >../../made &&
		retort upgrade head 2>../../err &&
		retort check >../../out 2>../../err
	) &&
	test_cmp expect made &&
	echo "No new upgrade operations detected." >expect &&
	test_cmp expect out
'

test_expect_success PYTHON3,SQLITE3 'bench.py --smoke runs every group and writes the report' '
	python3 "$BENCH/bench.py" --smoke --out res "$RT_BUILD/retort" >out 2>err ||
	{ cat err; false; } &&
	for f in results.md bench.tsv ratios.tsv runs.tsv instructions.tsv; do
		test_path_is_file res/$f || return 1
	done &&
	test_grep "^| CPU | " res/results.md &&
	test_grep "^## Targets" res/results.md &&
	for sc in current heads history upgrade downgrade; do
		test_grep -E "^$sc	sqlite	[a-z]+	10	retort	1	[0-9.]+	" res/bench.tsv ||
		return 1
	done &&
	test_grep -E "^upgrade	sqlite	linear	10	retort	sqlite3	" res/ratios.tsv &&
	for sc in autogenerate check; do
		test_grep -E "^$sc	sqlite	schema	10	retort	1	[0-9.]+	" res/bench.tsv ||
		return 1
	done &&
	test_grep "^| .revision --autogenerate. and .check. on a 1,000-table" res/results.md &&
	if "${ALEMBIC_PYTHON:-/usr/bin/python3}" -c "import alembic" 2>/dev/null
	then
		test_grep -E "^check	sqlite	schema	10	alembic	retort	" res/ratios.tsv
	fi &&
	if test -n "${RETORT_TEST_PG_URL:-}"
	then
		test_grep -E "^upgrade	postgresql	linear	10	retort	1	" res/bench.tsv &&
		test_grep -E "^downgrade	postgresql	linear	10	psql	1	" res/bench.tsv
	fi
'

test_expect_success PYTHON3 'bench.py refuses a missing binary and bad options' '
	test_must_fail python3 "$BENCH/bench.py" --smoke --out res2 "$TRASH_DIRECTORY/nosuch" >out 2>err &&
	test_grep "no retort binary" err &&
	test_must_fail python3 "$BENCH/bench.py" --groups nosuch "$RT_BUILD/retort" >out 2>err &&
	test_grep "unknown group" err
'

test_done
