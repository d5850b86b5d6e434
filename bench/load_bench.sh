#!/usr/bin/env bash
# Loading a 100,000-row roster: parse + validate + load through the real paths
# (steadyd's POST /api/v1/uploads, and steadyctl upload) against
# `psql -c "\copy"` of the same file into a plain table, on the same database,
# in the same run.  Prints the medians, the ratios and peak memory (VmHWM).
# Speed is measured here, never asserted in a test.
#
#   bench/load_bench.sh CONNINFO [ROWS] [RUNS]
#     CONNINFO  a scratch database (it is migrated; teams and batches are added)
#     STEADYD / STEADYCTL  the programs (default build/daemon/...)
set -euo pipefail
db=${1:?usage: bench/load_bench.sh CONNINFO [ROWS] [RUNS]}
rows=${2:-100000}
runs=${3:-5}
. "$(dirname "$0")/lib.sh"
bench_init load-bench "$db"

# A realistic extract: every column, UK dates, a few leavers, agency and part-time staff.
f=$tmp/roster.csv
awk -v n="$rows" 'BEGIN {
	srand(42);
	print "Employee Number,Cost Centre,Contract Type,FTE,Job Title,Caseload,Start Date,Leaving Date,Sickness Days";
	split("Permanent,Permanent,Permanent,Fixed Term,Agency", ct, ",");
	for (i = 1; i <= n; i++) {
		c = ct[int(rand() * 5) + 1];
		fte = (rand() < 0.8) ? "1.0" : sprintf("0.%d", int(rand() * 9) + 1);
		end = (rand() < 0.05) ? sprintf("%02d/%02d/2026", int(rand() * 28) + 1, int(rand() * 9) + 1) : "";
		printf "E%07d,T%d,%s,%s,Social Worker,%d,%02d/%02d/%d,%s,%d\n", i, int(rand() * 20) + 1, c, fte,
			int(rand() * 25), int(rand() * 28) + 1, int(rand() * 12) + 1, 2000 + int(rand() * 26), end, int(rand() * 10);
	}
}' > "$f"
bytes=$(stat -c %s "$f")
echo "roster: $rows rows, $bytes bytes ($f)"

psql -X -q -d "$db" -c "DROP TABLE IF EXISTS bench_plain; CREATE TABLE bench_plain (staff_id text, team text, contract text, fte numeric, role text, caseload integer, start_date date, end_date date, absence_days numeric)" >/dev/null

# steadyd on a free port
port=$(free_port)
"$STEADYD" --listen "127.0.0.1:$port" --db "$db" --log-level warn >"$tmp/steadyd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
auth=()
if [ -n "${STEADY_BENCH_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer $STEADY_BENCH_TOKEN"); fi
if [ "$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$port/api/v1/uploads?limit=1")" = 401 ]; then
	tok=$("$STEADYCTL" --db "$db" token add "load-bench-$$" --role admin | cut -f2)
	auth=(-H "Authorization: Bearer $tok")
fi

: > "$tmp/copy" ; : > "$tmp/api" ; : > "$tmp/ctl"
for r in $(seq 1 "$runs"); do
	day=$(printf '2026-%02d-28' "$r")
	psql -X -q -d "$db" -c "TRUNCATE bench_plain" >/dev/null
	t0=$(now)
	PGDATESTYLE='ISO, DMY' psql -X -q -d "$db" -c "\\copy bench_plain FROM '$f' WITH (FORMAT csv, HEADER true)" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$tmp/copy"

	t0=$(now)
	code=$(curl -s -o "$tmp/api.out" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: text/csv' --data-binary "@$f" \
		"http://127.0.0.1:$port/api/v1/uploads?kind=roster&source=bench&as_of=$day")
	t1=$(now)
	[ "$code" = 201 ] || { echo "API upload failed: $code $(head -c 400 "$tmp/api.out")" >&2; exit 1; }
	echo "$t1 - $t0" | bc -l >> "$tmp/api"

	t0=$(now)
	/usr/bin/time -f '%M' -o "$tmp/ctl.rss" "$STEADYCTL" --db "$db" upload --source benchctl --as-of "$day" "$f" >/dev/null
	t1=$(now)
	echo "$t1 - $t0" | bc -l >> "$tmp/ctl"
done
copy=$(median < "$tmp/copy"); api=$(median < "$tmp/api"); ctl=$(median < "$tmp/ctl")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status")
printf 'median of %d runs, %d rows (%d bytes):\n' "$runs" "$rows" "$bytes"
printf '  psql \\copy into a plain table      %7.3f s\n' "$copy"
printf '  steadyd POST /api/v1/uploads       %7.3f s   %.2fx \\copy\n' "$api" "$(echo "$api / $copy" | bc -l)"
printf '  steadyctl upload                   %7.3f s   %.2fx \\copy\n' "$ctl" "$(echo "$ctl / $copy" | bc -l)"
printf '  steadyd peak RSS (VmHWM) %d KiB, RSS after %d KiB; steadyctl max RSS %d KiB\n' "$hwm" "$rss" "$(cat "$tmp/ctl.rss")"
