"""Evaluates a flagd flag-definition file with the real PyPI evaluator,
openfeature-flagd-core 2.x, for tests/cli/flagd.rs.

usage: python eval.py FLAGS_JSON KEYS_JSON      (every flag, every key)
       python eval.py --at MS[,MS...] FLAGS_JSON KEYS_JSON

Run it with the python of a venv where `pip install -r requirements.txt`
(tests/flagd/requirements.txt) was run.

KEYS_JSON: a JSON array of keys; a string is the targeting key (including
""), null means no targeting key at all.
stdout: {"evaluator", "version", "flagSetMetadata", "decisions": {FLAG:
"0110..."}, "metadata": {FLAG: {...}}}: one character per key, in order:
"1" on, "0" off; and the `flag_metadata` the core returned with the flag's
first evaluation (the flag's own metadata merged over the flag set's).

--at: every flag, every key, at each instant MS (milliseconds since the
epoch) in turn, with the clock fixed inside this process: `time.time` is
patched to return MS / 1000, which is what the core reads to put
`$flagd.timestamp` (`int(time.time())`, in
openfeature/contrib/tools/flagd/core/targeting/targeting.py, which calls it
through the `time` module at each evaluation) into the evaluation context.
stdout: {"evaluator", "version", "flagSetMetadata", "instants": [{"at": MS,
"clockReads": N, "decisions": {FLAG: "0110..."}, "metadata": {FLAG: {...}}}]}.
An instant at which the
core never read the clock is an error: fixing it proved nothing.

Exits 1, with the reason on stderr, on anything but a clean boolean answer:
a file the core refuses (ParseError), any log record while loading, an
exception or error during an evaluation, a value that is not a boolean or
does not match its variant, or any log record of the core during an
evaluation, at any level (it logs a misconfigured `fractional` at DEBUG and
carries on), the benign "no targeting key" records of a key-less
evaluation aside.
"""
import json
import logging
import sys
from importlib.metadata import version as installed_version
from unittest import mock

from openfeature.contrib.tools.flagd.core import FlagdCore
from openfeature.evaluation_context import EvaluationContext

KEYLESS = {
    "No valid string targetingKey provided for fractional shorthand syntax.",
    "No hashKey value resolved",
}


def die(message):
    sys.stderr.write(f"eval.py: {message}\n")
    sys.exit(1)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def main():
    args = sys.argv[1:]
    instants = None
    if args and args[0] == "--at":
        try:
            instants = [int(ms) for ms in args[1].split(",")]
        except (IndexError, ValueError):
            die("--at: not integers of milliseconds")
        args = args[2:]
    if len(args) != 2:
        die("usage: python eval.py [--at MS[,MS...]] FLAGS_JSON KEYS_JSON")
    version = installed_version("openfeature-flagd-core")
    if not version.startswith("2."):
        die(f"expected openfeature-flagd-core 2.x, found {version}")
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    with open(args[1], encoding="utf-8") as f:
        keys = json.load(f)
    if not isinstance(keys, list) or not all(k is None or isinstance(k, str) for k in keys):
        die("KEYS_JSON must be an array of strings and nulls")

    capture = Capture()
    logger = logging.getLogger("openfeature")
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    core = FlagdCore()
    try:
        core.set_flags(text)
    except Exception as e:  # ParseError and whatever else the core raises
        die(f"invalid flag configuration: {type(e).__name__}: {e} (cause: {e.__cause__!r})")
    if capture.records:
        die(f"problems while loading: {capture.records}")

    contexts = [EvaluationContext(targeting_key=k) for k in keys]
    flags = list(json.loads(text).get("flags", {}))
    output = {"evaluator": "openfeature-flagd-core", "version": version,
              "flagSetMetadata": dict(core.get_flag_set_metadata())}
    if instants is None:
        output["decisions"], output["metadata"] = evaluate(core, flags, keys, contexts, capture)
    else:
        output["instants"] = []
        for at in instants:
            reads = []

            def fixed(at=at, reads=reads):
                reads.append(1)
                return at / 1000

            with mock.patch("time.time", fixed):
                decisions, metadata = evaluate(core, flags, keys, contexts, capture)
            if not reads:
                die(f"the core never read the clock at {at}: fixing it proves nothing")
            output["instants"].append(
                {"at": at, "clockReads": len(reads), "decisions": decisions, "metadata": metadata}
            )
    json.dump(output, sys.stdout)
    sys.stdout.write("\n")


def evaluate(core, flags, keys, contexts, capture):
    decisions = {}
    metadata = {}
    for flag in flags:
        answers = []
        for key, context in zip(keys, contexts):
            capture.records = []
            where = f"flag={flag!r} key={key!r}"
            try:
                r = core.resolve_boolean_value(flag, False, context)
            except Exception as e:
                die(f"evaluation error {where}: {type(e).__name__}: {e}")
            keyless = key is None or key == ""
            bad = [m for m in capture.records if not (keyless and m in KEYLESS)]
            if bad:
                die(f"log records during evaluation {where}: {bad}")
            if r.error_code is not None or str(r.reason) == "ERROR":
                die(f"evaluation error {where}: {r.error_code} {r.error_message}")
            if not isinstance(r.value, bool) or r.variant != ("on" if r.value else "off"):
                die(f"not a boolean matching its variant {where}: {r}")
            answers.append("1" if r.value else "0")
            if flag not in metadata:
                metadata[flag] = dict(r.flag_metadata)
        decisions[flag] = "".join(answers)
    return decisions, metadata


if __name__ == "__main__":
    main()
