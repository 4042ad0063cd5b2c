#!/usr/bin/env python3
"""Generate the NCTS P5 schema tables of cats-ncts from the official XSDs.

Usage (from the repository root):

    python3 tools/xsd2schema.py ../shared/ncts/xsd-p5 > crates/cats-ncts/src/schema/generated.rs
    rustfmt is not needed: the module is declared `#[rustfmt::skip]`.

The XSDs (DG TAXUD, NCTS P5, version 51.8.6) use a small subset of XML Schema: every complex type
is one `xs:sequence` of elements (plus the `MESSAGE` header group), every leaf is a named simple
type derived by `xs:restriction` from xs:token, xs:normalizedString, xs:decimal, xs:integer,
xs:date or xs:dateTime. The script refuses anything else, so a future XSD that uses more fails
loudly instead of producing wrong tables.

Facets are combined along the restriction chain as XML Schema does: patterns of one derivation
step are alternatives (OR), patterns of different steps must all hold (AND); the most restrictive
length, digit and range facets win; the most derived enumeration wins.
"""

import os
import re
import sys
import xml.etree.ElementTree as ET

XS = "{http://www.w3.org/2001/XMLSchema}"
VERSION = "51.8.6"

# Message types CATS reads or writes (DOMAIN.md section 4). CC034C and CC037C (guarantee query)
# have no XSD in the 51.8.6 folder; they are skipped with a note on stderr.
MESSAGES = [
    "CC015C", "CC013C", "CC014C", "CC007C", "CC044C", "CC170C", "CC034C",
    "CC928C", "CC028C", "CC056C", "CC055C", "CC060C", "CC004C", "CC009C", "CC029C", "CC051C",
    "CC043C", "CC025C", "CC057C", "CC019C", "CC045C", "CC035C", "CC182C", "CC037C", "CC906C",
    "CC917C", "CC190C", "CC191C",
]

BUILTIN = {
    "xs:token": "Token",
    "xs:normalizedString": "NormalizedString",
    "xs:string": "String",
    "xs:decimal": "Decimal",
    "xs:integer": "Integer",
    "xs:date": "Date",
    "xs:dateTime": "DateTime",
}

KNOWN_PATTERNS = {
    r"\P{Z}(.*\P{Z})?": "no leading or trailing spaces",
    r"\P{Z}[^@]*@[^\.]+\..*\P{Z}": "an e-mail address without leading or trailing spaces",
    r"[^@]+@[^\.]+\..+": "an e-mail address",
    "[0-9]{1}": "a single digit",
    "[0-9]{2}": "2 digits",
    "[0-9]{1,2}": "1 or 2 digits",
    "[A-Za-z]{1}": "a single letter",
    "[a-zA-Z]": "a single letter",
    "[A-Za-z]{2}": "2 letters",
    "[a-zA-Z]{2}": "2 letters",
    "[A-Za-z]{3}": "3 letters",
    "[a-zA-Z]{3}": "3 letters",
    "[a-zA-Z]{4}": "4 letters",
    "[A-Za-z]{1,3}": "1 to 3 letters",
    "[a-zA-Z]{1,8}": "1 to 8 letters",
    "[A-Z]{2}": "2 capital letters",
    "[A-Z]*": "capital letters only",
    "[A-Z0-9]*": "capital letters and digits only",
    "[A-Z]{2}[A-Z0-9]{6}": "a customs office reference: 2 capital letters and 6 capital letters or digits",
    "([2][4-9]|[3-9][0-9])[A-Z]{2}[A-Z0-9]{12}[J-M][0-9]":
        "an MRN: 2-digit year, 2-letter country, 12 capital letters or digits, a procedure letter J-M, a check digit",
    "([2][4-9]|[3-9][0-9])[A-Z]{2}[A-Z0-9]{12}[A-E][0-9]":
        "an MRN: 2-digit year, 2-letter country, 12 capital letters or digits, a procedure letter A-E, a check digit",
    "([0-1][0-9]|[2][0-4])[A-Z]{2}[A-Z0-9]{13}[0-9]":
        "an MRN: 2-digit year, 2-letter country, 13 capital letters or digits, a check digit",
    "[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]([A-Z][0-9]{6})?":
        "a GRN: 2-digit year, 2-letter country, 12 capital letters or digits, a check digit",
    "[2][0][1-9][0-9]": "a year 2010-2099",
    "[ -~]{1,17}": "printable ASCII only",
    "[ -~]{1,35}": "printable ASCII only",
    "[ -~]{1,70}": "printable ASCII only",
    "[!-~][ -~]{1,15}[!-~]|[!-~]{1,2}": "printable ASCII without leading or trailing spaces",
    "[!-~][ -~]{1,33}[!-~]|[!-~]{1,2}": "printable ASCII without leading or trailing spaces",
    "[A-Z]{2}[!-~]{1,15}": "2 capital letters (the country) then up to 15 printable ASCII characters without spaces",
    r"[+-]?([0-8]?[0-9]\.[0-9]{5,7}|90.000000?0?)": "a latitude in degrees with 5 to 7 decimals",
    r"[+-]?((0?[0-9]?|1[0-7])[0-9]\.[0-9]{5,7}|180.000000?0?)": "a longitude in degrees with 5 to 7 decimals",
    "([1-9][0-9]{0,6}|(1[0-9]|2[0-4])[0-9]{0,6}|25000000|(X[A-Z]|[A-Z]X)(2[5-9]|[3-9][0-9]|[1-9][0-9][0-9])[0-9]{6})":
        "a TIR carnet number",
    r"\p{IsBasicLatin}+": "ASCII characters only",
}


