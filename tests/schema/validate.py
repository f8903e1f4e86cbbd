"""Validates TOML files against a JSON Schema with Python's jsonschema.

    python validate.py SCHEMA FILE...

Each FILE is read with tomllib (Python 3.11+), its dates turned into the
strings taplo hands a schema (taplo::dom::node::DateTimeValue's Display:
an offset date-time in RFC 3339 with `Z` for UTC, a local date-time as
YYYY-MM-DDTHH:MM:SS[.frac], a date as YYYY-MM-DD, a time as HH:MM:SS[.frac]),
and validated by Draft7Validator with its format checker. Prints one JSON
object: the validator's version and, per file, the TOML error (or null) and
the schema's errors. Exits 0 whatever the verdicts; non-zero only when it
cannot run (the caller asserts the verdicts).
"""

import datetime
import json
import sys

if sys.version_info < (3, 11):
    sys.exit(f"validate.py needs Python 3.11 or newer (tomllib), not {sys.version.split()[0]}")

import tomllib
from importlib.metadata import version

import jsonschema


def as_taplo_does(value):
    if isinstance(value, dict):
        return {key: as_taplo_does(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_taplo_does(item) for item in value]
    if isinstance(value, datetime.datetime):
        text = value.replace(tzinfo=None).isoformat()
        offset = value.utcoffset()
        if offset is None:
            return text
        if offset == datetime.timedelta(0):
            return text + "Z"
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        return f"{text}{sign}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def main():
    schema_path, *files = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    # Without rfc3339-validator the format checker skips `date-time`
    # silently: a step's `at` would never be checked.
    if validator.format_checker.conforms("not a date-time", "date-time"):
        sys.exit("jsonschema does not check the date-time format: install rfc3339-validator")
    results = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        try:
            document = tomllib.loads(data.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            results.append({"file": path, "toml_error": str(e), "errors": []})
            continue
        errors = [
            f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(as_taplo_does(document))
        ]
        results.append({"file": path, "toml_error": None, "errors": errors})
    print(json.dumps({"validator": f"jsonschema {version('jsonschema')}", "results": results}))


main()
