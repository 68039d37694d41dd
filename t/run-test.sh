#!/bin/sh
# run-test.sh - how `prove --exec t/run-test.sh` runs one test.
#
# A shell script (t/tNNNN-*.sh) is run with bash; test-lib.sh itself puts
# only retort under $RT_TEST_WRAPPER.  Anything else is a cmocka unit-test
# binary: it is told to speak TAP and runs under $RT_TEST_WRAPPER (e.g.
# valgrind) when that is set.
case "$1" in
*.sh)
	exec bash "$@"
	;;
*)
	CMOCKA_MESSAGE_OUTPUT=TAP
	export CMOCKA_MESSAGE_OUTPUT
	# RT_TEST_WRAPPER is a command line: word splitting is wanted.
	exec ${RT_TEST_WRAPPER:-} "$@"
	;;
esac
