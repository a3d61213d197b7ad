#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/bench-report.py - the benchmark's tables, CSV and charts.

Reads the marker lines of a benchmark guest (scripts/guest/guest-bench.sh:
XPCPU-BENCH, -ROUNDS, -SCALE, -SCALING) and, if given, those of a second
guest with more possible CPUs (the same scale-live rows), and writes:

  BASE.csv        one row per figure: the allocators' medians, the ratio of
                  the medians (> 1: xpcpu better), its 95% bootstrap
                  confidence interval, whether that crosses 1.0, xpcpu's
                  distance to the floor (xpcpu/floor for costs), and with
                  --aa the A/A control's ratio and interval for the same
                  row (both sides alloc_percpu(): the harness's own noise)
  BASE-scale.csv  the scale rows: live areas, possible CPUs, fragmented
                  chunks, with xpcpu's chunks and both sides' pages
  BASE.md         both as Markdown, with the provenance line
  BASE.png        the ratios as bars with their intervals (log scale)
  BASE-curves.png cost against live areas, possible CPUs and chunks (log)

and prints the main table.  The interval: resample the rounds with
replacement (paired: a round's xpcpu and kernel figures stay together),
take the ratio of the two medians, 4000 times, with a fixed seed; the 2.5th
and 97.5th percentiles.

Usage: bench-report.py --markers FILE [--markers64 FILE] [--pool FILE...]
                       [--aa FILE] --base PATH --meta TEXT --title TEXT
                       [--gnuplot]
       bench-report.py --self-test    (PASS/FAIL lines; part of make test)
"""
import argparse
import csv
import os
import random
import statistics
import subprocess
import sys

ALLOCS = ("xpcpu", "nocache", "kernel", "floor")
RATE_UNITS = ("kops/s", "%ok")
COUNT_UNITS = ("pages", "pages/MiB")    # zeros are figures, not misses
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


def read_text(text):
    rows, rounds, scale, scaling = [], {}, [], []
    for raw in text.splitlines():
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


def read(path):
    with open(path, errors="replace") as f:
        return read_text(f.read())


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
        count = d.get("unit") in COUNT_UNITS
        lo, hi = bootstrap(xs, ks, higher, count, rng)
        if lo is None:
            continue
        d["ci_lo"], d["ci_hi"] = f2(lo), f2(hi)
        d["crosses"] = "yes" if lo <= 1.0 <= hi else "no"


def pool(rows, rounds, extra):
    """Add the rounds of other boots (@extra: (rows, rounds) pairs) to the
    rows they share with this one, and recompute every figure the module
    computes from its rounds as it does (xpcpu_bench_report.c): the medians
    (zeros left out unless a count), the ratio of the medians, the spread of
    the rounds' own ratios, caches off against the kernel and the floor
    against xpcpu.  A row's "boots" says how many boots its rounds came
    from; the interval (enrich(), afterwards) then spans them all."""
    for d in rows:
        d.setdefault("boots", "1")
        key = key_of(d)
        r = rounds.get(key)
        if not r:
            continue
        more = [rr[key] for _, rr in extra if key in rr]
        if not more:
            continue
        merged = dict(r)
        for alloc in ALLOCS:
            vals = [series(x, alloc) for x in [r] + more]
            merged[alloc] = ("-" if any(v is None for v in vals) else
                             ",".join(str(v) for vs in vals for v in vs))
        rounds[key] = merged
        higher = d.get("unit") in RATE_UNITS
        count = d.get("unit") in COUNT_UNITS
        m = {}
        for alloc in ALLOCS:
            v = series(merged, alloc)
            m[alloc] = med(v, count) / 1000 if v else None
            if v is not None:
                d[alloc] = f"{m[alloc]:.1f}" if (m[alloc] or count) else "-"
        xs, ks = series(merged, "xpcpu"), series(merged, "kernel")
        q = [ratio(x, k, higher) for x, k in zip(xs or [], ks or [])]
        q = [v for v in q if v]
        d["ratio"] = f2(ratio(m["xpcpu"], m["kernel"], higher))
        d["ratio_min"] = f2(min(q)) if q else "-"
        d["ratio_max"] = f2(max(q)) if q else "-"
        d["ratio_nocache"] = f2(ratio(m["nocache"], m["kernel"], higher))
        d["floor_dist"] = f2(ratio(m["floor"], m["xpcpu"], higher))
        d["rounds"] = str(len(xs or []))
        d["boots"] = str(1 + len(more))


def aa_join(rows, aa_rows):
    """Give each row of @rows the A/A control's ratio and interval for the
    same figure (@aa_rows: a boot with aa_control=1, enrich()ed), where it
    has one; the page counts are left out (under aa_control xpcpu's column
    still reads xpcpu's own pages).  Return how many rows got one."""
    aa = {key_of(d): d for d in aa_rows
          if d.get("unit") not in COUNT_UNITS}
    n = 0
    for d in rows:
        a = aa.get(key_of(d))
        if a and a.get("ratio", "-") != "-":
            d["aa_ratio"] = a["ratio"]
            d["aa_ci_lo"], d["aa_ci_hi"] = a["ci_lo"], a["ci_hi"]
            n += 1
    return n


MAIN_FIELDS = ("test size unit cpus xpcpu nocache kernel floor ratio ci_lo "
               "ci_hi crosses ratio_min ratio_max ratio_nocache floor_dist "
               "rounds boots aa_ratio aa_ci_lo aa_ci_hi").split()
SCALE_FIELDS = ("test step_key step possible unit xpcpu kernel ratio ci_lo "
                "ci_hi crosses xpcpu_chunks xpcpu_pages kernel_pages nocache "
                "floor").split()


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


def scale_growth(live):
    """Lines saying how each allocator's pair grows from the smallest live
    set to the largest: raw, and less the time to zero the same areas with
    no allocator call (scale-zero), which is the memory system's share."""
    out = []
    steps = sorted({int(d["step"]) for d in live})
    if len(steps) < 2:
        return out
    lo, hi = str(steps[0]), str(steps[-1])
    get = {(d["test"], d["step"]): d for d in live}
    for alloc in ALLOCS:
        f = {}
        for test in ("scale-pair", "scale-zero"):
            for step in (lo, hi):
                f[test, step] = num(get.get((test, step), {}).get(alloc))
        if not f["scale-pair", lo] or not f["scale-pair", hi]:
            continue
        line = (f"- {alloc}: pair {f['scale-pair', lo]:.1f} ns at {lo}, "
                f"{f['scale-pair', hi]:.1f} ns at {hi} "
                f"(**{f['scale-pair', hi] / f['scale-pair', lo]:.2f}x**)")
        z0, z1 = f["scale-zero", lo], f["scale-zero", hi]
        if z0 is not None and z1 is not None:
            n0 = f["scale-pair", lo] - z0
            n1 = f["scale-pair", hi] - z1
            line += f"; zeroing the same areas alone {z0:.1f} -> {z1:.1f} ns"
            if n0 > 0 and n1 > 0:
                line += (f"; pair less zeroing {n0:.1f} -> {n1:.1f} ns"
                         f" (**{n1 / n0:.2f}x**)")
            else:
                line += ("; zeroing alone costs more than the pair here, so "
                         "it does not split the pair")
        out.append(line)
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


def aa_cell(d):
    if "aa_ratio" not in d:
        return "-"
    if d.get("aa_ci_lo", "-") == "-":
        return d["aa_ratio"]
    return f"{d['aa_ratio']} ({d['aa_ci_lo']}-{d['aa_ci_hi']})"


def markdown(path, meta, rows, srows, srows64, scaling):
    main = [d for d in rows if "live" not in d and "chunks" not in d]
    aa = any("aa_ratio" in d for d in main)
    L = [f"<!-- generated by scripts/bench.sh; {meta} -->",
         "| test | size | unit | CPUs | xpcpu | xpcpu, caches off | kernel "
         "| floor (kzalloc) | ratio (>1: xpcpu better) | 95% CI | rounds' "
         "min-max | ratio, caches off | xpcpu / floor | rounds (boots) |" +
         (" A/A: kernel/kernel (95% CI) |" if aa else ""),
         "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|" +
         ("---|" if aa else "")]
    for d in main:
        L.append("| {test} | {size} | {unit} | {cpus} | {xpcpu} | {nocache} | "
                 "{kernel} | {floor} | **{ratio}** | {ci} | {ratio_min}-"
                 "{ratio_max} | {ratio_nocache} | {floor_dist} | {rounds} "
                 "({boots}) |".format(
                     ci=ci(d), **{k: d.get(k, "-") for k in MAIN_FIELDS}) +
                 (f" {aa_cell(d)} |" if aa else ""))
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
              "| figure | live | possible CPUs | xpcpu | xpcpu, caches off | "
              "kernel | floor (kzalloc) | ratio | 95% CI | xpcpu chunks | "
              "xpcpu pages | kernel pages |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
        for d in live:
            L.append(f"| {d['test']} ({d['unit']}) | {d['step']} | "
                     f"{d['possible']} | {d['xpcpu']} | {d.get('nocache', '-')} | "
                     f"{d['kernel']} | {d.get('floor', '-')} | "
                     f"**{d['ratio']}** | {ci(d)} | {d['xpcpu_chunks']} | "
                     f"{d['xpcpu_pages']} | {d['kernel_pages']} |")
        growth = scale_growth(live)
        if growth:
            L += ["", "Pair time from the smallest live set to the largest "
                  "(scale-zero: the same areas zeroed on every possible CPU "
                  "with no allocator call, the memory system's share):", ""]
            L += growth
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


def charts(base, work, title, rows, srows, srows64):
    n = 0
    chart_dat = os.path.join(work, os.path.basename(base) + ".chart.dat")
    with open(chart_dat, "w") as f:
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
plot "{chart_dat}" using 1:3:6:xtic(2) with boxes lc rgb variable, \\
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
          (srows, "scale-alloc", "kernel", f"dt 2 {red}", "kernel alloc (batch)"),
          (srows, "scale-zero", "xpcpu", f"dt 3 {green}",
           "xpcpu's areas zeroed, no allocator"),
          (srows, "scale-zero", "kernel", f"dt 3 {red}",
           "kernel's areas zeroed, no allocator"),
          (srows, "scale-pair", "floor", 'lw 1 lc rgb "#555555"',
           "floor pair (kzalloc)")]),
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
    dat = os.path.join(work, os.path.basename(base) + ".curves.dat")
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
    aa = any("aa_ratio" in d for d in rows)
    hdr = ("test", "size", "unit", "cpus", "xpcpu", "kernel", "floor", "ratio",
           "95% CI", "x/floor") + (("A/A",) if aa else ())
    fmt = "%-18s %12s %-10s %4s %10s %10s %10s %6s %-16s %7s" + (
        " %s" if aa else "")
    print(fmt % hdr)
    for d in rows:
        size = d["size"] + ("/" + (d.get("live") or d.get("chunks"))
                            if ("live" in d or "chunks" in d) else "")
        c = ci(d).replace(" (crosses 1)", " x1")
        print(fmt % ((d["test"], size, d["unit"], d["cpus"], d["xpcpu"],
                      d["kernel"], d.get("floor", "-"), d["ratio"], c,
                      d.get("floor_dist", "-")) +
                     ((aa_cell(d),) if aa else ())))


def self_test():
    """Known inputs, known answers: the interval, the orientation, the files."""
    import tempfile
    rng = random.Random(7)
    results = []

    def check(name, ok, detail=""):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")

    noise = [1 + rng.uniform(-0.05, 0.05) for _ in range(9)]
    xs = [int(100000 * n) for n in noise]
    ks = [int(200000 * n) for n in reversed(noise)]
    lo, hi = bootstrap(xs, ks, False, False, random.Random(1))
    check("a 2x cost gap gives an interval around 2, clear of 1",
          lo is not None and 1.7 < lo <= 2 <= hi < 2.3, f"{lo}-{hi}")
    ks = [int(100000 * n) for n in reversed(noise)]
    lo, hi = bootstrap(xs, ks, False, False, random.Random(1))
    check("equal costs give an interval that crosses 1",
          lo is not None and lo < 1 < hi, f"{lo}-{hi}")
    check("rates: higher is better", ratio(200, 100, True) == 2 and
          ratio(200, 100, False) == 0.5)
    check("a missing figure gives no ratio", ratio(0, 5, False) is None)
    check("counts keep their zeros", med([0, 0, 8], True) == 0 and
          med([0, 0, 8], False) == 8)

    markers = "\n".join([
        "XPCPU-BENCH test=steady size=8 unit=ns/pair cpus=1 xpcpu=100.0 "
        "nocache=300.0 kernel=400.0 floor=50.0 ratio=4.00 ratio_min=3.90 "
        "ratio_max=4.10 ratio_nocache=1.33 floor_dist=2.00 rounds=3",
        "XPCPU-BENCH-ROUNDS test=steady size=8 cpus=1 xpcpu=99000,100000,"
        "101000 nocache=- kernel=400000,398000,402000 floor=50000,50000,50000",
        "XPCPU-BENCH test=scale-pair size=8 live=1000 unit=ns/pair cpus=1 "
        "xpcpu=100.0 nocache=- kernel=100.0 floor=- ratio=1.00 ratio_min=0.9 "
        "ratio_max=1.1 ratio_nocache=- floor_dist=- rounds=3",
        "XPCPU-BENCH-ROUNDS test=scale-pair size=8 live=1000 cpus=1 "
        "xpcpu=90000,100000,110000 nocache=- kernel=110000,100000,90000 "
        "floor=-",
        "XPCPU-BENCH-SCALE test=scale-live step=1000 alloc=xpcpu areas=1000 "
        "size=8 live_bytes=32000 pages=8 xpcpu_chunks=3 possible=4",
        "XPCPU-BENCH-SCALE test=scale-live step=1000 alloc=kernel areas=1000 "
        "size=8 live_bytes=32000 pages=12 xpcpu_chunks=0 possible=4", ""])
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "markers.log")
        with open(path, "w") as f:
            f.write(markers)
        rows, rounds, scale, _ = read(path)
        enrich(rows, rounds)
        srows = scale_rows(rows, scale, "4")
        base = os.path.join(d, "b")
        write_csv(base + ".csv", MAIN_FIELDS, rows[:1])
        markdown(base + ".md", "meta", rows, srows, [], [])
        with open(base + ".csv") as f:
            lines = f.read().splitlines()
        with open(base + ".md") as f:
            md = f.read()
    check("the markers give two rows and their rounds",
          len(rows) == 2 and len(rounds) == 2, f"{len(rows)} rows")
    check("steady's interval is clear of 1",
          rows[0]["crosses"] == "no" and 3.8 < float(rows[0]["ci_lo"]) < 4.0,
          f"{rows[0]['ci_lo']}-{rows[0]['ci_hi']}")
    check("scale-pair's interval crosses 1 and says so",
          rows[1]["crosses"] == "yes" and "(crosses 1)" in md)
    check("the scale row carries xpcpu's chunks and both sides' pages",
          srows and srows[0]["xpcpu_chunks"] == "3" and
          srows[0]["xpcpu_pages"] == "8" and srows[0]["kernel_pages"] == "12")
    g = scale_growth([
        {"test": "scale-pair", "step": "1000", "xpcpu": "300.0", "kernel": "-"},
        {"test": "scale-pair", "step": "1000000", "xpcpu": "900.0", "kernel": "-"},
        {"test": "scale-zero", "step": "1000", "xpcpu": "100.0", "kernel": "-"},
        {"test": "scale-zero", "step": "1000000", "xpcpu": "600.0", "kernel": "-"}])
    check("the pair's growth is given raw and less the zeroing",
          len(g) == 1 and "(**3.00x**)" in g[0] and "200.0 -> 300.0" in g[0]
          and "(**1.50x**)" in g[0], " ".join(g))
    prows, prounds, _, _ = read_text(markers)
    pool(prows, prounds, [read_text(
        "XPCPU-BENCH-ROUNDS test=steady size=8 cpus=1 "
        "xpcpu=100000,100000,100000 nocache=- "
        "kernel=200000,200000,200000 floor=50000,50000,50000\n")[:2]])
    check("a second boot's rounds join the row and its figures",
          prows[0]["rounds"] == "6" and prows[0]["boots"] == "2" and
          prows[0]["xpcpu"] == "100.0" and prows[0]["kernel"] == "299.0" and
          prows[0]["ratio"] == "2.99" and prows[1]["boots"] == "1",
          " ".join(f"{k}={prows[0][k]}" for k in
                   ("rounds", "boots", "xpcpu", "kernel", "ratio")))
    aa_rows, aa_rounds, _, _ = read_text(
        "XPCPU-BENCH test=steady size=8 unit=ns/pair cpus=1 xpcpu=400.0 "
        "nocache=- kernel=404.0 floor=- ratio=1.01 ratio_min=0.98 "
        "ratio_max=1.03 ratio_nocache=- floor_dist=- rounds=3\n"
        "XPCPU-BENCH-ROUNDS test=steady size=8 cpus=1 xpcpu=396000,400000,"
        "404000 nocache=- kernel=404000,400000,396000 floor=-\n")
    enrich(aa_rows, aa_rounds)
    n = aa_join(rows, aa_rows)
    with tempfile.TemporaryDirectory() as d:
        markdown(os.path.join(d, "aa.md"), "meta", rows, [], [], [])
        with open(os.path.join(d, "aa.md")) as f:
            md = f.read()
    check("the A/A ratio and its interval join the matching row only",
          n == 1 and rows[0]["aa_ratio"] == "1.01" and
          rows[0]["aa_ci_lo"] != "-" and float(rows[0]["aa_ci_lo"]) < 1 <
          float(rows[0]["aa_ci_hi"]) and "aa_ratio" not in rows[1] and
          "A/A: kernel/kernel" in md and "| 1.01 (" in md,
          f"{n} joined, {rows[0].get('aa_ratio')} "
          f"({rows[0].get('aa_ci_lo')}-{rows[0].get('aa_ci_hi')})")
    check("the CSV has the header and one row",
          len(lines) == 2 and lines[0].startswith("test,size,unit,cpus,xpcpu"))
    print(f"bench-report self-test: {sum(results)} passed, "
          f"{len(results) - sum(results)} failed")
    return 0 if all(results) else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    ap = argparse.ArgumentParser()
    ap.add_argument("--markers", required=True)
    ap.add_argument("--markers64")
    ap.add_argument("--pool", action="append", default=[],
                    help="markers of another boot whose rounds join the "
                         "rows it shares with --markers (repeatable)")
    ap.add_argument("--aa",
                    help="markers of an A/A boot (aa_control=1): its ratio "
                         "and interval go beside each row it shares")
    ap.add_argument("--base", required=True)
    ap.add_argument("--meta", default="")
    ap.add_argument("--title", default="xpcpu_bench")
    ap.add_argument("--work", help="where the charts' data go (default: beside --base)")
    ap.add_argument("--gnuplot", action="store_true")
    a = ap.parse_args()

    rows, rounds, scale, scaling = read(a.markers)
    if not rows:
        sys.exit(f"no XPCPU-BENCH lines in {a.markers}")
    pool(rows, rounds, [read(p)[:2] for p in a.pool])
    enrich(rows, rounds)
    if a.aa:
        aa_rows, aa_rounds = read(a.aa)[:2]
        enrich(aa_rows, aa_rounds)
        if not aa_join(rows, aa_rows):
            sys.exit(f"no rows of {a.aa} match --markers")
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
        charts(a.base, a.work or os.path.dirname(a.base) or ".", a.title, rows,
               srows, srows64)
    table(rows + [dict(d, test=d["test"] + "@" + d["possible"]) for d in srows64])
    for rs in (srows, srows64):
        growth = scale_growth([d for d in rs if d["step_key"] == "live"])
        if growth:
            print(f"\nscale-live, {rs[0]['possible']} possible CPUs, "
                  "pair growth (less zeroing: the allocator's own share):")
            print("\n".join(g.replace("**", "") for g in growth))


if __name__ == "__main__":
    main()
