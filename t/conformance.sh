#!/bin/sh
# conformance.sh RETORT - score retort against the behaviour recorded from
# the real Alembic (../shared/conformance, see its README.md).
#
# Runs both corpora (public/: generated graphs and commands; ported/: the
# revision maps of Alembic's own tests) strictly and fails unless every
# command passes.  Where the conformance kit is not next to the repository
# (a CI clone elsewhere), it says so and succeeds.
#
# RT_CONFORMANCE_DIR overrides where the kit is.

if [ $# -ne 1 ]; then
	echo "usage: $0 RETORT" >&2
	exit 2
fi
case "$1" in
/*) retort=$1 ;;
*) retort=$(pwd)/$1 ;;
esac
if [ ! -x "$retort" ]; then
	echo "conformance: no retort binary at $retort (run make first)" >&2
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) ||
	top=$(cd "$here/.." && pwd)
kit=${RT_CONFORMANCE_DIR:-$top/../shared/conformance}
if [ ! -f "$kit/check.sh" ]; then
	echo "conformance: skipped: no conformance kit at $kit"
	echo "conformance: (set RT_CONFORMANCE_DIR to the shared/conformance directory)"
	exit 0
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# No cache of script headers in the caller's ~/.cache (the corpora are
# too small to use one anyway): retort reads every script, as Alembic.
RETORT_CACHE_DIR=
export RETORT_CACHE_DIR

status=0
for corpus in public ported; do
	echo "conformance: $corpus/"
	if sh "$kit/check.sh" "$retort" "$kit/$corpus" --failures 20 \
		>"$tmp/$corpus" 2>&1; then
		tail -n 2 "$tmp/$corpus"
	else
		cat "$tmp/$corpus"
		status=1
	fi
done
if [ $status -ne 0 ]; then
	echo "conformance: FAILED: some recorded Alembic behaviour differs"
	exit 1
fi
echo "conformance: every recorded command passes"
