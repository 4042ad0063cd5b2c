#!/usr/bin/env python3
"""Generate data/reference/hs.json from the open harmonized-system dataset.

Reads the HS nomenclature CSV (columns section,hscode,description,parent,level) published by the
open `harmonized-system` dataset (UN Comtrade HS 2022 nomenclature) and writes the CATS shipped file
`data/reference/hs.json` with every HS chapter (level 2) and every heading (level 4). The 6-digit
subheadings are not shipped; `cats_reference::import_hs_csv` loads them at run time.

Rows of the dataset's pseudo-section `TOTAL` (the level-5 "Total of all HS2022 commodities" and the
Comtrade code 99 / 9999 "Commodities not specified according to kind") are not part of the HS
nomenclature and are left out.

Usage, from the repository root (the shared material sits beside the repository as ../shared):

    python3 crates/cats-reference/tools/gen_hs.py \
        ../shared/reference/hs/harmonized-system.csv data/reference/hs.json

Standard library only; the output is deterministic (sorted by code, UTF-8, two-space indent).
"""

import csv
import json
import sys

SOURCE = "UN Comtrade HS nomenclature via the open harmonized-system dataset"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: gen_hs.py HARMONIZED_SYSTEM_CSV OUTPUT_JSON\n")
        return 2
    src, out = argv[1], argv[2]
    records = []
    with open(src, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        expected = ["section", "hscode", "description", "parent", "level"]
        if reader.fieldnames != expected:
            sys.stderr.write(f"{src}: unexpected header {reader.fieldnames}, want {expected}\n")
            return 1
        for line, row in enumerate(reader, start=2):
            if row["section"] == "TOTAL":
                continue
            level = row["level"]
            if level not in ("2", "4"):
                continue
            code = row["hscode"]
            if len(code) != int(level) or not code.isdigit():
                sys.stderr.write(f"{src}:{line}: code {code!r} does not match level {level}\n")
                return 1
            records.append({"code": code, "description": row["description"].strip()})
    records.sort(key=lambda r: r["code"])
    doc = {
        "format": "cats-reference/hs",
        "version": 1,
        "description": "HS 2022 chapters (2 digits) and headings (4 digits) with English descriptions.",
        "source": SOURCE,
        "generated_by": "crates/cats-reference/tools/gen_hs.py from reference/hs/harmonized-system.csv",
        "records": records,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    chapters = sum(1 for r in records if len(r["code"]) == 2)
    print(f"wrote {out}: {chapters} chapters, {len(records) - chapters} headings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