def die(msg):
    sys.exit(f"xsd2schema: {msg}")


class Defs:
    """All named definitions of the schema set, keyed by name."""

    def __init__(self):
        self.simple = {}
        self.complex = {}
        self.groups = {}
        self.loaded = set()

    def load(self, path):
        path = os.path.normpath(path)
        if path in self.loaded:
            return
        self.loaded.add(path)
        root = ET.parse(path).getroot()
        for child in root:
            tag = child.tag
            if tag == XS + "include":
                self.load(os.path.join(os.path.dirname(path), child.get("schemaLocation")))
            elif tag == XS + "simpleType":
                self.simple.setdefault(child.get("name"), child)
            elif tag == XS + "complexType":
                self.complex.setdefault(child.get("name"), child)
            elif tag == XS + "group":
                self.groups.setdefault(child.get("name"), child)
        return root


def occurs(el, attr, default):
    v = el.get(attr, default)
    return "UNBOUNDED" if v == "unbounded" else int(v)


class Gen:
    def __init__(self, defs):
        self.defs = defs
        self.simple_index = {}   # name -> resolved dict
        self.complex_index = {}  # name -> list of children
        self.complex_attrs = {}
        self.patterns = []

    # ---- simple types -------------------------------------------------------------------
    def resolve_simple(self, name):
        if name in self.simple_index:
            return self.simple_index[name]
        node = self.defs.simple.get(name)
        if node is None:
            die(f"unknown simple type {name}")
        restr = node.find(XS + "restriction")
        if restr is None or len([c for c in node if c.tag != XS + "annotation"]) != 1:
            die(f"simple type {name} is not a plain restriction")
        base = restr.get("base")
        if base in BUILTIN:
            st = dict(base=BUILTIN[base], pattern_groups=[], length=None, min_length=None,
                      max_length=None, total_digits=None, fraction_digits=None,
                      min_inclusive=None, max_inclusive=None, enumeration=[])
        else:
            st = dict(self.resolve_simple(base))
            st["pattern_groups"] = list(st["pattern_groups"])
        group = []
        enum = []
        for f in restr:
            tag = f.tag[len(XS):]
            v = f.get("value")
            if tag == "annotation":
                continue
            if tag == "pattern":
                group.append(v)
            elif tag == "enumeration":
                enum.append(v)
            elif tag in ("length", "totalDigits", "fractionDigits"):
                key = {"length": "length", "totalDigits": "total_digits",
                       "fractionDigits": "fraction_digits"}[tag]
                st[key] = int(v) if st[key] is None else min(st[key], int(v))
            elif tag == "maxLength":
                st["max_length"] = int(v) if st["max_length"] is None else min(st["max_length"], int(v))
            elif tag == "minLength":
                st["min_length"] = int(v) if st["min_length"] is None else max(st["min_length"], int(v))
            elif tag == "maxInclusive":
                st["max_inclusive"] = int(v) if st["max_inclusive"] is None else min(st["max_inclusive"], int(v))
            elif tag == "minInclusive":
                st["min_inclusive"] = int(v) if st["min_inclusive"] is None else max(st["min_inclusive"], int(v))
            else:
                die(f"facet {tag} in {name} is not supported")
        if group:
            st["pattern_groups"].append(group)
        if enum:
            if st["base"] != "String":
                # token, decimal, ...: enumeration values are compared after whitespace collapse
                enum = [" ".join(e.split()) for e in enum]
                if st["base"] == "NormalizedString":
                    die(f"enumeration on a normalizedString in {name} is not supported")
            st["enumeration"] = list(dict.fromkeys(enum))
        st["name"] = name
        self.simple_index[name] = st
        return st

    # ---- complex types ------------------------------------------------------------------
    def sequence_children(self, seq, owner):
        out = []
        for c in seq:
            if c.tag == XS + "annotation":
                continue
            if c.tag == XS + "group":
                g = self.defs.groups.get(c.get("ref"))
                if g is None:
                    die(f"unknown group {c.get('ref')}")
                out += self.sequence_children(g.find(XS + "sequence"), owner)
            elif c.tag == XS + "element":
                if c.get("ref") or c.get("type") is None:
                    die(f"element without a named type in {owner}")
                ty = c.get("type")
                if ty in self.defs.complex:
                    kind = ("Complex", ty)
                    self.resolve_complex(ty)
                else:
                    kind = ("Simple", ty)
                    self.resolve_simple(ty)
                out.append(dict(name=c.get("name"), min=occurs(c, "minOccurs", "1"),
                                max=occurs(c, "maxOccurs", "1"), kind=kind))
            else:
                die(f"{c.tag} in {owner} is not supported")
        names = [e["name"] for e in out]
        if len(set(names)) != len(names):
            die(f"duplicate element names in {owner}")
        return out

    def resolve_complex(self, name):
        if name in self.complex_index:
            return
        self.complex_index[name] = None  # guard against recursion
        node = self.defs.complex[name]
        children, attrs = [], []
        for c in node:
            if c.tag == XS + "annotation":
                continue
            if c.tag == XS + "sequence":
                children = self.sequence_children(c, name)
            elif c.tag == XS + "attribute":
                self.resolve_simple(c.get("type"))
                attrs.append(dict(name=c.get("name"), type=c.get("type"),
                                  required=c.get("use") == "required"))
            else:
                die(f"{c.tag} in complex type {name} is not supported")
        self.complex_index[name] = children
        self.complex_attrs[name] = attrs

    def pattern_id(self, p):
        if p not in self.patterns:
            self.patterns.append(p)
        return self.patterns.index(p)


