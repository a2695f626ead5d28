"""One test case's result line, in the protocol of ci/run-tests.py.

    from report import report
    report("hv_boot_1cpu", None)                      # PASS hv_boot_1cpu
    report("hv_x", ["no READY line", "exit 1"])       # FAIL hv_x: no READY line; exit 1
    report("hv_x", "timed out")                       # FAIL hv_x: timed out
    report("hv_x", [], skip="no iasl")                # SKIP hv_x: no iasl

problems is a list of reasons (empty: the case passed) or one reason
(None: passed); skip, when given, makes it a SKIP line whatever problems
says. Lines are flushed at once, so a test that hangs later still shows
what it already decided. Returns whether the case passed (True for a
skip without problems).
"""


def report(name, problems=None, skip=None):
    if problems is None:
        problems = []
    elif isinstance(problems, str):
        problems = [problems]
    if skip:
        print(f"SKIP {name}: {skip}", flush=True)
    elif problems:
        print(f"FAIL {name}: {'; '.join(problems)}", flush=True)
    else:
        print(f"PASS {name}", flush=True)
    return not problems
