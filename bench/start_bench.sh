#!/usr/bin/env bash
# steadyd's start-up with a large county's history: 60 monthly snapshots of
# 4,000 staff rows (240,000 roster rows, 20 teams in 4 areas), loaded once with
# steadyctl; then, per run, the time from starting steadyd to its first
# /api/v1/summary with the newest as-of date (connect, migrations check, read
# every batch's rows, compute every figure).  Reference in the same run: psql
# reading the same 240,000 rows (COPY (SELECT ...) TO STDOUT, to /dev/null).
# Speed is measured here, never asserted in a test.
#
#   bench/start_bench.sh CONNINFO [RUNS]
#     CONNINFO  a scratch database (migrated; teams and batches are added once)
#     STEADYD / STEADYCTL  the programs (default build/daemon/...)
set -euo pipefail
db=${1:?usage: bench/start_bench.sh CONNINFO [RUNS]}
runs=${2:-5}
. "$(dirname "$0")/lib.sh"
bench_init start-bench "$db"

last=
loaded=$(psql -X -At -d "$db" -c "SELECT count(*) FROM upload_batch WHERE source = 'startbench' AND status = 'loaded'")
for m in $(seq 0 59); do
	# October 2021 .. September 2026, month ends; 60 leavers and 60 starters a month
	y=$(( 2021 + (m + 9) / 12 )); mo=$(( (m + 9) % 12 + 1 ))
	last=$(date -d "$y-$(printf %02d "$mo")-01 +1 month -1 day" +%F)
	[ "$loaded" -ge 60 ] && continue
	f=$tmp/roster-$m.csv
	awk -v m="$m" 'BEGIN {
		print "staff_id,team,contract,fte,role,caseload,start_date";
		for (i = m * 60 + 1; i <= m * 60 + 4000; i++) {
			c = (i % 5 == 0) ? "agency" : (i % 17 == 0 ? "fixed_term" : "permanent");
			fte = (i % 7 == 0) ? "0.6" : "1.0";
			printf "S%06d,T%d,%s,%s,Social Worker,%d,2015-04-01\n", i, i % 20 + 1, c, fte, 10 + i % 15;
		}
	}' > "$f"
	"$STEADYCTL" --db "$db" upload --source startbench --as-of "$last" "$f" >/dev/null
done
rows=$(psql -X -At -d "$db" -c "SELECT count(*) FROM roster_row r JOIN upload_batch b ON b.id = r.batch_id WHERE b.status = 'loaded'")
echo "history: $rows loaded roster rows in $(psql -X -At -d "$db" -c "SELECT count(*) FROM upload_batch WHERE status = 'loaded'") batches; newest as-of $last"

tok=$("$STEADYCTL" --db "$db" token add "start-bench-$$" --role viewer | cut -f2)
port=$(free_port)
: > "$tmp/ref"; : > "$tmp/start"; : > "$tmp/rss"
for r in $(seq 1 "$runs"); do
	t0=$(now)
	psql -X -q -d "$db" -c "COPY (SELECT r.* FROM roster_row r JOIN upload_batch b ON b.id = r.batch_id WHERE b.status = 'loaded') TO STDOUT" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$tmp/ref"

	t0=$(now)
	"$STEADYD" --listen "127.0.0.1:$port" --db "$db" --log-level warn >"$tmp/steadyd.log" 2>&1 &
	daemon_pid=$!
	for _ in $(seq 1 6000); do
		asof=$(curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/summary" 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin).get("as_of"))' 2>/dev/null || true)
		[ "$asof" = "$last" ] && break
		sleep 0.02
	done
	t1=$(now)
	[ "$asof" = "$last" ] || { echo "steadyd did not serve as_of $last: $(tail -5 "$tmp/steadyd.log")" >&2; exit 1; }
	echo "$t1 - $t0" | bc -l >> "$tmp/start"
	awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status" >> "$tmp/rss"
	kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=
done
ref=$(median < "$tmp/ref"); start=$(median < "$tmp/start"); rss=$(median < "$tmp/rss")
printf 'psql reading the %s rows (reference): median %.3f s\n' "$rows" "$ref"
printf 'steadyd start to first summary:       median %.3f s (%.1fx the reference), peak RSS %d MB\n' \
	"$start" "$(echo "$start / $ref" | bc -l)" "$(( rss / 1024 ))"
