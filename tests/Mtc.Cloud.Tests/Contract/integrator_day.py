#!/usr/bin/env python3
"""An integrator's day against the MTConnect Core cloud, written from api/openapi.json alone.

Every call is found by its operationId; its path, query and header parameters must be ones the document declares,
the URL comes from the document's server, the key goes where its security scheme says, and every response must have
a status and media type the operation declares and a body valid against the declared schema. Standard library only.

usage: integrator_day.py OPENAPI_JSON BASE_URL
environment: MTC_EDGE_KEY (edge:ingest), MTC_WRITER_KEY (ext:write), MTC_READER_KEY (ext:read)
"""
import datetime
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class ContractError(AssertionError):
    pass


class Schema:
    """The JSON Schema subset the document uses: $ref, type (with null), properties, required, items,
    additionalProperties, enum, anyOf/oneOf/allOf, minimum/maximum, minLength/maxLength, pattern, format date-time."""

    def __init__(self, document):
        self.document = document

    def resolve(self, ref):
        node = self.document
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return node

    def check(self, schema, value, at="$"):
        if "$ref" in schema:
            return self.check(self.resolve(schema["$ref"]), value, at)
        for sub in schema.get("allOf", []):
            self.check(sub, value, at)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                errors = []
                for sub in schema[key]:
                    try:
                        self.check(sub, value, at)
                        break
                    except ContractError as e:
                        errors.append(str(e))
                else:
                    raise ContractError(f"{at}: matches none of {key}: {errors}")
        types = schema.get("type")
        if types is not None:
            types = types if isinstance(types, list) else [types]
            if not any(self.is_type(t, value) for t in types):
                raise ContractError(f"{at}: {json.dumps(value)[:80]} is not {types}")
        if "enum" in schema and value not in schema["enum"]:
            raise ContractError(f"{at}: {value!r} is not one of {schema['enum']}")
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            for name in schema.get("required", []):
                if name not in value:
                    raise ContractError(f"{at}: required property {name} is missing")
            for name, item in value.items():
                if name in properties:
                    self.check(properties[name], item, f"{at}.{name}")
                elif isinstance(schema.get("additionalProperties"), dict):
                    self.check(schema["additionalProperties"], item, f"{at}.{name}")
                elif schema.get("additionalProperties") is False:
                    raise ContractError(f"{at}: property {name} is not declared")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                self.check(schema["items"], item, f"{at}[{i}]")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < float(schema["minimum"]):
                raise ContractError(f"{at}: {value} < minimum {schema['minimum']}")
            if "maximum" in schema and value > float(schema["maximum"]):
                raise ContractError(f"{at}: {value} > maximum {schema['maximum']}")
        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                raise ContractError(f"{at}: shorter than {schema['minLength']}")
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                raise ContractError(f"{at}: longer than {schema['maxLength']}")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                raise ContractError(f"{at}: {value!r} does not match {schema['pattern']}")
            if schema.get("format") == "date-time":
                try:
                    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    raise ContractError(f"{at}: {value!r} is not a date-time")

    @staticmethod
    def is_type(name, value):
        return {
            "null": value is None,
            "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "string": isinstance(value, str),
            "array": isinstance(value, list),
            "object": isinstance(value, dict),
        }[name]


class Client:
    """Calls operations by operationId, as a generated client would, checking both sides against the document."""

    def __init__(self, document, base_url):
        self.document = document
        self.schema = Schema(document)
        server = document["servers"][0]
        url = server["url"]
        for name, variable in server.get("variables", {}).items():
            url = url.replace("{" + name + "}", base_url if name == "baseUrl" else variable["default"])
        self.base = url.rstrip("/")
        self.operations = {}
        for path, item in document["paths"].items():
            for method, operation in item.items():
                self.operations[operation["operationId"]] = (method.upper(), path, operation)
        self.schemes = document["components"]["securitySchemes"]

    def call(self, operation_id, key=None, path=None, query=None, headers=None, body=None, scheme="bearer"):
        method, template, operation = self.operations[operation_id]
        declared = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
        path, query, headers = path or {}, query or {}, dict(headers or {})
        for location, values in (("path", path), ("query", query), ("header", headers)):
            for name, value in values.items():
                parameter = declared.get((location, name))
                if parameter is None:
                    raise ContractError(f"{operation_id}: {location} parameter {name} is not in the document")
                if value is not None and parameter.get("schema", {}).get("type") == "integer" and not isinstance(value, int):
                    raise ContractError(f"{operation_id}: {name} is declared integer")
        for (location, name), parameter in declared.items():
            if parameter.get("required") and name not in {"path": path, "query": query, "header": headers}[location]:
                raise ContractError(f"{operation_id}: required {location} parameter {name} not sent")
        url = self.base + re.sub(r"\{(\w+)\}", lambda m: urllib.parse.quote(str(path[m.group(1)]), safe=""), template)
        sent = {k: v for k, v in query.items() if v is not None}
        if sent:
            url += "?" + urllib.parse.urlencode(sent)
        if key is not None:
            if operation.get("security") == []:
                raise ContractError(f"{operation_id}: the document says no key is needed")
            names = [name for requirement in operation.get("security", []) for name in requirement]
            if scheme not in names:
                raise ContractError(f"{operation_id}: security scheme {scheme} is not accepted here")
            definition = self.schemes[scheme]
            if definition["type"] == "http":
                headers["Authorization"] = "Bearer " + key
            else:
                headers[definition["name"]] = key
        data = None
        if body is not None:
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                raise ContractError(f"{operation_id}: no JSON body is declared")
            self.schema.check(content["application/json"]["schema"], body, f"{operation_id} request")
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, reply_headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            status, reply_headers, raw = e.code, e.headers, e.read()
        return self.check_response(operation_id, operation, status, reply_headers, raw)

    def check_response(self, operation_id, operation, status, headers, raw):
        responses = operation["responses"]
        declared = responses.get(str(status)) or responses.get("default")
        if declared is None:
            raise ContractError(f"{operation_id}: status {status} is not declared (declared: {sorted(responses)}): {raw[:300]!r}")
        media = (headers.get("Content-Type") or "").split(";")[0].strip()
        content = declared.get("content", {})
        value = None
        if raw:
            if media not in content:
                raise ContractError(f"{operation_id}: {status} answered {media}, declared {sorted(content)}")
            value = json.loads(raw)
            self.schema.check(content[media]["schema"], value, f"{operation_id} {status}")
        for name in declared.get("headers", {}):
            if name == "Retry-After" and status in (409, 429, 503) and headers.get(name) is None:
                raise ContractError(f"{operation_id}: {status} without its declared Retry-After")
        return status, headers, value


