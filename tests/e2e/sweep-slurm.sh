#!/usr/bin/env bash
# Real Slurm on localhost: generates a munge key and a slurm.conf (one node = this machine,
# its cores, state and spool in a temporary directory, non-default ports), starts munged,
# slurmctld and slurmd, runs a 4-cell sweep of the small office as one job array, and checks
# that the merged results are byte-identical to the same sweep run locally with --jobs 2, and
# that `plan --seeds --slurm` gives the same seeds.json as locally. Also checks that a refused submission shows sbatch's message. Every daemon it started is
# stopped on exit, also on failure. When Slurm cannot start, the test FAILS and says why.
#
#   sweep-slurm.sh VANTAGE SOURCE_DIR HAVE_SIM
set -uo pipefail
VANTAGE=$1
SRC=$2
HAVE_SIM=${3:-1}
if [ "$HAVE_SIM" != 1 ]; then
  echo "SKIPPED: built without the simulator"
  exit 0
fi

fail() {
  echo "FAIL: $*" >&2
  for f in "$T"/log/*; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}

for tool in munged slurmctld slurmd sbatch squeue sinfo ss; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (scripts/setup.sh installs slurmctld slurmd slurm-client munge)" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
  echo "FAIL: the Slurm fixture runs the daemons as root (SlurmUser=root); run as root" >&2
  exit 1
fi

# Short path: munge's socket path must fit in sun_path.
T=$(mktemp -d /tmp/vantage-slurm-XXXXXX)
chmod 755 "$T"
mkdir -p "$T/state" "$T/spool" "$T/log"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    if ! ss -ltnH "sport = :$p" | grep -q . && ! ss -ltnH "sport = :$((p + 1))" | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  return 1
}
PORT=$(free_port) || fail "no free TCP port pair"

# munge: a fresh key, its own socket.
dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 status=none
chmod 600 "$T/munge.key"
munged -F --force --key-file="$T/munge.key" --socket="$T/munge.sock" \
  --pid-file="$T/munged.pid" --log-file="$T/log/munged.log" --seed-file="$T/munged.seed" \
  >"$T/log/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge.sock" ] || fail "munged did not start"

HOST=$(hostname -s)
CPUS=$(nproc)
cat >"$T/slurm.conf" <<CONF
ClusterName=vantagetest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$T/slurm.conf

# Foreground daemons (-D) in the background: no systemd needed.
slurmctld -D -i >"$T/log/slurmctld.out" 2>&1 &
CTLD=$!
PIDS+=($CTLD)
slurmd -D >"$T/log/slurmd.out" 2>&1 &
SLURMD=$!
PIDS+=($SLURMD)
# Up to 60 s; a daemon that exits fails the test at once (sinfo alone would retry for minutes).
state=""
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  kill -0 $CTLD 2>/dev/null || fail "slurmctld exited at start (its log follows)"
  kill -0 $SLURMD 2>/dev/null || fail "slurmd exited at start (its log follows)"
  state=$(timeout 5 sinfo -h -o %T 2>/dev/null | head -n1)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "Slurm did not come up within 60 s (node state '$state')"
echo "slurm up: node $HOST, $CPUS CPUs, ports $PORT/$((PORT + 1))"

SWEEP="$SRC/sweeps/small-office-seeds.yaml"
cd "$T" || fail "cd $T"

# A refused submission shows sbatch's own message and keeps nothing half-done.
out=$(timeout 60 "$VANTAGE" sweep run "$SWEEP" --out refused --slurm --partition no-such-partition -q 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "a refused submission did not fail"
echo "$out" | grep -q "sbatch refused the submission" || fail "no sbatch message: $out"
echo "$out" | grep -qi "partition" || fail "sbatch's reason is not shown: $out"
echo "refused submission reported: $(echo "$out" | tail -n1)"

# Bounded below CTest's timeout, so that on a stuck queue this script still stops its daemons.
timeout 150 "$VANTAGE" sweep run "$SWEEP" --out slurm --slurm --array-limit 2 -q \
  || fail "the sweep on Slurm failed or did not finish within 150 s: $(squeue 2>&1 | head -n 5)"
"$VANTAGE" sweep status slurm || fail "status after the Slurm sweep"
ls slurm/slurm/task-*.out >/dev/null 2>&1 || fail "no Slurm task output: the cells did not run as array tasks"
"$VANTAGE" sweep run "$SWEEP" --out local --jobs 2 -q || fail "the local sweep failed"
for f in results.json results.csv; do
  cmp "slurm/$f" "local/$f" || fail "$f differs between Slurm and --jobs 2"
done
cells=$(grep -c '^[0-9]' slurm/results.csv)
[ "$cells" = 4 ] || fail "expected 4 cells in results.csv, found $cells"

# A plan across seeds through the same machinery on Slurm equals the local one.
TOPO=$SRC/topologies/small-office.yaml
SCEN=$SRC/scenarios/small-office-baseline.yaml
timeout 100 "$VANTAGE" plan "$TOPO" "$SCEN" --seeds 1-2 --slurm --out plan-slurm -q >/dev/null \
  || fail "plan --seeds --slurm failed"
"$VANTAGE" plan "$TOPO" "$SCEN" --seeds 1-2 --jobs 2 --out plan-local -q >/dev/null \
  || fail "plan --seeds --jobs 2 failed"
cmp plan-slurm/seeds.json plan-local/seeds.json || fail "seeds.json differs between Slurm and local"
echo "PASS: 4 cells on Slurm, results byte-identical to --jobs 2; plan --seeds on Slurm too"
