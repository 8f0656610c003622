#!/usr/bin/python3
"""Checks data/connector.schema.json, the JSON Schema of app descriptors, with Debian's
python3-jsonschema:

- it is a valid draft 2020-12 schema, and every descriptor in data/connectors/apps/ satisfies it;
- a deliberately broken descriptor (tests/fixtures/apps/broken-descriptor.json) fails it at
  each of its mistakes, and the loader (`conduit-cli connector validate`) refuses the same
  places, so the schema and the program agree;
- it cannot drift from the loader: every table of member names and of allowed values in
  src/core/conduit-app-descriptor-loader.c (the `known[]` lists that make "unknown member"
  problems, the kinds, methods, styles…) must equal what the schema allows at that place.

  tests/check-connector-schema.py SOURCE_ROOT [CONDUIT_CLI]
"""
import json
import pathlib
import re
import subprocess
import sys

import jsonschema

# Where each table of the loader lives in the schema: (function, array) -> (definition, what).
# "members" compares the table with the definition's properties, "values" with an enum.
TABLES = {
    (None, "field_types"): ("field", "values", "type"),
    (None, "auth_kinds"): ("auth", "values", "kind"),
    ("check_fields", "known"): ("field", "members", None),
    ("check_fields", "options_known"): ("field", "members", "options"),
    ("check_auth", "known"): ("auth", "members", None),
    ("check_auth", "places"): ("auth", "values", "in"),
    ("check_error_rule", "known"): ("errorRule", "members", None),
    ("check_defaults", "known"): ("defaults", "members", None),
    ("check_defaults", "rate_known"): ("defaults", "members", "rate_limit"),
    ("check_defaults", "retry_known"): ("defaults", "members", "retry"),
    ("check_request", "known"): ("request", "members", None),
    ("check_request", "methods"): ("request", "values", "method"),
    ("check_request", "body_known"): ("request", "members", "body"),
    ("check_request", "body_types"): ("request", "values", "body/type"),
    ("check_pagination", "known"): ("pagination", "members", None),
    ("check_pagination", "styles"): ("pagination", "values", "style"),
    ("check_operation", "known"): ("operation", "members", None),
    ("check_operation", "kinds"): ("operation", "values", "kind"),
    ("check_operation", "response_known"): ("operation", "members", "response"),
    ("check_operation", "idempotency_known"): ("operation", "members", "idempotency"),
    ("check_trigger", "known"): ("trigger", "members", None),
    ("check_trigger", "cursor_known"): ("trigger", "members", "cursor"),
    ("check_trigger", "signature_known"): ("trigger", "members", "signature"),
    ("check_trigger", "schemes"): ("trigger", "values", "signature/scheme"),
    ("check_trigger", "encodings"): ("trigger", "values", "signature/encoding"),
    ("check_trigger", "challenge_known"): ("trigger", "members", "challenge"),
    ("check_trigger", "challenge_methods"): ("trigger", "values", "challenge/method"),
    ("check_example", "known"): ("example", "members", None),
    ("check_example", "request_known"): ("example", "members", "request"),
    ("check_example", "response_known"): ("example", "members", "response"),
    ("check_connection", "known"): ("connection", "members", None),
    ("check_connection", "test_known"): ("connection", "members", "test"),
    ("check_meta", "known"): ("meta", "members", None),
    ("conduit_app_descriptor_new_from_data", "known"): (None, "members", None),
}

# The broken fixture's mistakes: where the schema must refuse it.
BROKEN = {
    "/meta/docs_url": "does not match '^https://'",
    "/connection/auth/kind": "'oauth3' is not one of",
    "/operations/0": "'titel' was unexpected",
    "/operations/0/request/method": "'FETCH' is not one of",
    "/operations/0/pagination": "'offset_param' is a required property",
}


def loader_tables(source):
    """Every `static const char * const NAME[] = { "a", "b", NULL };` of the loader, keyed by
    (the function it is in, or None at file level, NAME)."""
    tables = {}
    text = source.read_text(encoding="utf-8")
    # a function starts with its name at the start of a line, after its return type's line
    starts = [(m.start(), m.group(1)) for m in re.finditer(r"^(\w+) \(", text, re.M)]
    for match in re.finditer(r"^( *)static const char \* const (\w+)\[\] = \{(.*?)\};",
                             text, re.S | re.M):
        function = None
        if match.group(1):  # indented: inside the last function that started before it
            function = [name for offset, name in starts if offset < match.start()][-1]
        names = re.findall(r'"([^"]*)"', match.group(3))
        tables[(function, match.group(2))] = set(names)
    return tables


def schema_place(schema, definition, path):
    node = schema if definition is None else schema["$defs"][definition]
    for part in (path.split("/") if path else []):
        node = node["properties"][part]
    return node


def main():
    top = pathlib.Path(sys.argv[1])
    cli = sys.argv[2] if len(sys.argv) > 2 else None
    schema = json.loads((top / "data" / "connector.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []

    apps = sorted((top / "data" / "connectors" / "apps").glob("*.json"))
    if not apps:
        problems.append("no app descriptors in data/connectors/apps/")
    for path in apps:
        for error in validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))):
            pointer = "/" + "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{path.relative_to(top)}: {pointer}: {error.message}")

    broken = top / "tests" / "fixtures" / "apps" / "broken-descriptor.json"
    found = {}
    for error in validator.iter_errors(json.loads(broken.read_text(encoding="utf-8"))):
        found.setdefault("/" + "/".join(str(p) for p in error.absolute_path), []).append(error.message)
    for pointer, expected in BROKEN.items():
        if not any(expected in m for m in found.get(pointer, [])):
            problems.append(f"{broken.name}: expected the schema to refuse {pointer} ({expected}), "
                            f"got {found.get(pointer, 'nothing there')}")
    if cli:
        result = subprocess.run([cli, "connector", "validate", str(broken)],
                                capture_output=True, text=True)
        refused = set(re.findall(r"^[^:]+:\d+: (/\S*):", result.stdout, re.M))
        if result.returncode != 1:
            problems.append(f"conduit-cli connector validate accepted {broken.name}")
        for pointer in BROKEN:
            # the loader names the member itself where the schema names its object
            if pointer not in refused and not any(r.startswith(pointer + "/") for r in refused):
                problems.append(f"{broken.name}: the loader does not refuse {pointer}; it said:\n"
                                + result.stdout)

    tables = loader_tables(top / "src" / "core" / "conduit-app-descriptor-loader.c")
    for key, names in tables.items():
        if key not in TABLES:
            problems.append(f"the loader's table {key[1]} in {key[0] or 'the file'} is new: "
                            "add its place in the schema to TABLES in this test, and to the schema")
            continue
        definition, what, path = TABLES[key]
        node = schema_place(schema, definition, path)
        allowed = set(node.get("properties", {})) if what == "members" else set(node.get("enum", []))
        if allowed != names:
            problems.append(f"data/connector.schema.json {definition or 'root'}"
                            f"{'/' + path if path else ''}: the schema allows {sorted(allowed)}, "
                            f"the loader's {key[1]} in {key[0] or 'the file'} {sorted(names)}")
    for key in TABLES:
        if key not in tables:
            problems.append(f"the loader has no table {key[1]} in {key[0] or 'the file'} any more: "
                            "update TABLES in this test")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(apps)} app descriptors and {len(tables)} tables of the loader checked against "
          "data/connector.schema.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
