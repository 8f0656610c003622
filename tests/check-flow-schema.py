#!/usr/bin/python3
"""Checks data/flow.schema.json with Debian's python3-jsonschema: the schema is a valid draft
2020-12 schema, every example flow in data/examples/ satisfies it, and the broken fixtures do not
(so this test can fail).

  tests/check-flow-schema.py SOURCE_ROOT
"""
import json
import pathlib
import sys

import jsonschema


def main():
    top = pathlib.Path(sys.argv[1])
    schema = json.loads((top / "data" / "flow.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []

    examples = sorted((top / "data" / "examples").glob("*.conduit"))
    if not examples:
        problems.append("no example flows in data/examples/")
    for path in examples:
        for error in validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))):
            pointer = "/" + "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{path.relative_to(top)}: {pointer}: {error.message}")

    for name, expected in (("broken-links.conduit", "'url' is a required property"),
                           ("hidden-links.conduit", "'colour' was unexpected"),
                           ("pinned-not-array.conduit", "is not of type 'array'"),
                           ("notes.conduit", "'teal' is not one of")):
        path = top / "tests" / "fixtures" / "flows" / name
        messages = [e.message for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        if not any(expected in m for m in messages):
            problems.append(f"{name}: expected the schema to refuse it ({expected}), got {messages}")

    # pinned output (docs/flow-format.md) is part of the format: a file with it passes
    pinned = top / "tests" / "fixtures" / "flows" / "pinned.conduit"
    for error in validator.iter_errors(json.loads(pinned.read_text(encoding="utf-8"))):
        problems.append(f"pinned.conduit: {error.message}")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(examples)} example flows checked against data/flow.schema.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
