#!/usr/bin/env bash
# `dedupe index add` against datasketch+Redis, timed by Debian's hyperfine (whole processes, a warm-up, several
# runs each, the ratio between the means that hyperfine prints), as a cross-check of benchmarks.index_history.
#
#     bash benchmarks/index_hyperfine.sh /work/shared/corpora/reuters21578.jsonl [RUNS] [SCALE]
#
# History is the corpus as benchmarks.index_history derives it (benchmarks.scan_reuters.scaled_corpus at SCALE,
# default 1: id, source and text per article, no date or title); SCALE 0 takes the corpus file as it is.
# Each run adds the whole corpus into a fresh store, made by hyperfine's --prepare (untimed): our index files
# removed; Redis emptied with FLUSHALL. The Redis server is started on a free localhost port and stopped here.
# Needs `hyperfine` and `redis-server` (Debian) and the project's .venv (`make setup`).
# Bytecode is written and reused, as after `pip install` (which compiles it), for both contestants: a shell that
# sets PYTHONDONTWRITEBYTECODE would have every run of ours compile the modules changed since their last .pyc
# (the peer's packages in site-packages were compiled when installed), as benchmarks.process_time says.
set -euo pipefail
unset PYTHONDONTWRITEBYTECODE
corpus=${1:?usage: index_hyperfine.sh CORPUS.jsonl [RUNS] [SCALE]}
runs=${2:-10}
scale=${3:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
py="$root/.venv/bin/python"
command -v hyperfine >/dev/null || { echo "index_hyperfine.sh: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
corpus=$(realpath "$corpus")
work=$(mktemp -d)
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
if [ "$scale" != 0 ]; then
    "$py" -c 'import sys; from pathlib import Path; sys.path.insert(0, sys.argv[4])
from benchmarks.scan_reuters import scaled_corpus
print("history: %d articles, %.1f M characters" % scaled_corpus(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])))' \
        "$corpus" "$scale" "$work/history.jsonl" "$root"
    corpus="$work/history.jsonl"
fi
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
cd "$root"
echo "1-minute load average before: $(cut -d' ' -f1 /proc/loadavg)"
hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$work/times.json" \
    --prepare "rm -f $work/h.db $work/h.db-wal $work/h.db-shm" \
    --command-name "dedupe index add" "$root/.venv/bin/dedupe index add $work/h.db $corpus" \
    --prepare "redis-cli -p $port flushall" \
    --command-name "datasketch+redis add" \
    "$py -m benchmarks._index_methods redis add $corpus $work/state $work/out.json --redis-port $port"
echo "1-minute load average after: $(cut -d' ' -f1 /proc/loadavg)"
"$py" - "$work/times.json" <<'EOF'
import json, sys
ours, peer = json.load(open(sys.argv[1]))["results"]
print(f"median: ours {ours['median']:.3f} s, datasketch+redis {peer['median']:.3f} s: "
      f"{peer['median'] / ours['median']:.1f}x (means: {peer['mean'] / ours['mean']:.1f}x)")
EOF
