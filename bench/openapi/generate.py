#!/usr/bin/env python3
"""Writes a large, realistic OpenAPI 3.0 description: RESOURCES resources, each with a list
(paginated, filtered), create, read, update and delete, a schema of 20 documented properties
built with allOf over a shared base, enums, formats, examples and error answers — the shape of
a big company's internal API. Grows until the JSON text reaches TARGET bytes.

  bench/openapi/generate.py OUT.json OUT.yaml [TARGET_BYTES]
"""
import json
import sys

import yaml

out_json, out_yaml = sys.argv[1], sys.argv[2]
target = int(sys.argv[3]) if len(sys.argv) > 3 else 5 * 1024 * 1024

TYPES = [("string", None), ("integer", "int64"), ("number", "double"), ("boolean", None),
         ("string", "date-time"), ("string", "email"), ("string", "uri"), ("string", "date")]
LOREM = ("Describes the record for people reading the documentation: what it holds, where it "
         "comes from, and which other resources refer to it. ")


def schema_for(k):
    props = {}
    for p in range(20):
        t, f = TYPES[(k + p) % len(TYPES)]
        prop = {"type": t, "description": "Field %d of resource %d. %s" % (p, k, LOREM)}
        if f:
            prop["format"] = f
        if p % 7 == 3:
            prop = {"type": "string", "enum": ["draft", "active", "archived", "deleted"],
                    "description": prop["description"], "default": "draft"}
        if p % 9 == 5:
            prop = {"type": "array", "items": {"$ref": "#/components/schemas/Tag"},
                    "description": prop["description"]}
        props["field_%d" % p] = prop
    return {"allOf": [{"$ref": "#/components/schemas/Base"},
                      {"type": "object", "required": ["field_0", "field_1"], "properties": props,
                       "example": {"field_0": "x", "field_1": 1}}]}


def paths_for(k, doc):
    name = "resource%d" % k
    ref = {"$ref": "#/components/schemas/R%d" % k}
    error = {"$ref": "#/components/responses/Error"}
    doc["paths"]["/%s" % name] = {
        "get": {"operationId": "list%d" % k, "tags": ["group%d" % (k % 12)],
                "summary": "List %s records" % name, "description": LOREM * 2,
                "parameters": [{"$ref": "#/components/parameters/page"},
                               {"$ref": "#/components/parameters/per_page"},
                               {"name": "status", "in": "query",
                                "schema": {"type": "string", "enum": ["draft", "active"]}}],
                "responses": {"200": {"description": "The records",
                                      "content": {"application/json": {"schema": {"type": "array", "items": ref}}}},
                              "400": error, "401": error}},
        "post": {"operationId": "create%d" % k, "tags": ["group%d" % (k % 12)],
                 "summary": "Create a %s record" % name, "description": LOREM,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                 "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": ref}}},
                               "400": error}},
    }
    doc["paths"]["/%s/{id}" % name] = {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "get": {"operationId": "get%d" % k, "summary": "Get a %s record" % name,
                "responses": {"200": {"description": "The record", "content": {"application/json": {"schema": ref}}},
                              "404": error}},
        "patch": {"operationId": "update%d" % k, "summary": "Update a %s record" % name,
                  "requestBody": {"content": {"application/json": {"schema": ref}}},
                  "responses": {"200": {"description": "Updated", "content": {"application/json": {"schema": ref}}}}},
        "delete": {"operationId": "delete%d" % k, "summary": "Delete a %s record" % name,
                   "responses": {"204": {"description": "Deleted"}}},
    }
    doc["components"]["schemas"]["R%d" % k] = schema_for(k)


doc = {
    "openapi": "3.0.3",
    "info": {"title": "Generated Internal API", "version": "1.0.0", "description": LOREM},
    "servers": [{"url": "https://{region}.api.example/v1", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}],
    "security": [{"bearer": []}],
    "paths": {},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "parameters": {
            "page": {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}},
            "per_page": {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 50}},
        },
        "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        "schemas": {
            "Base": {"type": "object", "properties": {"id": {"type": "integer", "readOnly": True},
                                                       "created_at": {"type": "string", "format": "date-time"}}},
            "Tag": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
    },
}

k = 0
while True:
    for _ in range(20):
        paths_for(k, doc)
        k += 1
    text = json.dumps(doc, indent=1)
    if len(text) >= target:
        break
with open(out_json, "w") as f:
    f.write(text)
with open(out_yaml, "w") as f:
    yaml.dump(doc, f, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, width=100)
print("%d resources, %d operations, JSON %d bytes" % (k, k * 5, len(text)), file=sys.stderr)
