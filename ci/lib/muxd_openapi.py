"""Checks muxd's answers against docs/api/openapi.yaml.

Supported schema keywords (all the document uses): type, nullable,
properties, required, additionalProperties: false, items, enum, $ref.
Every checked answer records its operation, so a test can also ask which
documented operations it never exercised.
"""
import re

import muxd_yaml

PY_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
            "object": dict, "array": list}


class Spec:
    def __init__(self, path):
        with open(path) as f:
            self.doc = muxd_yaml.load(f.read())
        self.seen = set()
        self.templates = []
        for tpl in self.doc["paths"]:
            rx = "^" + re.sub(r"\{[^}]+\}", r"[1-9][0-9]*", re.escape(tpl).replace(r"\{", "{").replace(r"\}", "}")) + "$"
            self.templates.append((re.compile(rx), tpl))

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("external $ref " + ref)
            target = self.doc
            for part in ref[2:].split("/"):
                target = target[part]
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = dict(target, **extra) if extra else target
        return node

    def template(self, path):
        path = path.split("?")[0]
        for rx, tpl in self.templates:
            if rx.match(path):
                return tpl
        return None

    def operation(self, method, path):
        tpl = self.template(path)
        if tpl is None:
            return None, None
        return tpl, self.doc["paths"][tpl].get(method.lower())

    def problems(self, method, path, resp):
        """What is wrong with resp for method+path (empty list: it matches)."""
        tpl, op = self.operation(method, path)
        if tpl is None:
            if resp.status == 404:  # no such endpoint: still the one error shape
                return self.check_value(resp.body, {"$ref": "#/components/schemas/Error"}, "body")
            return [f"{path} is not documented"]
        if op is None:
            if resp.status == 405:
                return self.check_value(resp.body, {"$ref": "#/components/schemas/Error"}, "body")
            return [f"{method} {tpl} is not documented"]
        self.seen.add((method.upper(), tpl))
        spec = op.get("responses", {}).get(str(resp.status))
        if spec is None:
            return [f"{method} {tpl} does not document status {resp.status}"]
        spec = self.resolve(spec)
        content = spec.get("content")
        if not content:
            return [] if not resp.raw else [f"status {resp.status} should have no body"]
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype not in content:
            return [f"content type {ctype} not documented for {resp.status}"]
        schema = content[ctype]["schema"]
        if ctype == "application/json":
            return self.check_value(resp.body, schema, "body")
        return [] if isinstance(resp.raw, str) else ["body is not text"]

    def check_value(self, v, schema, where):
        s = self.resolve(schema)
        if v is None:
            return [] if s.get("nullable") else [f"{where} is null"]
        t = s.get("type")
        if t is None and "properties" in s:
            t = "object"
        if t:
            ok = isinstance(v, PY_TYPES[t]) and not (t in ("integer", "number") and isinstance(v, bool))
            if not ok:
                return [f"{where} should be {t}, is {type(v).__name__}"]
        if "enum" in s and v not in s["enum"]:
            return [f"{where}={v!r} not in {s['enum']}"]
        out = []
        if isinstance(v, dict):
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r not in v:
                    out.append(f"{where}.{r} missing")
            for k, val in v.items():
                if k in props:
                    out += self.check_value(val, props[k], f"{where}.{k}")
                elif s.get("additionalProperties") is False:
                    out.append(f"{where}.{k} is not documented")
        if isinstance(v, list) and "items" in s:
            for i, item in enumerate(v[:50]):
                out += self.check_value(item, s["items"], f"{where}[{i}]")
        return out

    def operations(self):
        ops = set()
        for tpl, item in self.doc["paths"].items():
            for m in ("get", "post", "patch", "put", "delete"):
                if m in item:
                    ops.add((m.upper(), tpl))
        return ops
