#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/mutants.sh - mutation testing: do the tests catch known bugs?
#
# Takes a snapshot of a commit (MUTANTS_REV, default HEAD; never the
# working tree) into the cache, and for each mutant of scripts/mutants.txt
# (a single-line bug: a file, a text that must occur exactly once in it,
# its replacement) puts the bug into the snapshot, runs the parts of
# `make test` that can catch it, and puts the file back:
#   litmus scripts/litmus-check.py: the lockless code against the litmus
#          tests of tests/litmus/ (a second, for every mutant)
#   fuzz   tests/fuzz/fuzz.sh for MUTANTS_FUZZ_SECONDS (default 30), only
#          for mutants of pcpu_bitmap.c or include/xpcpu_bitmap.h (the
#          fuzz target builds nothing else, so it cannot see other bugs)
#   guest  the guest tests on MUTANTS_KVER (default 6.1; scripts/vm.sh)
#   kunit  the KUnit suites on linux-source-6.1 (scripts/kunit.sh), two
#          nodes: the kpcpu backend
#   kunit-offset  the same with xpcpu.pointers=offset: the vmap backend
#          (its page zeroing, its NOIO-scoped growth), as make test runs it
# in that order.  By default a mutant's run stops at the first part that
# kills it (fails); MUTANTS_FULL=1 runs every part for every mutant, so the
# table shows everything that catches each bug.  Before the mutants, the
# unmodified snapshot must pass the same parts (MUTANTS_SKIP_BASELINE=1
# skips that), else the tests are broken and a "kill" would mean nothing.
#
# Prints a table (mutant | file | killed by | time) and the score
# killed/total, also written as Markdown to out/mutants/table.md; logs
# are in out/mutants/<name>/.  Exits non-zero if any mutant survived or
# did not build (a mutant must compile: fix its line in mutants.txt).
#
# Usage: scripts/mutants.sh [NAME...]      (default: every mutant)
# Env:   MUTANTS_REV, MUTANTS_KVER, MUTANTS_FULL, MUTANTS_FUZZ_SECONDS,
#        MUTANTS_SKIP_BASELINE, MUTANTS_FILE (default scripts/mutants.txt)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rev=${MUTANTS_REV:-HEAD}
kver=${MUTANTS_KVER:-6.1}
fuzz_secs=${MUTANTS_FUZZ_SECONDS:-30}
list=${MUTANTS_FILE:-$XPCPU_ROOT/scripts/mutants.txt}
out=$XPCPU_OUT/mutants
[ -f "$list" ] || die "$list is missing; restore it from git (git checkout scripts/mutants.txt)"
command -v git >/dev/null || die "git not found; run: scripts/deps.sh"

