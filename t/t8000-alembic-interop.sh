#!/bin/bash
test_description='interop with the real Alembic on the same database

An Alembic project (.py scripts) and a retort project (.sql scripts) with
the same revisions share one SQLite database: each tool continues where the
other stopped, and both print the same text for the same commands.  Needs
Alembic (ALEMBIC prerequisite: python3 -c "import alembic").'

. "$(dirname "$0")/test-lib.sh"

if ! test_have_prereq ALEMBIC; then
	test_skip_all "Alembic is not installed ($RT_ALEMBIC_PYTHON -m alembic)"
fi

# write_py ID PARENT MSG UPSQL DOWNSQL: an Alembic script in
# ap/migrations/versions whose docstring is the header rt_write_rev writes.
write_py () {
	local down_rev=None revises="Revises:"

	if [ -n "$2" ]; then
		down_rev="'$2'"
		revises="Revises: $2"
	fi
	cat >"ap/migrations/versions/${1}_$(rt_slug "$3").py" <<-EOF
	"""$3

	Revision ID: $1
	$revises
	Create Date: 2024-01-01 00:00:00.000000

	"""
	from alembic import op

	revision = '$1'
	down_revision = $down_rev
	branch_labels = None
	depends_on = None


	def upgrade() -> None:
	    op.execute("""$4""")


	def downgrade() -> None:
	    op.execute("""$5""")
	EOF
}

# to_retort FILE: Alembic output made comparable with retort's (the other
# project directory, .sql scripts).
to_retort () {
	sed -e "s|/ap/|/rp/|g" -e "s|\.py\$|.sql|" "$1"
}

# both ARGS...: run Alembic in ap/ and retort in rp/; their stdout (in
# a.out, r.out), stderr (a.err, r.err) and exit codes (a.rc, r.rc).
both () {
	(cd ap && alembic "$@" >../a.out 2>../a.err; echo $? >../a.rc)
	(cd rp && retort "$@" >../r.out 2>../r.err; echo $? >../r.rc)
}

# same_output: both tools printed the same stdout and exited alike.
same_output () {
	to_retort a.out >a.cmp &&
	test_cmp a.cmp r.out &&
	test_cmp a.rc r.rc
}

test_expect_success 'setup: the same three revisions in both projects' '
	mkdir ap &&
	(
		cd ap &&
		alembic init migrations >/dev/null &&
		sed -e "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///%(here)s/../shared.db|" \
			alembic.ini >tmp.ini &&
		mv tmp.ini alembic.ini
	) &&
	write_py $REV1 "" "$MSG1" "$SQL1_UP" "$SQL1_DOWN" &&
	write_py $REV2 $REV1 "$MSG2" "$SQL2_UP" "$SQL2_DOWN" &&
	write_py $REV3 $REV2 "$MSG3" "$SQL3_UP" "$SQL3_DOWN" &&
	rt_make_lin_project rp &&
	sed -e "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///%(here)s/../shared.db|" \
		rp/alembic.ini >rp/tmp.ini &&
	mv rp/tmp.ini rp/alembic.ini &&
	(cd ap && alembic heads >../a.heads) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect a.heads
'

test_expect_success 'both print the same heads, history and show' '
	for cmd in heads "heads -v" history "history -v" "history -r 1111:2222" \
		"show 2222" "show head" "show 1"
	do
		both $cmd &&
		same_output || return 1
	done
'

test_expect_success 'both fail the same way' '
	for cmd in "show nosuch" "history -r 3333:1111" "history -r 2222" \
		"upgrade nosuch" "upgrade 1111:3333"
	do
		both $cmd &&
		same_output &&
		echo 255 >expect &&
		test_cmp expect r.rc || return 1
	done
'

test_expect_success 'upgrading from empty logs the same lines' '
	rm -f shared.db &&
	(cd ap && alembic upgrade head >../a.out 2>../a.err) &&
	rm shared.db &&
	(cd rp && retort upgrade head >../r.out 2>../r.err) &&
	rm shared.db &&
	test_cmp a.out r.out &&
	rt_log_lines a.err >a.log &&
	test_line_count = 3 a.log &&
	rt_log_lines r.err >r.log &&
	test_cmp a.log r.log
'

test_expect_success 'Alembic upgrades, retort continues' '
	(cd ap && alembic upgrade 2222 2>../err) &&
	echo 2222bbbb0002 >expect &&
	rt_versions shared.db >actual &&
	test_cmp expect actual &&
	(cd rp && retort current >../out 2>../err) &&
	test_cmp expect out &&
	(cd rp && retort upgrade head >../out 2>../err) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email" >expect &&
	test_cmp expect actual &&
	echo 3333cccc0003 >expect &&
	rt_versions shared.db >actual &&
	test_cmp expect actual
'

test_expect_success 'Alembic reads what retort wrote and takes it back' '
	(cd ap && alembic current >../out 2>../err) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	(cd ap && alembic downgrade 1111 2>../err) &&
	echo 1111aaaa0001 >expect &&
	rt_versions shared.db >actual &&
	test_cmp expect actual &&
	printf "id\nname\n" >expect &&
	rt_columns shared.db account >actual &&
	test_cmp expect actual
'

test_expect_success 'current and current -v print the same' '
	both current &&
	same_output &&
	both current -v &&
	same_output
'

test_expect_success 'retort downgrades what Alembic upgraded' '
	(cd ap && alembic upgrade head 2>../err) &&
	(cd rp && retort downgrade base >../out 2>../err) &&
	rt_versions shared.db >actual &&
	test_must_be_empty actual &&
	echo alembic_version >expect &&
	rt_tables shared.db >actual &&
	test_cmp expect actual
'

test_expect_success 'stamp: both write the same rows' '
	(cd rp && retort stamp 2222 2>../err) &&
	(cd ap && alembic current >../out 2>../err) &&
	echo 2222bbbb0002 >expect &&
	test_cmp expect out &&
	(cd ap && alembic stamp base 2>../err) &&
	(cd rp && retort current >../out 2>../err) &&
	test_must_be_empty out
'

test_expect_success 'retort creates the version table exactly as Alembic does' '
	rm -f shared.db &&
	(cd ap && alembic upgrade head 2>../err) &&
	rt_schema shared.db >alembic.schema &&
	rm shared.db &&
	(cd rp && retort upgrade head 2>../err) &&
	rt_schema shared.db >retort.schema &&
	test_cmp alembic.schema retort.schema
'

test_done
