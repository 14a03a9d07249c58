"""Python publishers side by side against one Centrifugo, in alternating
rounds: the instant package (sequential publish, Batch, and the asynchronous
Publisher from one thread) against cent 5.2.0 (sequential and batch) and
django-instant 4.2.0's publish(). Prints figures and ratios; asserts nothing
about speed. Run through bench/python/run.sh,
which makes the virtual environments and starts Centrifugo.

    bench.py URL API_KEY ROUNDS PEER=PYTHON... (PYTHON: the peer venv's interpreter)
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Publications per round, sized so each run takes about a second or two.
COUNTS = {"instant-seq": 20000, "instant-batch": 100000, "instant-publisher": 100000, "cent-seq": 2000,
          "cent-batch": 10000, "django-instant": 1000}


def run(python, peer, url, key):
    r = subprocess.run([python, os.path.join(HERE, "peer.py"), peer, url, key, str(COUNTS[peer])],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"{peer} failed:\n{r.stdout}{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    url, key, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    peers = dict(arg.split("=", 1) for arg in sys.argv[4:])
    rates = {p: [] for p in peers}
    cpu = {p: [] for p in peers}
    enqueue = {p: [] for p in peers}
    order = list(peers)
    for r in range(rounds):
        line = []
        for p in order[r % len(order):] + order[:r % len(order)]:  # rotate who goes first
            res = run(peers[p], p, url, key)
            rates[p].append(res["rate"])
            cpu[p].append(res["cpu_us"])
            if "enqueue_rate" in res:
                enqueue[p].append(res["enqueue_rate"])
            line.append(f"{p} {res['rate']:,.0f}/s")
        print(f"round {r + 1}: " + ", ".join(line), flush=True)
    med = {p: statistics.median(v) for p, v in rates.items()}
    print(f"\nmedian publications/s over {rounds} rounds (same Centrifugo, alternating):")
    base = med.get("cent-seq")
    for p in order:
        ratio = f"  {med[p] / base:6.1f}x cent sequential" if base else ""
        print(f"  {p:17s} {med[p]:>10,.0f}/s  (min {min(rates[p]):,.0f}, max {max(rates[p]):,.0f}), "
              f"client CPU {statistics.median(cpu[p]):6.1f} us/publication{ratio}")
    for p in order:
        if enqueue[p]:
            print(f"  {p}: publish() alone {statistics.median(enqueue[p]):,.0f}/s (median; the rate above "
                  "runs to the last delivery report)")
    if "instant-publisher" in med and "instant-seq" in med:
        ratio = med["instant-publisher"] / med["instant-seq"]
        print(f"  instant Publisher (one thread) / instant sequential: {ratio:.1f}x")
    if "instant-seq" in med and "django-instant" in med:
        print(f"  instant sequential / django-instant publish(): {med['instant-seq'] / med['django-instant']:.1f}x")
    if "instant-batch" in med and "cent-batch" in med:
        print(f"  instant Batch / cent batch (1000 per request): {med['instant-batch'] / med['cent-batch']:.1f}x")


if __name__ == "__main__":
    main()