# The mutants: parallel arrays, from the list.
names=()
files=()
olds=()
news=()
descs=()
parse_list() {
	local line n=-1 ln=0
	while IFS= read -r line || [ -n "$line" ]; do
		ln=$((ln + 1))
		case $line in
		'' | '#'*) ;;
		'mutant '*)
			n=$((n + 1))
			read -r _ names[n] files[n] descs[n] <<<"$line"
			olds[n]=""
			news[n]=""
			;;
		-*)
			[ "$n" -ge 0 ] || die "$list:$ln: '-' line before any 'mutant' line"
			olds[n]=${line:1}
			;;
		+*)
			[ "$n" -ge 0 ] || die "$list:$ln: '+' line before any 'mutant' line"
			news[n]=${line:1}
			;;
		*) die "$list:$ln: not 'mutant NAME FILE WHAT', '-OLD' or '+NEW': $line" ;;
		esac
	done <"$list"
	for ((n = 0; n < ${#names[@]}; n++)); do
		[ -n "${files[n]:-}" ] && [ -n "${olds[n]}" ] && [ -n "${news[n]}" ] ||
			die "$list: mutant '${names[n]}' needs a file, a '-' and a '+' line"
	done
}

# mutate FILE OLD NEW: replace the one occurrence of OLD in FILE by NEW;
# fails (status 3) unless OLD occurs exactly once.
mutate() {
	MUT_OLD=$2 MUT_NEW=$3 awk '
		BEGIN { o = ENVIRON["MUT_OLD"]; n = ENVIRON["MUT_NEW"] }
		{
			rest = $0
			while ((i = index(rest, o)) > 0) {
				hits++
				rest = substr(rest, i + length(o))
			}
			if (hits == 1 && !done && (i = index($0, o)) > 0) {
				$0 = substr($0, 1, i - 1) n substr($0, i + length(o))
				done = 1
			}
			print
		}
		END { exit hits == 1 ? 0 : 3 }
	' "$1" >"$1.mutant" && mv "$1.mutant" "$1" || { rm -f "$1.mutant"; return 3; }
}

# The snapshot: git archive of the commit, with .xpcpu-snap so that the
# scripts take every file of it as a project file (scripts/lib.sh).
snapshot() {
	sha=$(git -C "$XPCPU_ROOT" rev-parse --verify -q "$rev^{commit}") ||
		die "MUTANTS_REV=$rev is not a commit; use a git revision such as HEAD"
	snap=$XPCPU_CACHE/mutants/src
	pristine=$XPCPU_CACHE/mutants/pristine
	if [ "$(cat "$snap/.xpcpu-mutants-sha" 2>/dev/null)" != "$sha" ]; then
		log "snapshot of $sha in $snap"
		rm -rf "$snap" "$pristine"
		mkdir -p "$snap" "$pristine"
		git -C "$XPCPU_ROOT" archive "$sha" | tar -x -C "$snap" ||
			die "git archive $sha failed; check the repository"
		git -C "$XPCPU_ROOT" archive "$sha" | tar -x -C "$pristine"
		touch "$snap/.xpcpu-snap"
		echo "$sha" >"$snap/.xpcpu-mutants-sha"
	fi
	# Undo whatever an interrupted run left mutated.
	rsync -a --checksum --exclude tests/fuzz/out "$pristine/" "$snap/"
}

# run_part PART DIR: run one part of the tests on the snapshot; prints
# what failed ("" if it passed) and returns 0 if it passed.
run_part() {
	local part=$1 dir=$2 rc=0 failed
	mkdir -p "$dir"
	case $part in
	litmus)
		python3 "$snap/scripts/litmus-check.py" "$snap" >"$dir/litmus.log" 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && return 0
		failed=$(sed -n 's/^FAIL \([^:]*\)\.litmus:.*/\1/p' "$dir/litmus.log" | tr '\n' ' ' | sed 's/ $//')
		echo "litmus: ${failed:-failed}"
		;;
	fuzz)
		"$snap/tests/fuzz/fuzz.sh" "$fuzz_secs" >"$dir/fuzz.log" 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && return 0
		failed=$(grep -m1 -oE 'xpcpu fuzz: FAILED.*|ERROR: [A-Za-z]+Sanitizer[^ ]*|runtime error.*' \
			"$snap/tests/fuzz/out/fuzz.log" "$snap/tests/fuzz/out/replay.log" 2>/dev/null |
			head -n1 | sed 's/^[^:]*://' | cut -c1-60)
		echo "fuzz (${failed:-failed})"
		;;
	guest)
		XPCPU_OUT=$dir "$snap/scripts/vm.sh" test "$kver" >"$dir/guest.log" 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && return 0
		if grep -q 'module build for .* failed' "$dir/guest.log"; then
			echo "BUILD FAILED"
			return 1
		fi
		failed=$(sed -n 's/^  FAIL  //p' "$dir/guest.log" | sed -E 's/hung in stage test:([a-z_]+).*/hang in \1/; s/^([0-9]+) splat line.*/splat/' |
			sort -u | tr '\n' ' ' | sed 's/ $//')
		echo "guest ${kver}: ${failed:-failed}"
		;;
	kunit | kunit-offset)
		# kunit-offset: the same on the vmap backend (xpcpu.pointers=offset),
		# whose code two nodes no longer reach by default (they take kpcpu).
		local pointers="" kdir=kunit-6.1
		[ "$part" = kunit ] || { pointers=offset; kdir=kunit-6.1-offset; }
		XPCPU_OUT=$dir KUNIT_KVER=6.1 KUNIT_POINTERS=$pointers "$snap/scripts/kunit.sh" \
			>"$dir/$part.log" 2>&1 || rc=$?
		[ "$rc" -eq 0 ] && return 0
		if grep -qE 'error:|Error 1' "$dir/$kdir/kunit.out" 2>/dev/null &&
			! [ -s "$dir/$kdir/results.json" ]; then
			echo "BUILD FAILED ($part)"
			return 1
		fi
		failed=$(grep -hoE '^ *not ok [0-9]+ xpcpu_test_[a-z0-9_]+' "$dir/$kdir/test.log" 2>/dev/null |
			awk '{ print $4 }' | sed 's/^xpcpu_test_//' | sort -u | head -n 4 | tr '\n' ' ' | sed 's/ $//')
		grep -q 'splats' "$dir/$part.log" && failed+="${failed:+ }splat"
		echo "$part: ${failed:-failed}"
		;;
	esac
	return 1
}

