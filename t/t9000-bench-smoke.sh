#!/bin/bash
test_description='bench: the scale benchmark still runs

bench/run.sh --smoke (N=10, one run each, no Alembic) generates the
linear and branchy projects with bench/gen_project.py, times heads,
history and current with retort and writes the Markdown table.  Not a
timed test: only that the scripts work and the table is complete.'

. "$(dirname "$0")/test-lib.sh"

BENCH=$TEST_DIRECTORY/../bench

test_lazy_prereq PYTHON3 'command -v python3'

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

test_expect_success PYTHON3 'run.sh --smoke writes the table' '
	"$BENCH/run.sh" --smoke --out res "$RT_BUILD/retort" >out 2>err &&
	test_path_is_file res/scale.md &&
	test_path_is_file res/scale.tsv &&
	test_grep "^| shape | N | command | retort median |" res/scale.md &&
	for shape in linear branchy; do
		for cmd in heads history current; do
			test_grep -E "^\| $shape \| 10 \| $cmd \| [0-9]+\.[0-9]{2} \|" res/scale.md ||
			return 1
		done
	done &&
	grep -c "^| [a-z]* | 10 | " res/scale.md >rows &&
	echo 6 >expect &&
	test_cmp expect rows &&
	test_grep "^- CPU: " res/scale.md
'

test_expect_success PYTHON3 'run.sh refuses a missing binary' '
	test_must_fail "$BENCH/run.sh" --smoke --out res2 "$TRASH_DIRECTORY/nosuch" >out 2>err &&
	test_grep "no retort binary" err
'

test_done
