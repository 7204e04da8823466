#!/usr/bin/python3
"""The SQL corpus against duckgres, compared with PostgreSQL 15's answers.

    corpus_test.py [--update-baseline] [--show CLASS,...] [--only SUBSTRING] ...

(--update-baseline with --only rewrites only the entries of the files it ran.)

Starts duckgres ($DUCKGRES_BIN, tests/integration/with_server.py's Server; with
DUCKGRES_EXTERNAL=1 it uses whatever the PG* variables point at), runs every
tests/sql/<area>/*.sql file statement by statement on its own connection and classifies
each statement against the .expected file beside it (see corpus.py):

    identical   same values, column names and type OIDs
    type        same values, different column types or names
    errcode     both errors, different SQLSTATE
    error       error where PostgreSQL answered
    answered    answered where PostgreSQL errored
    after-error different, but only as the consequence of an earlier statement of the same
                file that duckgres refused with an error (PostgreSQL ran it): listed with its
                reason in tests/sql/after_errors.txt, and counted so only while each statement
                it names still is an error here (the user saw that error; nothing is silent)
    different   different values: silently wrong, the worst class

tests/sql/baseline.txt lists every statement that is not identical today. The test fails
when a statement gets worse than its baseline class (identical → anything, error →
different, …) and prints the statements that improved; --update-baseline rewrites the
baseline from this run (do that when statements improved, or after regenerating answers).
--show different,error prints each such statement with both answers.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

import psycopg2  # noqa: E402

import corpus  # noqa: E402
from with_server import Server  # noqa: E402

BASELINE = os.path.join(HERE, "baseline.txt")
AFTER_ERRORS = os.path.join(HERE, "after_errors.txt")


def read_after_errors():
    """{(file, statement): [earlier statements of that file whose refusal explains it]}."""
    out = {}
    with open(AFTER_ERRORS) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            rel, n, causes, _reason = line.rstrip("\n").split("\t", 3)
            out[(rel, int(n))] = [int(c) for c in causes.split(",")]
    return out


def apply_after_errors(results):
    """Reclassifies a listed 'different' statement as after-error while its causes still fail."""
    listed = read_after_errors()
    cls_of = {(r[0], r[1]): r[4] for r in results}
    out = []
    for r in results:
        causes = listed.get((r[0], r[1]))
        if r[4] == "different" and causes and all(cls_of.get((r[0], c)) == "error" for c in causes):
            r = r[:4] + ("after-error",) + r[5:]
        out.append(r)
    return out


def read_baseline():
    out = {}
    if not os.path.exists(BASELINE):
        return out
    with open(BASELINE) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            f_ = line.rstrip("\n").split("\t")
            out[(f_[0], int(f_[1]))] = f_[2]
    return out


def write_baseline(results, only_files=None):
    """Rewrites the baseline from results; with only_files, entries of other files are kept."""
    kept = []
    if only_files is not None and os.path.exists(BASELINE):
        with open(BASELINE) as f:
            kept = [l for l in f if l.strip() and not l.startswith("#") and l.split("\t")[0] not in only_files]
    lines = list(kept)
    for rel, n, _line, sql, cls, _e, _a in results:
        if cls != "identical":
            head = " ".join(sql.split())[:80]
            lines.append("%s\t%d\t%s\t%s\n" % (rel, n, cls, head))
    lines.sort(key=lambda l: (l.split("\t")[0], int(l.split("\t")[1])))
    with open(BASELINE, "w") as f:
        f.write("# Corpus statements not identical to PostgreSQL 15 today: file, statement, class, text.\n"
                "# Written by tests/sql/corpus_test.py --update-baseline; the test fails when a statement\n"
                "# gets worse than its class here (a statement not listed is identical).\n")
        f.writelines(lines)


def summarize(ans, limit=6):
    if ans.error:
        return "ERROR %s %s" % (ans.error, (ans.message or "").split("\n")[0])
    if ans.columns is None:
        return "status %s" % ans.status
    out = ["columns " + ", ".join("%s:%s" % c for c in ans.columns)]
    for r in ans.rows[:limit]:
        out.append("  " + " | ".join(corpus.escape(v) for v in r))
    if len(ans.rows) > limit:
        out.append("  … %d rows" % len(ans.rows))
    return "\n    ".join(out)


def show(rel, n, line, sql, cls, exp, act):
    print("--- %s:%d (line %d) %s" % (rel, n, line, cls))
    print("    " + "\n    ".join(sql.splitlines()[:8]))
    print("    postgres: " + summarize(exp))
    print("    duckgres: " + summarize(act))


def run(connect, files):
    results, stale = [], []
    for rel in files:
        path = os.path.join(HERE, rel)
        exp_path = path[:-4] + ".expected"
        if not os.path.exists(exp_path):
            stale.append("%s: no .expected (run scripts/regen-sql-expected)" % rel)
            continue
        expected = corpus.parse_expected(exp_path)
        actual = corpus.run_file(connect, path)
        if len(expected) != len(actual) or any(e[2] != a[1] for e, a in zip(expected, actual)):
            stale.append("%s: .expected is stale (run scripts/regen-sql-expected %s)" % (rel, rel))
            continue
        for (n, line, sql, exp), (_l, _s, act) in zip(expected, actual):
            results.append((rel, n, line, sql, corpus.classify(exp, act), exp, act))
    return apply_after_errors(results), stale


def report(results):
    areas = {}
    for rel, _n, _l, _s, cls, _e, _a in results:
        area = rel.split("/")[0]
        areas.setdefault(area, dict.fromkeys(corpus.CLASSES, 0))[cls] += 1
    print("%-22s %6s %9s %5s %7s %6s %8s %11s %9s" % ("area", "total", "identical", "type", "errcode",
                                                    "error", "answered", "after-error", "different"))
    tot = dict.fromkeys(corpus.CLASSES, 0)
    for area in sorted(areas):
        c = areas[area]
        for k in c:
            tot[k] += c[k]
        print("%-22s %6d %9d %5d %7d %6d %8d %11d %9d" % ((area, sum(c.values())) + tuple(c[k] for k in corpus.CLASSES)))
    total = sum(tot.values())
    print("%-22s %6d %9d %5d %7d %6d %8d %11d %9d" % (("TOTAL", total) + tuple(tot[k] for k in corpus.CLASSES)))
    pct = 100.0 * tot["identical"] / total if total else 0.0
    print("corpus: %d statements, %d identical (%.1f%%), %d type only, %d error (%d more with another "
          "SQLSTATE), %d answered where PostgreSQL errored, %d different after a refused statement, "
          "%d silently different"
          % (total, tot["identical"], pct, tot["type"], tot["error"], tot["errcode"], tot["answered"],
             tot["after-error"], tot["different"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update-baseline", action="store_true")
    ap.add_argument("--show", default="", help="classes to print in detail, comma-separated (or 'all')")
    ap.add_argument("--only", action="append", help="run only files whose path contains this")
    args = ap.parse_args()
    files = corpus.sql_files(only=args.only)
    t0 = time.monotonic()

    server = None
    if os.environ.get("DUCKGRES_EXTERNAL") == "1":
        def connect():
            return psycopg2.connect("")
    else:
        server = Server()
        server.start()

        def connect():
            return psycopg2.connect(server.dsn())
    try:
        results, stale = run(connect, files)
        # A statement worse than its baseline is run again (its whole file, as files depend on
        # their setup): only a regression seen twice fails; one seen once is reported as flaky.
        baseline = read_baseline()
        suspects = sorted({r[0] for r in results if corpus.CLASS_RANK[r[4]] >
                           corpus.CLASS_RANK[baseline.get((r[0], r[1]), "identical")]})
        flaky = []
        if suspects and not args.update_baseline:
            again = {(r[0], r[1]): r for r in run(connect, suspects)[0]}
            for i, r in enumerate(results):
                r2 = again.get((r[0], r[1]))
                was = corpus.CLASS_RANK[baseline.get((r[0], r[1]), "identical")]
                if r2 and corpus.CLASS_RANK[r[4]] > was and corpus.CLASS_RANK[r2[4]] <= was:
                    flaky.append(r)
                    results[i] = r2
        if server is not None and server.proc.poll() is not None:
            print("FAIL: duckgres exited (status %s) during the corpus\n%s"
                  % (server.proc.returncode, server.log_tail()))
            return 1
    finally:
        if server is not None:
            server.stop()
            server.cleanup()

    shown = set(corpus.CLASSES) if args.show == "all" else set(filter(None, args.show.split(",")))
    worse, better = [], []
    for r in results:
        rel, n, line, sql, cls, exp, act = r
        if cls in shown:
            show(*r)
        was = baseline.get((rel, n), "identical")
        if corpus.CLASS_RANK[cls] > corpus.CLASS_RANK[was]:
            worse.append((was, r))
        elif corpus.CLASS_RANK[cls] < corpus.CLASS_RANK[was]:
            better.append((was, r))
    report(results)
    print("ran in %.1f s" % (time.monotonic() - t0))
    for s in stale:
        print("STALE: " + s)
    for r in flaky:
        print("FLAKY (worse once, not on a second run): %s:%d %s  %s" % (r[0], r[1], r[4], " ".join(r[3].split())[:70]))
    if better:
        print("\n%d statements improved (tighten the baseline: corpus_test.py --update-baseline):" % len(better))
        for was, r in better:
            print("  %s:%d %s -> %s  %s" % (r[0], r[1], was, r[4], " ".join(r[3].split())[:70]))
    if args.update_baseline:
        # With --only, only the entries of the files run are rewritten.
        write_baseline(results, set(files) if args.only else None)
        print("baseline written: %s" % BASELINE)
        return 1 if stale else 0
    if worse:
        print("\n%d statements got worse than the baseline:" % len(worse))
        for was, r in worse:
            print("  was %s:" % was)
            show(*r)
    if worse or stale:
        print("FAIL")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
