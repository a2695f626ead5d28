"""A reader for the YAML subset docs/api/openapi.yaml is written in.

The standard library has no YAML parser, so the tests read the OpenAPI file
with this one. It accepts: block mappings and block sequences by
indentation, `- key: value` items, flow sequences of scalars (`[a, b]`),
one-line scalars (quoted with ' or ", integers, true/false/null, plain
text) and `#` comments. Anything else raises ValueError, so the document
cannot silently mean something else to the tests than to other tools.
"""
import re


def _scalar(text):
    t = text.strip()
    if t == "" or t == "~" or t == "null":
        return None
    if t in ("true", "false"):
        return t == "true"
    if t.startswith('"') and t.endswith('"') and len(t) >= 2:
        return t[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if t.startswith("'") and t.endswith("'") and len(t) >= 2:
        return t[1:-1].replace("''", "'")
    if t.startswith("[") and t.endswith("]"):
        inner = t[1:-1].strip()
        return [_scalar(p) for p in inner.split(",")] if inner else []
    if t.startswith(("{", "|", ">", "&", "*", "!")):
        raise ValueError(f"unsupported YAML construct: {t[:40]}")
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    return t


def _strip_comment(line):
    out, quote = [], None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(ch)
    return "".join(out).rstrip()


def _lines(text):
    for raw in text.splitlines():
        line = _strip_comment(raw)
        if line.strip():
            if "\t" in line[: len(line) - len(line.lstrip())]:
                raise ValueError("tabs in indentation")
            yield len(line) - len(line.lstrip(" ")), line.strip()


def _split_key(s):
    m = re.match(r'^("[^"]*"|\'[^\']*\'|[^:]+?):(\s+(.*))?$', s)
    if not m:
        return None
    key = m.group(1)
    if key[0] in "'\"":
        key = key[1:-1]
    return key, (m.group(3) or "")


def _block(lines, i, indent):
    """Parses the block starting at lines[i], whose lines are at `indent`."""
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        return _seq(lines, i, indent)
    return _map(lines, i, indent)


def _value(lines, i, indent, rest):
    """The value after `key:` on line i-1: inline, or the nested block."""
    if rest != "":
        return _scalar(rest), i
    if i < len(lines) and lines[i][0] > indent:
        return _block(lines, i, lines[i][0])
    if i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
        return _seq(lines, i, indent)
    return None, i


def _map(lines, i, indent):
    out = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("- "):
        kv = _split_key(lines[i][1])
        if kv is None:
            raise ValueError(f"expected `key: value`: {lines[i][1][:60]}")
        key, rest = kv
        out[key], i = _value(lines, i + 1, indent, rest)
    if i < len(lines) and lines[i][0] > indent:
        raise ValueError(f"bad indentation at: {lines[i][1][:60]}")
    return out, i


def _seq(lines, i, indent):
    out = []
    while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("-"):
        item = lines[i][1][1:].strip()
        if item == "":
            val, i = _block(lines, i + 1, lines[i + 1][0])
            out.append(val)
            continue
        kv = _split_key(item)
        if kv is None or item.startswith(("'", '"', "[")):
            out.append(_scalar(item))
            i += 1
            continue
        # "- key: value" opens a mapping whose other keys sit at indent + 2
        sub = [(indent + 2, item)]
        j = i + 1
        while j < len(lines) and lines[j][0] > indent:
            sub.append(lines[j])
            j += 1
        val, _ = _map(sub, 0, indent + 2)
        out.append(val)
        i = j
    return out, i


def load(text):
    lines = list(_lines(text))
    if not lines:
        return None
    doc, i = _block(lines, 0, lines[0][0])
    if i != len(lines):
        raise ValueError(f"trailing content at: {lines[i][1][:60]}")
    return doc
