#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for tests/test_slurm.py, without systemd.
#
#   .ci/slurm.sh up     install Debian's slurmctld, slurmd, slurm-client and munge where
#                       missing, write a one-node slurm.conf under $TOPICS_SLURM_DIR, start
#                       munged (unless one already answers), slurmctld and slurmd, and wait
#                       until the node is idle
#   .ci/slurm.sh down   stop exactly the daemons `up` started (their pids are recorded)
#
# State, logs and the configuration live in $TOPICS_SLURM_DIR (default /tmp/topics-slurm);
# /etc/slurm/slurm.conf is a link to that configuration while the cluster is up, because
# jobs find their configuration there (Snakemake's job steps drop SLURM_CONF). `up` stops
# where a slurm.conf of someone else's is in place. Only .ci/run calls this script: the
# tests never start a cluster themselves.
set -euo pipefail

DIR=${TOPICS_SLURM_DIR:-/tmp/topics-slurm}
CONF=$DIR/slurm.conf
LINK=/etc/slurm/slurm.conf

say() { echo "slurm.sh: $*" >&2; }

# Our own pid files only: a daemon counts as ours when its pid file is in $DIR/started.
started() { ls "$DIR"/started 2>/dev/null || true; }

install_packages() {
    local missing=()
    command -v slurmctld >/dev/null || missing+=(slurmctld)
    command -v slurmd >/dev/null || missing+=(slurmd)
    command -v sbatch >/dev/null || missing+=(slurm-client)
    command -v munged >/dev/null || missing+=(munge)
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    fi
}

munge_answers() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
    if munge_answers; then
        say "munged already running: using it, and leaving it running"
        return
    fi
    if [[ ! -s /etc/munge/munge.key ]]; then
        # Debian's package makes a key on install; a machine without one gets a fresh one.
        runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do munge_answers && break; sleep 0.1; done
    munge_answers || { say "munged did not start"; exit 1; }
    echo /run/munge/munged.pid >"$DIR/started/munged"
}

write_conf() {
    local host cpus mem
    host=$(hostname -s)
    cpus=$(nproc)
    # What slurmd finds on this machine, less 1 GB for the daemons and the test itself.
    mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    mem=$((mem > 2048 ? mem - 1024 : mem))
    cat >"$CONF" <<CONF
# One-node cluster written by .ci/slurm.sh; no accounting database, no cgroups.
ClusterName=topics
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
# Finished jobs stay visible to squeue this long: Snakemake's SLURM executor reads their
# state with squeue (no sacct without a database), at least 3 x its first status check.
MinJobAge=300
ReturnToService=2
SlurmdTimeout=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

up() {
    # What an earlier `up` left behind (a run that never reached `down`) goes first.
    if [[ -n "$(started)" ]]; then down; fi
    if [[ -L "$LINK" && "$(readlink "$LINK")" == "$CONF" ]]; then rm -f "$LINK"; fi
    install_packages
    if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
        say "a slurmctld or slurmd is already running on this machine; not starting another"
        exit 1
    fi
    if [[ -e "$LINK" || -L "$LINK" ]]; then
        say "$LINK exists: this machine has a SLURM configuration of its own; not replacing it"
        exit 1
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"/state "$DIR"/spool "$DIR"/started
    write_conf
    mkdir -p "$(dirname "$LINK")"
    ln -s "$CONF" "$LINK"
    echo "$LINK" >"$DIR/started/link"
    start_munge
    # Both daemonize; their pid files are in $DIR.
    slurmctld -f "$CONF"
    echo "$DIR/slurmctld.pid" >"$DIR/started/slurmctld"
    slurmd -f "$CONF"
    echo "$DIR/slurmd.pid" >"$DIR/started/slurmd"
    for _ in $(seq 60); do
        if [[ "$(sinfo --noheader --states=idle --format=%n 2>/dev/null)" ]]; then
            say "node $(hostname -s) idle"
            return
        fi
        sleep 0.5
    done
    say "the node did not become idle in 30 s:"
    sinfo -N -l >&2 || true
    tail -n 20 "$DIR"/slurmctld.log "$DIR"/slurmd.log >&2 || true
    down
    exit 1
}

# Stop one daemon we started: SIGTERM to the pid in its pid file, if that process is the
# daemon named, then wait for it to go.
stop() {
    local name=$1 pidfile pid
    pidfile=$(cat "$DIR/started/$name")
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [[ -n "$pid" && "$(cat /proc/"$pid"/comm 2>/dev/null)" == "$name" ]]; then
        kill "$pid"
        for _ in $(seq 100); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
        if [[ -d /proc/$pid ]]; then
            say "$name ($pid) did not stop on SIGTERM; killing it"
            kill -KILL "$pid" || true
        fi
    fi
    rm -f "$DIR/started/$name"
}

down() {
    [[ -d "$DIR/started" ]] || return 0
    # Jobs still running would outlive slurmd as orphaned job steps.
    if [[ -e "$DIR/started/slurmctld" ]]; then
        squeue --noheader --format=%A 2>/dev/null | xargs -r scancel 2>/dev/null || true
    fi
    for name in slurmd slurmctld munged; do
        if [[ -e "$DIR/started/$name" ]]; then stop "$name"; fi
    done
    if [[ -e "$DIR/started/link" && "$(readlink "$LINK")" == "$CONF" ]]; then
        rm -f "$LINK"
    fi
    rm -f "$DIR/started/link"
    say "stopped"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
