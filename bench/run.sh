#!/bin/bash
# bench/run.sh - the scale benchmark: heads, history and current on large
# revision graphs (linear and heavily branched), retort against Alembic.
#
#   bench/run.sh [options] RETORT
#
#   --smoke            N=10 only, one run each, no Alembic, no hyperfine,
#                      no callgrind: checks that the scripts still work
#   --sizes "N ..."    sizes (default "10 100 1000 10000")
#   --shapes "S ..."   shapes (default "linear branchy")
#   --runs R           timed runs per retort command (default 10)
#   --warmup W         untimed runs first (default 2)
#   --alembic-cap SEC  skip Alembic where one run takes longer (default 60)
#   --no-alembic       retort only
#   --out DIR          where scale.md goes (default bench/results)
#
# Results: DIR/scale.md (Markdown, see bench/README.md), DIR/scale.tsv (the
# raw figures), the generated projects under DIR/work/.

set -u
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "$0")" && pwd -P)
ALEMBIC_PYTHON=${ALEMBIC_PYTHON:-/usr/bin/python3}
PYTHON=${PYTHON:-python3}
COMMANDS="heads history current"

smoke=
sizes="10 100 1000 10000"
shapes="linear branchy"
runs=10
warmup=2
cap=60
use_alembic=t
out=$BENCH_DIR/results

die () {
	echo "run.sh: $*" >&2
	exit 1
}

usage () {
	sed -n -e '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=t ;;
	--sizes) sizes=$2; shift ;;
	--shapes) shapes=$2; shift ;;
	--runs) runs=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--alembic-cap) cap=$2; shift ;;
	--no-alembic) use_alembic= ;;
	--out) out=$2; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
	shift
