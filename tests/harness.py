"""The checks every Python suite shares: record a failed check, run a case, finish with the
exit status (tests/compat, tests/integration, tests/control import it)."""
import sys
import traceback

failures = []


def check(cond, what):
    """Records `what` as failed unless `cond`; returns `cond` (so a case can stop early)."""
    if not cond:
        failures.append(what)
        print("FAIL: %s" % what, file=sys.stderr)
    return cond


def case(fn, label=""):
    """Runs one case: ok when none of its checks failed and it raised nothing."""
    name = fn.__name__ + label
    before = len(failures)
    try:
        fn()
        if len(failures) == before:
            print("ok: %s" % name)
        else:
            print("FAIL: %s (%d checks)" % (name, len(failures) - before), file=sys.stderr)
    except Exception:
        failures.append(name)
        print("FAIL: %s raised:\n%s" % (name, traceback.format_exc()), file=sys.stderr)


def finish(name):
    """Exits 1 when a check failed, else prints that all passed."""
    if failures:
        print("%s: %d check(s) failed" % (name, len(failures)), file=sys.stderr)
        sys.exit(1)
    print("%s: all checks passed" % name)


def watchdog(seconds):
    """Dumps every thread's stack and exits after `seconds`: a hang names where it waits
    (set below the suite's ctest timeout)."""
    import faulthandler
    faulthandler.dump_traceback_later(seconds, exit=True)