# parts FILE: the parts that can catch a mutant of FILE, in order.
parts_for() {
	case $1 in
	pcpu_bitmap.c | include/xpcpu_bitmap.h) echo litmus fuzz guest kunit kunit-offset ;;
	*) echo litmus guest kunit kunit-offset ;;
	esac
}

parse_list
want=("$@")
snapshot
mkdir -p "$out"

flaky=""
if [ "${MUTANTS_SKIP_BASELINE:-0}" != 1 ]; then
	log "baseline: the unmodified snapshot must pass litmus, fuzz, guest $kver, kunit and kunit-offset"
	for part in litmus fuzz guest kunit kunit-offset; do
		why=$(run_part "$part" "$out/baseline") && continue
		# Once more: a part that fails only sometimes is flaky, not broken,
		# but a mutant "killed" only by what failed here proves nothing.
		mv "$out/baseline" "$out/baseline-failed-$part"
		why2=$(run_part "$part" "$out/baseline") ||
			die "the unmodified $sha fails its tests twice ($why; $why2; logs in $out/baseline*); fix that before testing mutants"
		log "warning: the unmodified $sha failed once, then passed: $why (flaky; logs in $out/baseline-failed-$part)"
		flaky+="${flaky:+; }$why"
	done
fi

rows=()
killed=0
total=0
bad=0
for ((n = 0; n < ${#names[@]}; n++)); do
	name=${names[n]}
	if [ ${#want[@]} -gt 0 ] && [[ " ${want[*]} " != *" $name "* ]]; then continue; fi
	f=$snap/${files[n]}
	[ -f "$f" ] || die "mutant $name: ${files[n]} is not in the snapshot; fix $list"
	if ! mutate "$f" "${olds[n]}" "${news[n]}"; then
		cp "$pristine/${files[n]}" "$f"
		die "mutant $name: its '-' text does not occur exactly once in ${files[n]} at $sha; fix $list"
	fi
	log "mutant $name (${files[n]}): ${descs[n]}"
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	diff -u "$pristine/${files[n]}" "$f" >"$dir/mutant.diff" || true
	t0=$(date +%s)
	by=()
	for part in $(parts_for "${files[n]}"); do
		if why=$(run_part "$part" "$dir"); then
			continue
		fi
		by+=("$why")
		case $why in BUILD*) break ;; esac
		[ "${MUTANTS_FULL:-0}" = 1 ] || break
	done
	cp "$pristine/${files[n]}" "$f"
	secs=$(($(date +%s) - t0))
	total=$((total + 1))
	if [ ${#by[@]} -eq 0 ]; then
		verdict="**SURVIVED**"
		bad=$((bad + 1))
	elif [[ ${by[0]} == BUILD* ]]; then
		verdict="did not build (fix mutants.txt)"
		bad=$((bad + 1))
	else
		verdict=$(printf '%s; ' "${by[@]}")
		verdict=${verdict%; }
		killed=$((killed + 1))
	fi
	rows+=("| \`$name\` | \`${files[n]}\` | ${descs[n]} | $verdict | ${secs} s |")
	log "mutant $name: $verdict (${secs}s)"
done

{
	echo "Mutants of $sha on $kver ($( [ "${MUTANTS_FULL:-0}" = 1 ] && echo 'every part run' || echo 'stopping at the first part that kills'))"
	echo
	echo "| mutant | file | the bug | killed by | time |"
	echo "|---|---|---|---|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Score: $killed/$total killed"
	[ -z "$flaky" ] || echo "Flaky in the unmodified snapshot (a kill by this alone proves nothing): $flaky"
} | tee "$out/table.md"
[ "$bad" -eq 0 ]
