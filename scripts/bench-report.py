#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/bench-report.py - the benchmark's tables, CSV and charts.

Reads the marker lines of a benchmark guest (scripts/guest/guest-bench.sh:
XPCPU-BENCH, -ROUNDS, -SCALE, -SCALING) and, if given, those of a second
guest with more possible CPUs (the same scale-live rows), and writes:

  BASE.csv        one row per figure: the allocators' medians, the ratio of
                  the medians (> 1: xpcpu better), its 95% bootstrap
                  confidence interval, whether that crosses 1.0, xpcpu's
                  distance to the floor (xpcpu/floor for costs)
  BASE-scale.csv  the scale rows: live areas, possible CPUs, fragmented
                  chunks, with xpcpu's chunks and both sides' pages
  BASE.md         both as Markdown, with the provenance line
  BASE.png        the ratios as bars with their intervals (log scale)
  BASE-curves.png cost against live areas, possible CPUs and chunks (log)

and prints the main table.  The interval: resample the rounds with
replacement (paired: a round's xpcpu and kernel figures stay together),
take the ratio of the two medians, 4000 times, with a fixed seed; the 2.5th
and 97.5th percentiles.

Usage: bench-report.py --markers FILE [--markers64 FILE] --base PATH
                       --meta TEXT --title TEXT [--gnuplot]
"""
import argparse
import csv
import random
import statistics
import subprocess
import sys

ALLOCS = ("xpcpu", "nocache", "kernel", "floor")
RATE_UNITS = ("kops/s", "%ok")
BOOT = 4000


def kv(line):
    out = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            out[k] = v
    return out


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def key_of(d):
    step = d.get("live") or d.get("chunks") or ""
    return (d["test"], d["size"], step, d["cpus"])


def read(path):
    rows, rounds, scale, scaling = [], {}, [], []
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.strip().replace("\r", "")
            if line.startswith("XPCPU-BENCH-ROUNDS "):
                d = kv(line)
                rounds[key_of(d)] = d
            elif line.startswith("XPCPU-BENCH-SCALE "):
                scale.append(kv(line))
            elif line.startswith("XPCPU-BENCH-SCALING "):
                scaling.append(kv(line))
            elif line.startswith("XPCPU-BENCH "):
                rows.append(kv(line))
    return rows, rounds, scale, scaling


def series(d, alloc):
    v = d.get(alloc, "-")
    if v == "-":
        return None
    return [int(x) for x in v.split(",") if x != ""]


def ratio(x, k, higher):
    if not x or not k:
        return None
    return x / k if higher else k / x


def med(vals, count):
    vals = [v for v in vals if v or count]
    return statistics.median(vals) if vals else 0


def bootstrap(xs, ks, higher, count, rng):
    """95% interval of the ratio of medians, rounds resampled in pairs."""
    pairs = [(x, k) for x, k in zip(xs, ks) if (x and k) or count]
    if len(pairs) < 2:
        return None, None
    n = len(pairs)
    qs = []
    for _ in range(BOOT):
        s = [pairs[rng.randrange(n)] for _ in range(n)]
        q = ratio(med([p[0] for p in s], count), med([p[1] for p in s], count),
                  higher)
        if q is not None:
            qs.append(q)
    if len(qs) < BOOT // 2:
        return None, None
    qs.sort()
    return qs[int(0.025 * len(qs))], qs[min(len(qs) - 1, int(0.975 * len(qs)))]


def f2(v):
    return "-" if v is None else f"{v:.2f}"


def enrich(rows, rounds):
    rng = random.Random(1)
    for d in rows:
        d["ci_lo"] = d["ci_hi"] = "-"
        d["crosses"] = "-"
        r = rounds.get(key_of(d))
        if not r:
            continue
        xs, ks = series(r, "xpcpu"), series(r, "kernel")
        if not xs or not ks:
            continue
        higher = d.get("unit") in RATE_UNITS
        count = d.get("unit") == "pages" or d.get("unit") == "pages/MiB"
        lo, hi = bootstrap(xs, ks, higher, count, rng)
        if lo is None:
            continue
        d["ci_lo"], d["ci_hi"] = f2(lo), f2(hi)
        d["crosses"] = "yes" if lo <= 1.0 <= hi else "no"


MAIN_FIELDS = ("test size unit cpus xpcpu nocache kernel floor ratio ci_lo "
               "ci_hi crosses ratio_min ratio_max ratio_nocache floor_dist "
               "rounds").split()
SCALE_FIELDS = ("test step_key step possible unit xpcpu kernel ratio ci_lo "
                "ci_hi crosses xpcpu_chunks xpcpu_pages kernel_pages").split()


def scale_rows(rows, scale, possible):
    info = {}
    for s in scale:
        info[(s["test"], s["step"], s["alloc"])] = s
    out = []
    for d in rows:
        step_key = "live" if "live" in d else "chunks" if "chunks" in d else None
        if not step_key:
            continue
        step = d[step_key]
        test = "scale-live" if step_key == "live" else "scale-frag"
        xi = info.get((test, step, "xpcpu"), {})
        ki = info.get((test, step, "kernel"), {})
        e = dict(d)
        e.update(step_key=step_key, step=step,
                 possible=xi.get("possible", possible),
                 xpcpu_chunks=xi.get("xpcpu_chunks", "-"),
                 xpcpu_pages=xi.get("pages", "-"),
                 kernel_pages=ki.get("pages", "-"))
        out.append(e)
    return out


def write_csv(path, fields, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(fields)
        for d in rows:
            w.writerow([d.get(k, "-") for k in fields])


def ci(d):
    if d.get("ci_lo", "-") == "-":
        return "-"
    mark = " (crosses 1)" if d.get("crosses") == "yes" else ""
    return f"{d['ci_lo']}-{d['ci_hi']}{mark}"


def markdown(path, meta, rows, srows, srows64, scaling):
    L = [f"<!-- generated by scripts/bench.sh; {meta} -->",
         "| test | size | unit | CPUs | xpcpu | xpcpu, caches off | kernel "
         "| floor (kzalloc) | ratio (>1: xpcpu better) | 95% CI | rounds' "
         "min-max | ratio, caches off | xpcpu / floor |",
         "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|"]
    for d in rows:
        if "live" in d or "chunks" in d:
            continue
        L.append("| {test} | {size} | {unit} | {cpus} | {xpcpu} | {nocache} | "
                 "{kernel} | {floor} | **{ratio}** | {ci} | {ratio_min}-"
                 "{ratio_max} | {ratio_nocache} | {floor_dist} |".format(
                     ci=ci(d), **{k: d.get(k, "-") for k in MAIN_FIELDS}))
    L.append("")
    if scaling:
        L += ["Concurrent throughput on 2 CPUs over 1 CPU (each allocator "
              "against itself):", "",
              "| size | xpcpu | xpcpu, caches off | kernel | floor |",
              "|---:|---:|---:|---:|---:|"]
        for s in scaling:
            L.append(f"| {s.get('size')} | {s.get('xpcpu')} | "
                     f"{s.get('nocache')} | {s.get('kernel')} | "
                     f"{s.get('floor', '-')} |")
        L.append("")
    for title, rs in (("Live 8-byte areas held", srows),
                      ("The same with more possible CPUs", srows64)):
        live = [d for d in rs if d["step_key"] == "live"]
        if not live:
            continue
        L += [f"{title}:", "",
              "| figure | live | possible CPUs | xpcpu | kernel | ratio | "
              "95% CI | xpcpu chunks | xpcpu pages | kernel pages |",
              "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
        for d in live:
            L.append(f"| {d['test']} ({d['unit']}) | {d['step']} | "
                     f"{d['possible']} | {d['xpcpu']} | {d['kernel']} | "
                     f"**{d['ratio']}** | {ci(d)} | {d['xpcpu_chunks']} | "
                     f"{d['xpcpu_pages']} | {d['kernel_pages']} |")
        L.append("")
    frag = [d for d in srows if d["step_key"] == "chunks"]
    if frag:
        L += ["Fragmented live set (32-byte areas, every other one freed), "
              "in xpcpu chunks' worth; 64-byte batch against it:", "",
              "| figure | chunks | xpcpu | kernel | ratio | 95% CI | "
              "xpcpu chunks | xpcpu pages | kernel pages |",
              "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
        for d in frag:
            L.append(f"| {d['test']} ({d['unit']}) | {d['step']} | "
                     f"{d['xpcpu']} | {d['kernel']} | **{d['ratio']}** | "
                     f"{ci(d)} | {d['xpcpu_chunks']} | {d['xpcpu_pages']} | "
                     f"{d['kernel_pages']} |")
        L.append("")
    L.append(meta)
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def charts(base, title, rows, srows, srows64):
    n = 0
    with open(base + ".chart.dat", "w") as f:
        for d in rows:
            q = num(d.get("ratio"))
            if not q or "live" in d or "chunks" in d:
                continue
            n += 1
            lo = num(d.get("ci_lo")) or q
            hi = num(d.get("ci_hi")) or q
            cpus = d["cpus"]
            label = f"{d['test']} {d['size']}" + (f" x{cpus}" if cpus != "1" else "")
            color = 3050327 if lo >= 1 else 13448019 if hi < 1 else 12303291
            f.write(f'{n} "{label}" {q} {lo} {hi} {color}\n')
    gnuplot(f"""
set terminal pngcairo size 1800,800 font "sans,10"
set output "{base}.png"
set title "{title}: ratio > 1 means xpcpu is better; bars: 95% bootstrap interval (grey: it crosses 1)" noenhanced
set ylabel "ratio (log scale)"
set logscale y 2
set yrange [0.1:*]
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -60 left nomirror noenhanced
set grid ytics
set key off
set arrow from graph 0, first 1 to graph 1, first 1 nohead lc rgb "black" lw 2
plot "{base}.chart.dat" using 1:3:6:xtic(2) with boxes lc rgb variable, \\
     "" using 1:3:4:5 with yerrorbars lc rgb "black" pt 0
""")
    # The curves: one data block per line, one panel per question.
    p64 = srows64[0]["possible"] if srows64 else "?"
    p4 = srows[0]["possible"] if srows else "?"
    green, red = 'lc rgb "#2e8b57"', 'lc rgb "#cd3333"'
    panels = [
        (f"pair and batch time against live 8-byte areas ({p4} possible CPUs)",
         "live areas", "ns",
         [(srows, "scale-pair", "xpcpu", f"lw 2 {green}", "xpcpu pair"),
          (srows, "scale-pair", "kernel", f"lw 2 {red}", "kernel pair"),
          (srows, "scale-alloc", "xpcpu", f"dt 2 {green}", "xpcpu alloc (batch)"),
          (srows, "scale-alloc", "kernel", f"dt 2 {red}", "kernel alloc (batch)")]),
        (f"pair time: {p4} against {p64} possible CPUs (4 online)",
         "live areas", "ns",
         [(srows, "scale-pair", "xpcpu", f"lw 2 {green}", f"xpcpu, {p4}"),
          (srows, "scale-pair", "kernel", f"lw 2 {red}", f"kernel, {p4}"),
          (srows64, "scale-pair", "xpcpu", f"dt 2 {green}", f"xpcpu, {p64}"),
          (srows64, "scale-pair", "kernel", f"dt 2 {red}", f"kernel, {p64}")]),
        ("pages populated per live MiB", "live areas", "pages/MiB",
         [(srows, "scale-pages", "xpcpu", f"lw 2 {green}", f"xpcpu, {p4}"),
          (srows, "scale-pages", "kernel", f"lw 2 {red}", f"kernel, {p4}"),
          (srows64, "scale-pages", "xpcpu", f"dt 2 {green}", f"xpcpu, {p64}"),
          (srows64, "scale-pages", "kernel", f"dt 2 {red}", f"kernel, {p64}")]),
        ("64-byte batch against fragmented chunks (xpcpu chunks' worth)",
         "chunks", "ns",
         [(srows, "frag-alloc", "xpcpu", f"lw 2 {green}", "xpcpu alloc"),
          (srows, "frag-alloc", "kernel", f"lw 2 {red}", "kernel alloc"),
          (srows, "frag-free", "xpcpu", f"dt 2 {green}", "xpcpu free"),
          (srows, "frag-free", "kernel", f"dt 2 {red}", "kernel free")]),
    ]
    dat = base + ".curves.dat"
    script = [f'set terminal pngcairo size 1800,1000 font "sans,10"',
              f'set output "{base}-curves.png"',
              f'set multiplot layout 2,2 title "{title}: cost as the system '
              f'grows (log axes; lower is better)" noenhanced',
              "set logscale xy", "set grid", "set key top left"]
    idx = 0
    with open(dat, "w") as f:
        for ptitle, xl, yl, lines in panels:
            plots = []
            for rs, test, alloc, style, label in lines:
                pts = [(d["step"], d[alloc]) for d in rs
                       if d["test"] == test and (num(d.get(alloc)) or 0) > 0]
                if not pts:
                    continue
                for x, y in pts:
                    f.write(f"{x} {y}\n")
                f.write("\n\n")
                plots.append(f'"{dat}" index {idx} with linespoints {style} '
                             f'title "{label}"')
                idx += 1
            script += [f'set title "{ptitle}" noenhanced', f'set xlabel "{xl}"',
                       f'set ylabel "{yl}"']
            if plots:
                script.append("plot " + ", ".join(plots))
            else:
                script += ["unset logscale", "set xrange [0:1]",
                           "set yrange [0:1]",
                           'set label 1 "no data in this run" at 0.4,0.5',
                           "plot NaN notitle", "unset label 1",
                           "set autoscale", "set logscale xy"]
    script.append("unset multiplot")
    gnuplot("\n".join(script) + "\n")


def table(rows):
    hdr = ("test", "size", "unit", "cpus", "xpcpu", "kernel", "floor", "ratio",
           "95% CI", "x/floor")
    fmt = "%-18s %12s %-10s %4s %10s %10s %10s %6s %-16s %7s"
    print(fmt % hdr)
    for d in rows:
        size = d["size"] + ("/" + (d.get("live") or d.get("chunks"))
                            if ("live" in d or "chunks" in d) else "")
        c = ci(d).replace(" (crosses 1)", " x1")
        print(fmt % (d["test"], size, d["unit"], d["cpus"], d["xpcpu"],
                     d["kernel"], d.get("floor", "-"), d["ratio"], c,
                     d.get("floor_dist", "-")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--markers", required=True)
    ap.add_argument("--markers64")
    ap.add_argument("--base", required=True)
    ap.add_argument("--meta", default="")
    ap.add_argument("--title", default="xpcpu_bench")
    ap.add_argument("--gnuplot", action="store_true")
    a = ap.parse_args()

    rows, rounds, scale, scaling = read(a.markers)
    if not rows:
        sys.exit(f"no XPCPU-BENCH lines in {a.markers}")
    enrich(rows, rounds)
    possible = next((s.get("possible") for s in scale), "-")
    srows = scale_rows(rows, scale, possible)
    srows64 = []
    if a.markers64:
        rows64, rounds64, scale64, _ = read(a.markers64)
        enrich(rows64, rounds64)
        srows64 = scale_rows(rows64, scale64,
                             next((s.get("possible") for s in scale64), "-"))
    write_csv(a.base + ".csv", MAIN_FIELDS,
              [d for d in rows if "live" not in d and "chunks" not in d])
    if srows or srows64:
        write_csv(a.base + "-scale.csv", SCALE_FIELDS, srows + srows64)
    markdown(a.base + ".md", a.meta, rows, srows, srows64, scaling)
    if a.gnuplot:
        charts(a.base, a.title, rows, srows, srows64)
    table(rows + [dict(d, test=d["test"] + "@" + d["possible"]) for d in srows64])


if __name__ == "__main__":
    main()
