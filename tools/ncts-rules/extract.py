#!/usr/bin/env python3
"""List the rule and condition ids that NCTS P5 Appendix Q2 attaches to the CC015C (IE015).

Reads the text extraction of DDNTA_APP_Q2 (release 5.15.2) and prints, for every id referenced in
the "Message Structure for: IE015" section, where it applies (data group or data item) and the
first line of its functional description from section 3 ("List of Rules, Conditions and
Guidelines"). Python 3.11 standard library only; the spec stays outside the repository.

    python3 tools/ncts-rules/extract.py               # id, class, where, functional summary (TSV)
    python3 tools/ncts-rules/extract.py --ids         # the sorted id list, one per line
    python3 tools/ncts-rules/extract.py --text C0411  # the full technical and functional text
    python3 tools/ncts-rules/extract.py --spec PATH   # another copy of the text extraction

Id classes (Appendix Q2, section 1): R rule, C condition, G guideline, B business rule for
transition, E technical rule for transition, T technical rule, S sequencing rule.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from pathlib import Path

DEFAULT_SPEC = (
    Path(__file__).resolve().parents[3]
    / "shared/ncts/spec/DDNTA_APP_Q2-5.15.2-v2.00-SfA.txt"
)
ID = re.compile(r"\b[BCEGRST]\d{4}\b")
ENTRY = re.compile(r"^([BCEGRST]\d{4}) Technical Description:\s*$")
# Page furniture repeated on every page of the PDF's text extraction.
FURNITURE = re.compile(
    r"^(Page \d+ of|\d+|DDNTA for NCTS P5\..*|REF:DDNTA_APP_Q2|Appendix Q2: .*|"
    r"CSE \d+\.\d+\.\d+|2\. Message Structure for: IE\d{3}|"
    r"3\. List of Rules, Conditions and Guidelines)$"
)
# A data group line: dashes give the depth, then the name, then (tree part) "9x D ...".
GROUP = re.compile(r"^(-*)([A-Z][A-Z0-9 ()/-]*?)(?: (\d+)x ([RODN])\b(.*))?$")
# A data item line (tab-indented): name, status, format, then code list and ids.
ITEM = re.compile(r"^\t(.+?) ([RODN]) ((?:an|a|n)\.{0,2}\d+(?:,\d+)?)\b(.*)$")


def read_lines(spec: Path) -> list[str]:
    return spec.read_text(encoding="utf-8").splitlines()


def ie015_section(lines: list[str]) -> list[str]:
    """The lines of the IE015 message structure, page furniture removed."""
    start = next(i for i, l in enumerate(lines) if l.startswith("IE015 (CC015C)"))
    end = next(
        i
        for i in range(start + 1, len(lines))
        if lines[i].startswith("2. Message Structure for: IE")
        and not lines[i].endswith("IE015")
    )
    return [l for l in lines[start + 1 : end] if not FURNITURE.match(l.strip())]


def where_used(section: list[str]) -> dict[str, list[str]]:
    """Map each id to the data groups / items (paths like CONSIGNMENT/SEAL.Identifier) using it."""
    uses: dict[str, list[str]] = {}
    path: list[str] = []
    here = ""
    for line in section:
        item = ITEM.match(line)
        if item:
            here = ("/".join(path) or "MESSAGE") + "." + item.group(1)
            rest = item.group(4)
        elif ID.fullmatch(line.strip()):
            rest = line  # continuation: one more id for the current group or item
        else:
            group = GROUP.match(line.strip())
            if not group:
                continue
            depth = len(group.group(1)) // 3
            path = path[: max(depth - 1, 0)] + [group.group(2).strip()]
            if depth == 0:
                path = []  # MESSAGE
            here = "/".join(path) or "MESSAGE"
            rest = group.group(5) or ""
        for rid in ID.findall(rest):
            if here not in uses.setdefault(rid, []):
                uses[rid].append(here)
    # an id on a line of another shape is still listed, so the id list never loses one
    for rid in ID.findall("\n".join(section)):
        uses.setdefault(rid, ["(place not recognised)"])
    return uses


def rule_texts(lines: list[str]) -> dict[str, tuple[str, str]]:
    """Map each id of section 3 to its (technical, functional) description."""
    texts: dict[str, list[str]] = {}
    current = None
    for line in lines:
        entry = ENTRY.match(line.strip())
        if entry:
            current = entry.group(1)
            texts[current] = []
        elif current and not FURNITURE.match(line.strip()):
            texts[current].append(line.rstrip())
    out = {}
    for rid, body in texts.items():
        joined = "\n".join(body)
        tech, _, func = joined.partition("Functional Description:")
        out[rid] = (tech.strip(), func.strip())
    return out


def summary(func: str, tech: str) -> str:
    text = func if func and func != "N/A" else tech
    return " ".join(text.split())[:160]


def main() -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    ap.add_argument("--ids", action="store_true", help="print only the sorted id list")
    ap.add_argument("--text", metavar="ID", help="print the full text of one id")
    args = ap.parse_args()
    if not args.spec.exists():
        print(f"spec not found: {args.spec}", file=sys.stderr)
        return 2
    lines = read_lines(args.spec)
    uses = where_used(ie015_section(lines))
    if args.ids:
        print("\n".join(sorted(uses)))
        return 0
    texts = rule_texts(lines)
    if args.text:
        tech, func = texts.get(args.text, ("(no text in section 3)", ""))
        print(f"{args.text} used at: {'; '.join(uses.get(args.text, ['(not in IE015)']))}")
        print(f"Technical Description:\n{tech}\nFunctional Description:\n{func}")
        return 0
    for rid in sorted(uses):
        tech, func = texts.get(rid, ("(no text in section 3)", ""))
        print(f"{rid}\t{'; '.join(uses[rid])}\t{summary(func, tech)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
