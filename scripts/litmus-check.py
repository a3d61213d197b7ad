#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/litmus-check.py - hold xpcpu's lockless code to its litmus tests.

Each tests/litmus/*.litmus file is a test in the Linux-kernel memory
model's format (tools/memory-model) for one lockless protocol of xpcpu,
with the outcome the protocol must forbid in its exists clause and, in its
comment, one or more lines

    Code: FILE FUNCTION: TOKEN < TOKEN < ...

that name where the protocol lives: each TOKEN (a literal piece of C) must
occur in FUNCTION's body in FILE, in that order.  A change that drops a
barrier, swaps the publication order or renames the primitive breaks the
chain and fails here, so the code cannot drift from the test that proves
it.  Checked for every file:
  - the test is well formed: "C NAME" with NAME its file name, a
    "Result: Never" line, P0 and P1, an exists clause, a Code: line;
  - every Code: chain holds in the named function;
  - the design header (pcpu_core.c) names the file, so the protocol is
    listed in one place;
  - when herd7 is installed (it is not packaged for Debian 12), its
    verdict on the test with the kernel's model is "Never".

Usage: scripts/litmus-check.py [ROOT]   (ROOT: the checkout, default ..)
Prints a line per test and "litmus: N passed, M failed"; exit 1 if M > 0.
Env: LKMM_DIR: tools/memory-model of a kernel tree, for herd7.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), '..'))
DESIGN = os.path.join(ROOT, 'pcpu_core.c')


def function_body(path, name):
    """The text of NAME's definition in PATH, from its head to its '}'."""
    with open(path) as f:
        lines = f.read().split('\n')
    head = re.compile(r'^[A-Za-z_].*\b' + re.escape(name) + r'\(')
    for i, line in enumerate(lines):
        if not head.match(line) or line.rstrip().endswith(';'):
            continue
        for j in range(i, len(lines)):
            if lines[j].startswith('}'):
                return '\n'.join(lines[i:j + 1])
        break
    return None


def check_chain(spec):
    """Check one 'FILE FUNCTION: A < B < C' line; return a problem or None."""
    m = re.match(r'(\S+)\s+(\w+):\s*(.+)$', spec)
    if not m:
        return 'malformed Code: line: ' + spec
    path, func, chain = m.groups()
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return '%s: no such file' % path
    body = function_body(full, func)
    if body is None:
        return '%s: no function %s()' % (path, func)
    pos = 0
    for tok in [t.strip() for t in chain.split(' < ')]:
        at = body.find(tok, pos)
        if at < 0:
            where = 'at all' if body.find(tok) < 0 else 'after the previous step'
            return '%s(): "%s" not found %s' % (func, tok, where)
        pos = at + len(tok)
    return None


def herd7_verdict(path):
    """'Never', 'Sometimes' or 'Always' from herd7, or None if unavailable."""
    lkmm = os.environ.get('LKMM_DIR')
    if not lkmm or not shutil.which('herd7'):
        return None
    out = subprocess.run(['herd7', '-conf', 'linux-kernel.cfg', path],
                         cwd=lkmm, capture_output=True, text=True).stdout
    m = re.search(r'^Observation \S+ (Never|Sometimes|Always)', out, re.M)
    return m.group(1) if m else 'unparsed'


def check_file(path, design):
    name = os.path.basename(path)[:-len('.litmus')]
    with open(path) as f:
        text = f.read()
    problems = []
    if not re.match(r'C %s\s*\n' % re.escape(name), text):
        problems.append('first line is not "C %s"' % name)
    if not re.search(r'^\s*\*?\s*Result: Never\s*$', text, re.M):
        problems.append('no "Result: Never" line')
    for p in ('P0(', 'P1('):
        if p not in text:
            problems.append('no ' + p[:-1])
    if not re.search(r'^exists\s*\(.+\)\s*$', text, re.M):
        problems.append('no exists clause')
    chains = re.findall(r'^\s*\*?\s*Code:\s*(.+?)\s*$', text, re.M)
    if not chains:
        problems.append('no Code: line ties it to the source')
    for spec in chains:
        p = check_chain(spec)
        if p:
            problems.append(p)
    if os.path.basename(path) not in design:
        problems.append('pcpu_core.c\'s design header does not name it')
    verdict = herd7_verdict(path)
    if verdict not in (None, 'Never'):
        problems.append('herd7 says ' + verdict)
    return problems, len(chains), verdict


def main():
    files = sorted(glob.glob(os.path.join(ROOT, 'tests', 'litmus', '*.litmus')))
    with open(DESIGN) as f:
        design = f.read()
    passed = failed = 0
    if not files:
        print('litmus: no tests/litmus/*.litmus')
        failed = 1
    for path in files:
        problems, nr_chains, verdict = check_file(path, design)
        name = os.path.basename(path)
        how = '%d code chain(s)%s' % (nr_chains,
                                       ', herd7 Never' if verdict else
                                       ', herd7 not installed')
        if problems:
            failed += 1
            print('FAIL %s: %s' % (name, '; '.join(problems)))
        else:
            passed += 1
            print('PASS %s (%s)' % (name, how))
    print('litmus: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
