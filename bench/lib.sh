# Shared by the shell benchmarks (sourced, not run): the programs, a scratch
# directory removed at exit (with the daemon, if one was started), timing
# helpers, and the 20 teams in 4 areas every benchmark database gets.
#   bench_init NAME CONNINFO   sets top, STEADYD, STEADYCTL, tmp; migrates; adds the teams
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STEADYD=${STEADYD:-$top/build/daemon/steadyd}
STEADYCTL=${STEADYCTL:-$top/build/daemon/steadyctl}
daemon_pid=
tmp=

bench_cleanup() {
	if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi
	if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_init() {
	local name=$1 db=$2
	tmp=$(mktemp -d "/tmp/steady-$name.XXXXXX")
	trap bench_cleanup EXIT
	"$STEADYCTL" --db "$db" migrate >/dev/null
	for i in $(seq 1 20); do
		"$STEADYCTL" --db "$db" team add "T$i" "Team $i" --area "Area $(( (i - 1) / 5 + 1 ))" >/dev/null 2>&1 || true
	done
}