def xsd_regex_to_rust(p):
    """Translate an XSD regular expression into the `regex` crate's syntax, anchored."""
    out, i, in_class = [], 0, False
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            m = re.match(r"\\[pP]\{IsBasicLatin\}", p[i:])
            if m:
                neg = p[i + 1] == "P"
                if in_class:
                    if neg:
                        die("negated block escape inside a class")
                    out.append(r"\x00-\x7F")
                else:
                    out.append(r"[^\x00-\x7F]" if neg else r"[\x00-\x7F]")
                i += len(m.group(0))
                continue
            m = re.match(r"\\[pP]\{[A-Za-z]+\}", p[i:])
            if m:
                out.append(m.group(0))
                i += len(m.group(0))
                continue
            out.append(p[i:i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        if ch == "." and not in_class:
            out.append(r"[^\n\r]")
        else:
            out.append(ch)
        i += 1
    return "^(?:" + "".join(out) + ")$"


def describe(st):
    """A readable description of a simple type, used in validation messages."""
    base, name = st["base"], st["name"]
    enum = st["enumeration"]
    if enum:
        shown = [e for e in enum]
        if len(shown) <= 12:
            return "one of " + ", ".join(shown)
        return f"a code of the {name} list ({len(enum)} codes)"
    flat = [p for g in st["pattern_groups"] for p in g]
    if base == "Decimal":
        if r"0\.\d*[1-9]\d*" in flat:
            kind = "a positive decimal"
        elif r"(0|[1-9]\d*)(\.\d+)?" in flat:
            kind = "a decimal of 0 or more"
        else:
            kind = "a decimal"
        td, fd = st["total_digits"], st["fraction_digits"]
        if td is not None and fd is not None:
            return f"{kind} with at most {td} digits, {fd} after the point"
        return kind
    if base == "Integer":
        lo, hi = st["min_inclusive"], st["max_inclusive"]
        if lo is not None and hi is not None:
            return f"a whole number from {lo} to {hi}"
        return "a whole number"
    if base == "Date":
        return "a date written YYYY-MM-DD"
    if base == "DateTime":
        return "a date and time written YYYY-MM-DDThh:mm:ss (no time zone)"
    lo, hi, ln = st["min_length"], st["max_length"], st["length"]
    if ln is not None:
        lo = hi = ln
    if not lo and any(p.startswith(r"\P{Z}") for g in st["pattern_groups"] for p in g):
        lo = 1  # "no leading or trailing spaces" needs at least one character
    others = []
    for g in st["pattern_groups"]:
        m = re.fullmatch(r"\.\{(\d+)(?:,(\d+))?\}", g[0]) if len(g) == 1 else None
        if m:
            a = int(m.group(1))
            b = int(m.group(2)) if m.group(2) else a
            lo = a if lo is None else max(lo, a)
            hi = b if hi is None else min(hi, b)
            continue
        others.append(" or ".join(KNOWN_PATTERNS.get(p, f"matching the pattern {p}") for p in g))
    parts = []
    if lo is not None and lo == hi:
        parts.append(f"exactly {lo} character" + ("" if lo == 1 else "s"))
    elif hi is not None:
        parts.append(f"{lo or 0} to {hi} characters")
    elif lo:
        parts.append(f"at least {lo} characters")
    if parts:
        return "text of " + ", ".join(parts + others)
    return ", ".join(others) if others else "text"


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def opt(v):
    return "None" if v is None else f"Some({v})"


def message_title(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"<!--===== (IE\d+): (\S+)\s*-->\s*<!--===== (.*?)\s*-->", text)
    if not m:
        return ""
    keep = {"MRN", "ED", "XML", "TIR", "LRN", "NCTS"}
    words = [w if w in keep else w.lower() for w in m.group(3).strip().split()]
    words[0] = words[0][:1].upper() + words[0][1:]
    return f"{m.group(1)} {m.group(2)}: {' '.join(words)}"


def main():
    if len(sys.argv) != 2:
        die("usage: xsd2schema.py XSD_DIR > generated.rs")
    xsd_dir = sys.argv[1]
    defs = Defs()
    gen = Gen(defs)
    messages = []
    missing = []
    for code in MESSAGES:
        path = os.path.join(xsd_dir, code.lower() + ".xsd")
        if not os.path.exists(path):
            missing.append(code)
            continue
        root = defs.load(path)
        el = next((e for e in root if e.tag == XS + "element" and e.get("name") == code), None)
        if el is None:
            die(f"{path} has no root element {code}")
        gen.resolve_complex(el.get("type"))
        messages.append((code, el.get("type"), os.path.basename(path), message_title(path)))
    if missing:
        print(f"xsd2schema: no XSD for {', '.join(missing)}; skipped", file=sys.stderr)

    simple_names = sorted(gen.simple_index)
    complex_names = sorted(gen.complex_index)
    s_idx = {n: i for i, n in enumerate(simple_names)}
    c_idx = {n: i for i, n in enumerate(complex_names)}
    simple_rows = []
    for n in simple_names:
        st = gen.simple_index[n]
        groups = ", ".join("&[" + ", ".join(str(gen.pattern_id(p)) for p in g) + "]"
                           for g in st["pattern_groups"])
        fields = [f"name: {rust_str(n)}", f"base: {st['base']}"]
        if groups:
            fields.append(f"patterns: &[{groups}]")
        for key in ("length", "min_length", "max_length", "total_digits", "fraction_digits",
                    "min_inclusive", "max_inclusive"):
            if st[key] is not None:
                fields.append(f"{key}: {opt(st[key])}")
        if st["enumeration"]:
            fields.append("enumeration: &[" + ", ".join(rust_str(e) for e in st["enumeration"]) + "]")
        fields.append(f"description: {rust_str(describe(st))}")
        simple_rows.append("    SimpleType { " + ", ".join(fields) + ", ..ST },")

    out = []
    w = out.append
    w("// @generated by tools/xsd2schema.py from the official NCTS P5 XSD " + VERSION)
    w("// (DG TAXUD, as published in HMRC's open-source transit validator). Do not edit by hand.")
    w("// Regenerate from the repository root with:")
    w("//     python3 tools/xsd2schema.py ../shared/ncts/xsd-p5 > crates/cats-ncts/src/schema/generated.rs")
    w("// This file is a set of flat tables (one row per type or element) and is longer than the")
    w("// project's 600-line guideline, which does not apply to generated files.")
    if missing:
        w("// Message types without an XSD in " + VERSION + ": " + ", ".join(missing) + ".")
    w("")
    w("use super::Base::*;")
    w("use super::{Attribute, ComplexType, Element, MessageSchema, MessageType, Pattern, SimpleType, ST};")
    w("")
    w(f"/// XSD version the tables were generated from.")
    w(f"pub const XSD_VERSION: &str = {rust_str(VERSION)};")
    w("")
    w("/// Every distinct `xs:pattern`: the XSD text and its anchored `regex` crate translation.")
    w(f"pub(crate) static PATTERNS: [Pattern; {len(gen.patterns) if gen.patterns else 0}] = [")
    # patterns are assigned ids while rendering simple types, so render those first
    pat_lines = [f"    Pattern {{ xsd: {rust_str(p)}, regex: {rust_str(xsd_regex_to_rust(p))} }},"
                 for p in gen.patterns]
    out[-1] = f"pub(crate) static PATTERNS: [Pattern; {len(gen.patterns)}] = ["
    out.extend(pat_lines)
    w("];")
    w("")
    w("/// Every simple type reachable from the messages, sorted by XSD name.")
    w(f"pub(crate) static SIMPLE: [SimpleType; {len(simple_rows)}] = [")
    out.extend(simple_rows)
    w("];")
    w("")
    w("/// Every complex type reachable from the messages, sorted by XSD name: an `xs:sequence`.")
    w(f"pub(crate) static COMPLEX: [ComplexType; {len(complex_names)}] = [")
    for n in complex_names:
        attrs = gen.complex_attrs[n]
        a = ", ".join(f"Attribute {{ name: {rust_str(x['name'])}, simple: {s_idx[x['type']]}, "
                      f"required: {'true' if x['required'] else 'false'} }}" for x in attrs)
        w(f"    ComplexType {{ name: {rust_str(n)}, attributes: &[{a}], children: &[")
        for c in gen.complex_index[n]:
            kind, ty = c["kind"]
            idx = s_idx[ty] if kind == "Simple" else c_idx[ty]
            mx = "u32::MAX" if c["max"] == "UNBOUNDED" else c["max"]
            fn = "leaf" if kind == "Simple" else "group"
            w(f"        Element::{fn}({rust_str(c['name'])}, {c['min']}, {mx}, {idx}), // {ty}")
        w("    ] },")
    w("];")
    w("")
    w("/// The message types with a schema table: code, root complex type, XSD file, title.")
    w(f"pub(crate) static MESSAGES: [MessageSchema; {len(messages)}] = [")
    for code, ty, f, title in messages:
        w(f"    MessageSchema {{ code: {rust_str(code)}, root: {c_idx[ty]}, xsd: {rust_str(f)}, "
          f"title: {rust_str(title)} }},")
    w("];")
    w("")
    w("impl MessageType {")
    for i, (code, ty, f, title) in enumerate(messages):
        w(f"    /// {code} ({title}); XSD `{f}`.")
        w(f"    pub const {code}: MessageType = MessageType({i});")
    w("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
