#!/usr/bin/env bash
# ADBench's Manual and Tapenade modules beside ours, in one run (one thread, float64).
#
#   bash peers/adbench/run.sh ADBENCH_CHECKOUT [DATA_DIR] [MIN_TIME] [TIME_LIMIT]
#
# Builds ADBench's C++ runner and its Manual and Tapenade modules with g++/gcc -O3 from a
# checkout of microsoft/ADBench whose path you give (its src/cpp; nothing of ADBench is copied
# into this repository), builds our `adbench` example, then for every input of DATA_DIR
# (default: ../shared/data/adbench; .gz inputs are decompressed to a scratch folder, as
# ADBench's harness does) runs Manual, Tapenade and ours one after the other with ADBench's
# methodology (MIN_TIME default 0.5 s, TIME_LIMIT default 10 s, 10 runs at most), and prints
# one table: each tool's objective and gradient times, and the largest rho(ours, Manual)
# over the objective and the gradient/Jacobian files (ADBench's tolerance: 1e-8).
set -euo pipefail
adbench=${1:?usage: run.sh ADBENCH_CHECKOUT [DATA_DIR] [MIN_TIME] [TIME_LIMIT]}
repo=$(cd "$(dirname "$0")/../.." && pwd)
data=${2:-$repo/../shared/data/adbench}
min_time=${3:-0.5}
time_limit=${4:-10}
src=$adbench/src/cpp
[ -d "$src/runner" ] || { echo "no $src/runner: give the path of an ADBench checkout" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/adbench-peers.XXXXXX")
echo "building ADBench's runner, Manual and Tapenade in $work" >&2
( cd "$work"
  g++ -O3 -std=c++17 -o CppRunner "$src"/runner/{GMMBenchmark,BABenchmark,HandBenchmark,LSTMBenchmark,Filepaths,ModuleLoader,OutputSave,main}.cpp "$src/shared/utils.cpp" -ldl
  g++ -O3 -std=c++17 -fPIC -shared -o libManual.so "$src"/modules/manual/{gmm_d,ba_d,lstm_d,ManualGMM,ManualBA,ManualLSTM}.cpp "$src/shared/utils.cpp"
  for f in gmm/gmm gmm/gmm_b lstm/lstm lstm/lstm_b ba/ba ba/ba_b utils/adBuffer utils/adStack; do
    gcc -O3 -fPIC -c "$src/modules/tapenade/$f.c" -o "$(basename "$f").o"
  done
  g++ -O3 -std=c++17 -fPIC -shared -o libTapenade.so "$src"/modules/tapenade/{TapenadeGMM,TapenadeBA,TapenadeLSTM}.cpp "$src/shared/utils.cpp" ./*.o
)
( cd "$repo" && cargo build --release --example adbench -q )
ours=$repo/target/release/examples/adbench
export OPENBLAS_NUM_THREADS=1
printf '| input | Manual: objective | Manual: gradient | Tapenade: objective | Tapenade: gradient | ours: objective | ours: gradient | ours: gradient/objective | rho(ours, Manual) |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for kind in gmm lstm ba; do
  for input in $(find "$data/$kind" -type f | sort); do
    name=$(basename "$input"); name=${name%.gz}; name=${name%.txt}
    # gmm/1k/gmm_d10_K25 and gmm/10k/gmm_d10_K25 share a name: a folder each.
    rel=${input#"$data"/}; rel=${rel%.gz}; rel=${rel%.txt}
    dir=$work/runs/$rel; mkdir -p "$dir"
    plain=$dir/$name.txt
    case $input in *.gz) gzip -dc "$input" > "$plain" ;; *) cp "$input" "$plain" ;; esac
    for tool in Manual Tapenade; do
      "$work/CppRunner" "$kind" "$work/lib$tool.so" "$plain" "$dir/" "$min_time" 10 10 "$time_limit" > /dev/null
    done
    line=$("$ours" "$kind" "$plain" "$dir" --min-time "$min_time" --time-limit "$time_limit" | tail -1)
    python3 "$repo/peers/adbench/compare.py" "$dir" "$name" "$line" "$rel"
  done
done
