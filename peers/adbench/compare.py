"""One table row of peers/adbench/run.sh: the times ADBench's runner wrote for Manual and
Tapenade, ours from the example's last line, and the largest rho(ours, Manual) over the
objective and derivative files (every number in them, in order; standard library only)."""
import os
import sys

out, name, line, label = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def times(tool):
    with open(os.path.join(out, f"{name}_times_lib{tool}.txt")) as f:
        return [float(t) for t in f.read().split()]


def numbers(path):
    with open(path) as f:
        return [float(t) for t in f.read().split() if t[0] in "-0123456789."]


def rho(x, y):
    return abs(x - y) / max(1.0, abs(x) + abs(y))


def fmt(s):
    return f"{s * 1e3:.3g} ms" if s >= 1e-3 else f"{s * 1e6:.3g} us"


fields = dict(part.split("=") for part in line.split())
ours = float(fields["objective_s"]), float(fields["gradient_s"])
worst = 0.0
for part in "FJ":
    a = numbers(os.path.join(out, f"{name}_{part}_autodiff.txt"))
    b = numbers(os.path.join(out, f"{name}_{part}_libManual.txt"))
    if len(a) != len(b):
        worst = float("inf")
        continue
    worst = max([worst] + [rho(x, y) for x, y in zip(a, b)])
manual, tapenade = times("Manual"), times("Tapenade")
print(f"| {label} | {fmt(manual[0])} | {fmt(manual[1])} | {fmt(tapenade[0])} | {fmt(tapenade[1])} "
      f"| {fmt(ours[0])} | {fmt(ours[1])} | {ours[1] / ours[0]:.1f} | {worst:.1e} |")