def expect(condition, message):
    if not condition:
        raise ContractError(message)


def problem(reply, status, slug):
    got, _, body = reply
    expect(got == status, f"expected {status} {slug}, got {got}: {body}")
    expect(body["type"] == "urn:mtc:problem:" + slug, f"expected problem {slug}, got {body['type']}")
    return body


def pages(client, operation_id, key, path=None, query=None):
    """Every item of a list, page after page until nextCursor is null."""
    items, cursor, seen = [], None, 0
    while True:
        status, _, page = client.call(operation_id, key, path=path, query={**(query or {}), "cursor": cursor})
        expect(status == 200, f"{operation_id}: {status} {page}")
        items += page["items"]
        seen += 1
        cursor = page.get("nextCursor")
        if cursor is None or not page["items"]:
            return items, seen


def main():
    document = json.load(open(sys.argv[1]))
    client = Client(document, sys.argv[2])
    edge, writer, reader = os.environ["MTC_EDGE_KEY"], os.environ["MTC_WRITER_KEY"], os.environ["MTC_READER_KEY"]
    step = lambda text: print("ok:", text, flush=True)

    status, _, health = client.call("Health")
    expect(status == 200 and health["status"], f"health: {status} {health}")
    step("health without a key")
    problem(client.call("ListMachines"), 401, "unauthorized")
    step("a call without a key is a 401 problem")

    machines = [{"id": "lathe-1", "name": "Lathe 1", "uuid": "L1"}, {"id": "mill-2", "name": "Mill 2"}]
    status, _, setup = client.call("Setup", edge, body={"edgeId": "plant-1", "name": "Plant 1", "machines": machines})
    expect(status == 200, f"setup: {status} {setup}")
    step(f"setup of {len(machines)} machines: {setup['status']}")

    # A day of one machine as its edge sends it: status intervals, cycles and parts, and observations.
    day = datetime.datetime(2026, 3, 29, 0, 0, tzinfo=datetime.timezone.utc)
    t = lambda minutes: (day + datetime.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
    records, seq = [], 0
    for i in range(12):
        seq += 1
        start, end = 60 * i, 60 * i + 50
        records.append({"kind": "derivedEvent", "seq": seq, "machineId": "lathe-1",
                        "event": {"id": f"cycle-{i}", "type": "cycle", "start": t(start), "end": t(end),
                                  "data": {"durationSeconds": 3000, "activeSeconds": 2900, "interruptedSeconds": 100,
                                           "program": "O100", "parts": 1, "completion": "completed"}}})
        seq += 1
        records.append({"kind": "observation", "seq": seq, "machineId": "lathe-1", "instanceId": "1", "sequence": 100 + i,
                        "dataItemId": "pc", "name": "PartCount", "category": "EVENT", "type": "PART_COUNT",
                        "timestamp": t(end), "value": str(i + 1)})
    status, _, ingest = client.call("Ingest", edge, body={"edgeId": "plant-1", "streamId": str(uuid.uuid4()), "fromSeq": 1, "toSeq": seq, "records": records})
    expect(status == 200 and ingest["hwm"] == seq, f"ingest: {status} {ingest}")
    step(f"an edge batch of {seq} records: accepted {ingest['accepted']}")

    # An integrator's event, exactly once per Idempotency-Key.
    key = str(uuid.uuid4())
    event = {"machineId": "lathe-1", "type": "scrap", "timestamp": t(125), "data": {"parts": 2, "reason": "burr"}}
    status, headers, first = client.call("PostEvent", writer, headers={"Idempotency-Key": key}, body=event, scheme="apiKey")
    expect(status == 200 and headers.get("Idempotent-Replayed") is None, f"event: {status} {first}")
    reordered = {"data": {"reason": "burr", "parts": 2}, "timestamp": t(125), "type": "scrap", "machineId": "lathe-1"}
    status, headers, again = client.call("PostEvent", writer, headers={"Idempotency-Key": key}, body=reordered)
    expect(status == 200 and headers.get("Idempotent-Replayed") == "true" and again["id"] == first["id"], f"replay: {status} {headers} {again}")
    problem(client.call("PostEvent", writer, headers={"Idempotency-Key": key}, body={**event, "data": {"parts": 3}}), 422, "idempotency-key-reused")
    problem(client.call("PostEvent", writer, headers={"Idempotency-Key": "two words"}, body=event), 400, "idempotency-key-invalid")
    forbidden = problem(client.call("PostEvent", reader, headers={"Idempotency-Key": str(uuid.uuid4())}, body=event), 403, "forbidden")
    expect(forbidden["requiredScopes"] == ["ext:write"], f"403 names {forbidden.get('requiredScopes')}")
    step("an event once per key: replayed for the same JSON, 422 for another body, 400 for a bad key, 403 naming ext:write")

    listed, _ = pages(client, "ListMachines", reader, query={"limit": 1})
    expect({m["id"] for m in listed} == {"lathe-1", "mill-2"}, f"machines: {listed}")
    status, _, state = client.call("GetMachine", reader, path={"id": "lathe-1"})
    expect(status == 200 and state["partCount"] == 12, f"machine: {status} {state}")
    problem(client.call("GetMachine", reader, path={"id": "nope"}), 404, "not-found")
    expect(listed[0]["partCount"] == 12, f"the list's partCount: {listed[0]}")
    step(f"machines listed one per page; lathe-1 has partCount {state['partCount']}")

    cycles, page_count = pages(client, "GetMachineCycleTime", reader, path={"id": "lathe-1"}, query={"from": t(0), "to": t(24 * 60), "limit": 5})
    expect(len(cycles) == 12 and page_count == 3, f"cycles: {len(cycles)} in {page_count} pages")
    expect(all(c["durationSeconds"] == 3000 for c in cycles), f"cycle durations: {[c['durationSeconds'] for c in cycles]}")
    status, _, by_query = client.call("GetCycleTime", reader, query={"machineId": "lathe-1", "from": t(0), "to": t(24 * 60)})
    expect(status == 200 and by_query["summary"]["count"] == 12, f"cycle-time by query: {by_query['summary']}")
    status, _, newest = client.call("GetMachineCycleTime", reader, path={"id": "lathe-1"}, query={"order": "desc", "limit": 1})
    expect(status == 200 and newest["items"][0]["id"] == "cycle-11", f"the last cycle first: {newest['items']}")
    problem(client.call("GetMachineCycleTime", reader, path={"id": "lathe-1"}, query={"order": "asc", "cursor": newest["nextCursor"]}), 400, "cursor-mismatch")
    step(f"{len(cycles)} cycles in {page_count} pages of 5, summary count {by_query['summary']['count']}; the last one first with order=desc")

    observations, _ = pages(client, "GetObservations", reader, path={"id": "lathe-1"}, query={"dataItemId": "pc", "limit": 5})
    expect([o["value"] for o in observations] == [str(i + 1) for i in range(12)], f"observations: {observations}")
    status, _, timeline = client.call("GetMachineTimeline", reader, path={"id": "lathe-1"}, query={"from": t(0), "to": t(24 * 60)})
    expect(status == 200, f"timeline: {status} {timeline}")
    status, _, setups = client.call("GetMachineSetups", reader, path={"id": "lathe-1"}, query={"from": t(0), "to": t(24 * 60)})
    expect(status == 200, f"setups: {status} {setups}")
    step("observations, timeline and setups")

    status, _, feed = client.call("GetEvents", reader, query={"type": "scrap"})
    expect(status == 200 and [e["id"] for e in feed["items"]] == [first["id"]], f"events feed: {feed}")
    status, _, edges = client.call("ListEdges", reader)
    expect(status == 200 and [e["id"] for e in edges["items"]] == ["plant-1"], f"edges: {edges}")
    step("the events feed holds the scrap event once; the edge is listed")

    bad = problem(client.call("GetMachineCycleTime", reader, path={"id": "lathe-1"}, query={"limit": 0}), 400, "invalid-request")
    expect(bad.get("parameter") == "limit", f"400 names {bad}")
    bad = problem(client.call("GetMachineCycleTime", reader, path={"id": "lathe-1"}, query={"from": "yesterday"}), 400, "invalid-request")
    expect(bad.get("parameter") == "from", f"400 names {bad}")
    step("bad parameters are 400 problems naming the parameter")
    print("integrator day: done")


if __name__ == "__main__":
    try:
        main()
    except ContractError as e:
        print("CONTRACT:", e, file=sys.stderr)
        sys.exit(1)