done
[ $# = 1 ] || usage
RETORT=$1
case "$RETORT" in
/*) ;;
*) RETORT=$(pwd -P)/$RETORT ;;
esac
[ -x "$RETORT" ] || die "no retort binary at $RETORT (run make first)"

if [ -n "$smoke" ]; then
	sizes=10
	runs=1
	warmup=0
	use_alembic=
fi
if [ -n "$use_alembic" ] && ! "$ALEMBIC_PYTHON" -c 'import alembic' 2>/dev/null; then
	echo "run.sh: no Alembic for $ALEMBIC_PYTHON; timing retort only" >&2
	use_alembic=
fi

# hyperfine cross-checks the largest size; valgrind counts instructions.
# As root, the full run installs the Debian packages hyperfine and time
# when they are missing; without them it still runs, with fewer figures.
have_hyperfine=
if [ -z "$smoke" ]; then
	missing=
	command -v hyperfine >/dev/null || missing="$missing hyperfine"
	[ -x /usr/bin/time ] || missing="$missing time"
	if [ -n "$missing" ] && [ "$(id -u)" = 0 ] &&
	    command -v apt-get >/dev/null; then
		echo "run.sh: installing$missing (Debian)" >&2
		# shellcheck disable=SC2086 # a list of package names
		apt-get install -y $missing >/dev/null 2>&1 ||
			echo "run.sh: could not install$missing" >&2
	fi
	command -v hyperfine >/dev/null && have_hyperfine=t
fi
have_time=
[ -x /usr/bin/time ] && have_time=t
have_valgrind=
[ -z "$smoke" ] && command -v valgrind >/dev/null && have_valgrind=t
max_size=0
for n in $sizes; do
	[ "$n" -gt "$max_size" ] && max_size=$n
done

mkdir -p "$out/work" || die "cannot create $out"
out=$(cd "$out" && pwd -P)
tsv=$out/scale.tsv
md=$out/scale.md
raw=$out/work/raw
mkdir -p "$raw"
printf 'shape\tn\tcommand\ttool\truns\tmedian_ms\tmin_ms\tmax_ms\tpeak_rss_kib\tinstructions\tnote\n' >"$tsv"

# --- measuring --------------------------------------------------------------

# now_us: the wall clock in microseconds, without forking (bash 5).
now_us () {
	local t=$EPOCHREALTIME

	echo "${t/./}"
}

# timed_us DIR CMD...: run CMD in DIR, output discarded, and print how
# many microseconds it took; fails when CMD fails.
timed_us () {
	local dir=$1 t0 t1 rc

	shift
	t0=$(now_us)
	(cd "$dir" && exec "$@") >/dev/null 2>"$raw/last.err"
	rc=$?
	t1=$(now_us)
	[ $rc = 0 ] || { echo "run.sh: failed ($rc) in $dir: $*" >&2; cat "$raw/last.err" >&2; return 1; }
	echo $((t1 - t0))
}

# stats FILE: "median min max" in milliseconds of the microsecond samples
# in FILE (one a line).
stats () {
	sort -n "$1" | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- - -"; exit }
			if (NR % 2) m = v[(NR + 1) / 2]
			else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f\n", m / 1000, v[1] / 1000, v[NR] / 1000
		}'
}

# peak_rss DIR CMD...: the peak resident set size of CMD in KiB.
peak_rss () {
	local dir=$1

	shift
	[ -n "$have_time" ] || { echo -; return 0; }
	(cd "$dir" && /usr/bin/time -f %M -o "$raw/rss" "$@" >/dev/null 2>&1) &&
	tail -n 1 "$raw/rss"
}

# instructions DIR CMD...: instructions CMD executes (callgrind).
instructions () {
	local dir=$1

	shift
	(cd "$dir" && valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$@" >/dev/null 2>"$raw/callgrind.err") &&
	sed -n -e 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$raw/callgrind.err"
}

# row SHAPE N CMD TOOL RUNS "MEDIAN MIN MAX" RSS INSTR NOTE: one TSV line.
row () {
	local stat
	read -r -a stat <<<"$6"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" \
		"$4" "$5" "${stat[0]}" "${stat[1]}" "${stat[2]}" "$7" "$8" "$9" >>"$tsv"
}

# bench_retort SHAPE N DIR: warm-up, then RUNS rounds of the three
# commands, interleaved so that drift hits them alike.
bench_retort () {
	local shape=$1 n=$2 dir=$3 i c us rss instr

	for c in $COMMANDS; do
		: >"$raw/retort.$c"
	done
	for ((i = 0; i < warmup; i++)); do
		for c in $COMMANDS; do
			timed_us "$dir" "$RETORT" "$c" >/dev/null || return 1
		done
	done
	for ((i = 0; i < runs; i++)); do
		for c in $COMMANDS; do
			us=$(timed_us "$dir" "$RETORT" "$c") || return 1
			echo "$us" >>"$raw/retort.$c"
		done
	done
	for c in $COMMANDS; do
		rss=$(peak_rss "$dir" "$RETORT" "$c") || rss=-
		instr=-
		if [ -n "$have_valgrind" ] && [ "$n" = 10000 ]; then
			instr=$(instructions "$dir" "$RETORT" "$c") || instr=-
		fi
		row "$shape" "$n" "$c" retort "$runs" "$(stats "$raw/retort.$c")" \
			"${rss:--}" "${instr:--}" ""
	done
}

# Commands for which Alembic went over the cap at a smaller size, per shape.
declare -A alembic_over=()

# alembic_first_run DIR CMD: Alembic's CMD once, stopped at the cap; under
# /usr/bin/time (elapsed seconds and peak RSS into $raw/atime) when present.
alembic_first_run () {
	local wrap=()

	[ -n "$have_time" ] && wrap=(/usr/bin/time -f '%e %M' -o "$raw/atime")
	(cd "$1" && timeout "$cap" "${wrap[@]}" "$ALEMBIC_PYTHON" -m alembic "$2" \
		>/dev/null 2>"$raw/last.err")
}

# bench_alembic SHAPE N DIR: a first run (under /usr/bin/time: elapsed
# time and peak RSS) shows what Alembic costs at this size; under 1 s
# four more runs are timed, under 10 s two more, else that run is the
# only sample.  Over the cap the command is skipped from then on.
bench_alembic () {
	local shape=$1 n=$2 dir=$3 c us more i rss secs
	local py=("$ALEMBIC_PYTHON" -m alembic)

	for c in $COMMANDS; do
		if [ -n "${alembic_over[$shape.$c]:-}" ]; then
			row "$shape" "$n" "$c" alembic 0 "- - -" - - "over ${cap} s at N=${alembic_over[$shape.$c]}: not run"
			continue
		fi
		: >"$raw/alembic.$c"
		if ! alembic_first_run "$dir" "$c"; then
			alembic_over[$shape.$c]=$n
			row "$shape" "$n" "$c" alembic 0 "- - -" - - "over ${cap} s (or failed): not measured"
			continue
		fi
		secs=1
		rss=-
		if [ -n "$have_time" ]; then
			read -r secs rss <"$raw/atime"
		fi
		more=0
		case "$secs" in
		0.*) more=4 ;;
		[1-9].*) more=2 ;;
		esac
		if [ $more = 0 ]; then
			# one sample: the first run itself
			awk -v s="$secs" 'BEGIN { printf "%d\n", s * 1000000 }' >>"$raw/alembic.$c"
		fi
		for ((i = 0; i < more; i++)); do
			us=$(timed_us "$dir" "${py[@]}" "$c") || return 1
			echo "$us" >>"$raw/alembic.$c"
		done
		row "$shape" "$n" "$c" alembic "$(wc -l <"$raw/alembic.$c")" \
			"$(stats "$raw/alembic.$c")" "$rss" - ""
	done
}

# hyperfine_check SHAPE DIR: hyperfine's figures for retort, to cross-check
# the loop above.
hyperfine_check () {
	local shape=$1 dir=$2 c

	for c in $COMMANDS; do
		(cd "$dir" && hyperfine -N --style none --warmup 3 --runs 20 \
			--export-json "$raw/hf.$shape.$c.json" "$RETORT $c" >/dev/null 2>&1) ||
			echo "run.sh: hyperfine failed on $shape $c" >&2
	done
}

# --- the run ----------------------------------------------------------------

for shape in $shapes; do
	for n in $sizes; do
		proj=$out/work/$shape-$n
		echo "run.sh: $shape N=$n" >&2
		rm -rf "$proj"
		"$PYTHON" "$BENCH_DIR/gen_project.py" --shape "$shape" \
			--n "$n" --out "$proj" || die "gen_project.py failed"
		# current needs the database at the heads
		(cd "$proj/retort" && "$RETORT" stamp heads >/dev/null 2>&1) ||
			die "retort stamp heads failed in $proj/retort"
		if command -v sqlite3 >/dev/null; then
			rows=$(sqlite3 "$proj/retort/test.db" 'SELECT count(*) FROM alembic_version')
			[ "$rows" = "$(wc -l <"$proj/heads.txt")" ] ||
				die "stamp heads left $rows rows in $proj/retort/test.db"
		fi
		cp "$proj/retort/test.db" "$proj/alembic/test.db"
		bench_retort "$shape" "$n" "$proj/retort" || die "retort failed"
		if [ -n "$use_alembic" ]; then
			bench_alembic "$shape" "$n" "$proj/alembic" || die "alembic failed"
		fi
		if [ -n "$have_hyperfine" ] && [ "$n" = "$max_size" ]; then
			hyperfine_check "$shape" "$proj/retort"
		fi
	done
done

# --- the report -------------------------------------------------------------

# field SHAPE N CMD TOOL COLUMN: one figure of the TSV.
field () {
	awk -F '\t' -v s="$1" -v n="$2" -v c="$3" -v t="$4" -v col="$5" '
		NR == 1 { for (i = 1; i <= NF; i++) idx[$i] = i; next }
		$1 == s && $2 == n && $3 == c && $4 == t { print $idx[col]; exit }
	' "$tsv"
}

# span LO HI: "LO–HI", or "-" when there is no figure.
span () {
	case "$1$2" in
	*-* | '') echo - ;;
	*) echo "$1–$2" ;;
	esac
}

cpu=$(sed -n -e 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
{
	echo "# retort scale benchmark"
	echo
	echo "Generated $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run.sh${smoke:+ --smoke}\`."
	echo
	echo "## Machine and versions"
	echo
	echo "- CPU: ${cpu:-unknown}, $(nproc) CPU(s); $(uname -sr)"
	echo "- retort: $("$RETORT" --version 2>/dev/null | head -n 1) ($RETORT)"
	if [ -n "$use_alembic" ]; then
		echo "- Alembic: $("$ALEMBIC_PYTHON" -m alembic --version 2>/dev/null), SQLAlchemy $("$ALEMBIC_PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)' 2>/dev/null), $("$ALEMBIC_PYTHON" --version 2>&1)"
	else
		echo "- Alembic: not measured"
	fi
	echo "- SQLite shell: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
	echo "- timing: bash loop on \$EPOCHREALTIME, $warmup warm-up round(s), $runs timed round(s) of heads/history/current interleaved (retort); Alembic: see the runs column; no Alembic run longer than ${cap} s"
	[ -n "$have_hyperfine" ] && echo "- cross-check: $(hyperfine --version)"
	echo
	echo "## Times"
	echo
	echo "Milliseconds, wall clock, process start to exit. The ratio is retort's median over Alembic's (×: how many times faster retort is)."
	echo
	echo "| shape | N | command | retort median | retort min–max | Alembic median | Alembic min–max | Alembic runs | retort/Alembic | retort peak RSS KiB | Alembic peak RSS KiB |"
	echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for shape in $shapes; do
		for n in $sizes; do
			for c in $COMMANDS; do
				rm_=$(field "$shape" "$n" "$c" retort median_ms)
				rlo=$(field "$shape" "$n" "$c" retort min_ms)
				rhi=$(field "$shape" "$n" "$c" retort max_ms)
				rrss=$(field "$shape" "$n" "$c" retort peak_rss_kib)
				am=$(field "$shape" "$n" "$c" alembic median_ms)
				alo=$(field "$shape" "$n" "$c" alembic min_ms)
				ahi=$(field "$shape" "$n" "$c" alembic max_ms)
				aruns=$(field "$shape" "$n" "$c" alembic runs)
				arss=$(field "$shape" "$n" "$c" alembic peak_rss_kib)
				anote=$(field "$shape" "$n" "$c" alembic note)
				ratio=-
				if [ -n "$am" ] && [ "$am" != - ] && [ -n "$rm_" ] && [ "$rm_" != - ]; then
					ratio=$(awk -v r="$rm_" -v a="$am" 'BEGIN {
						if (a <= 0 || r <= 0) { print "-"; exit }
						printf "%.4f (×%.0f)", r / a, a / r }')
				fi
				if [ -z "$use_alembic" ]; then
					am="not run"; alo=-; ahi=-; aruns=-; arss=-
				elif [ -n "$anote" ]; then
					am=$anote; alo=-; ahi=-
				fi
				echo "| $shape | $n | $c | ${rm_:--} | $(span "$rlo" "$rhi") | ${am:--} | $(span "$alo" "$ahi") | ${aruns:--} | $ratio | ${rrss:--} | ${arss:--} |"
			done
		done
	done
	if [ -n "$have_valgrind" ] && [ "$max_size" = 10000 ]; then
		echo
		echo "## Instructions (retort, N=10000, valgrind --tool=callgrind)"
		echo
		echo "| shape | command | instructions |"
		echo "|---|---|---:|"
		for shape in $shapes; do
			for c in $COMMANDS; do
				echo "| $shape | $c | $(field "$shape" 10000 "$c" retort instructions) |"
			done
		done
	fi
	if [ -n "$have_hyperfine" ]; then
		echo
		echo "## hyperfine cross-check (retort, N=$max_size, 3 warm-up + 20 runs, no shell)"
		echo
		echo "| shape | command | mean ± σ ms | median ms | min–max ms |"
		echo "|---|---|---:|---:|---:|"
		for shape in $shapes; do
			for c in $COMMANDS; do
				f=$raw/hf.$shape.$c.json
				[ -f "$f" ] || continue
				"$PYTHON" - "$f" "$shape" "$c" <<-\EOF
				import json, sys
				r = json.load(open(sys.argv[1]))["results"][0]
				ms = lambda x: "%.2f" % (x * 1000)
				print("| %s | %s | %s ± %s | %s | %s–%s |" % (sys.argv[2], sys.argv[3],
				      ms(r["mean"]), ms(r["stddev"]), ms(r["median"]), ms(r["min"]), ms(r["max"])))
				EOF
			done
		done
	fi
	echo
	echo "Shapes: see bench/gen_project.py (branchy: up to 100 parallel lanes, merged and forked again every 5 revisions per lane). Raw figures: scale.tsv."
} >"$md"

echo "run.sh: wrote $md" >&2
