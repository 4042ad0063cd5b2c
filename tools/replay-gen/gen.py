#!/usr/bin/env python3
"""Generate the CATS/ICE replay data set `data/replay/middle-corridor.jsonl`.

Usage, from the repository root:

    python3 tools/replay-gen/gen.py > data/replay/middle-corridor.jsonl

One JSON object per line and per movement: a full NCTS P5 CC015C declaration (XML), the events the
offices record, the instant the replay clock runs to, and the final state `docs/lifecycle.md` says the
node must reach. The summary goes to standard error.

Python 3.11 standard library only, deterministic (fixed seed). Before printing anything the generator

* validates every declaration against the official XSD with `xmllint` (../shared/ncts/xsd-p5/cc015c.xsd),
* checks every declaration against the business rules the node applies (offices and roles, route
  countries, holder, guarantee, HS codes against the HS nomenclature, restricted goods, masses,
  sequence numbers, container check digits): no failure on a movement expected to be accepted, exactly
  the intended failure on each movement expected `Rejected`,
* replays every movement through a model of the lifecycle (docs/lifecycle.md) with a guarantee ledger,
  in global chronological order, and compares the final state with the expected one,

and stops with an error (exit status 1) if anything does not hold. See docs/replay-data.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random
from xml.sax.saxutils import escape

SEED = 20250201
WINDOW_START = datetime(2025, 2, 1, 0, 0)
WINDOW_END = datetime(2025, 10, 31, 0, 0)
# Guarantee of Kartli Cargo is in EUR: goods values (USD) are converted at this rate (about the 2025
# average of the ECB reference rate, 1 EUR = 1.13 USD).
USD_TO_EUR = Decimal("0.88")

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DEFAULT_XSD = SHARED / "ncts/xsd-p5/cc015c.xsd"
DEFAULT_HS = SHARED / "reference/hs/harmonized-system.csv"

# Expected final states, in the order the summary prints them.
STATES = ["WrittenOff", "Rejected", "NotReleased", "Invalidated", "UnderEnquiry", "Discrepancies",
          "GuaranteeNotValid"]
MIX = {"WrittenOff": 262, "NotReleased": 10, "Invalidated": 10, "UnderEnquiry": 10,
       "Discrepancies": 10, "GuaranteeNotValid": 5}  # Rejected: one per reason in REJECTS

# --------------------------------------------------------------------------------------------------
# Reference data the node ships (data/reference/demo.json): offices, holders, guarantees.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    roles: frozenset
    locode: str | None
    port: bool = False

    @property
    def country(self) -> str:
        return self.code[:2]


def _office(code, name, roles, locode, port=False):
    return Office(code, name, frozenset(roles.split()), locode, port)


OFFICES = {o.code: o for o in [
    _office("KZALA001", "Almaty", "DEP DES", "KZALA"),
    _office("KZHOR001", "Khorgos", "DEP TRA EXT", "KZHOR"),
    _office("KZDOS001", "Dostyk", "DEP TRA EXT", None),
    _office("KZAAU001", "Aktau", "DEP DES TRA EXT", "KZAAU", port=True),
    _office("KZKUR001", "Kuryk", "TRA EXT", "KZKUR", port=True),
    _office("AZALA001", "Alat", "DEP DES TRA EXT", "AZALA", port=True),
    _office("AZBAK001", "Baku", "DEP DES", "AZBAK"),
    _office("AZQAZ001", "Red Bridge (AZ)", "TRA EXT", "AZKAZ"),
    _office("AZAST001", "Astara", "TRA EXT", "AZAST"),
    _office("GERBR001", "Red Bridge (GE)", "TRA EXT", "GEGAR"),
    _office("GETBS001", "Tbilisi", "DEP DES", "GETBS"),
    _office("GEPTI001", "Poti", "DEP DES TRA EXT", "GEPTI", port=True),
    _office("GEBUS001", "Batumi", "DEP DES TRA EXT", "GEBUS", port=True),
    _office("GESRP001", "Sarpi", "TRA EXT", None),
    _office("TMKRW001", "Turkmenbashi", "DEP DES TRA EXT", "TMKRW", port=True),
    _office("UZTAS001", "Tashkent", "DEP DES", "UZTAS"),
]}
PARTICIPATING = {"KZ", "AZ", "GE", "TM", "UZ"}
CITY = {"KZALA001": "Almaty", "KZHOR001": "Khorgos", "KZDOS001": "Dostyk", "KZAAU001": "Aktau",
        "KZKUR001": "Kuryk", "AZALA001": "Alat", "AZBAK001": "Baku", "GETBS001": "Tbilisi",
        "GEPTI001": "Poti", "GEBUS001": "Batumi", "TMKRW001": "Turkmenbashi", "UZTAS001": "Tashkent",
        "GERBR001": "Red Bridge", "AZQAZ001": "Red Bridge"}


@dataclass(frozen=True)
class Holder:
    key: str
    ident: str
    name: str
    street: str
    postcode: str
    city: str
    country: str
    grn: str | None
    access: str | None
    reference: Decimal | None
    currency: str | None
    tir_id: str  # TIR holder identification (IRU format country/association/holder)
    registered: bool = True


HOLDERS = {h.key: h for h in [
    Holder("SWL", "KZ840000123456", "Silk Way Logistics LLP", "Dostyk Avenue 210", "050051", "Almaty",
           "KZ", "25KZ0000SRI000010", "1111", Decimal("1000000.00"), "USD", "KAZ/021/117"),
    Holder("CFL", "AZ1402345678", "Caspian Forwarding LLC", "Neftchilar Avenue 153", "AZ1010", "Baku",
           "AZ", "25KZ0000SRI000020", "2222", Decimal("100000.00"), "USD", "AZE/009/054"),
    Holder("KCG", "GE204567890", "Kartli Cargo LLC", "David Agmashenebeli Alley 240", "0159",
           "Tbilisi", "GE", "25GE0000CGI000017", "3333", Decimal("500000.00"), "EUR", "GEO/005/031"),
    # Not registered with CATS: used once, by a rejected TIR declaration.
    Holder("SEX", "KZ111111111111", "Steppe Express LLP", "Abay Avenue 150", "050046", "Almaty", "KZ",
           None, None, None, None, "KAZ/034/208", registered=False),
]}
GUARANTEES = {h.grn: h for h in HOLDERS.values() if h.grn}

# --------------------------------------------------------------------------------------------------
# Check digits (ISO 6346 / NCTS MRN and GRN; 1520 mm gauge wagon numbers)
# --------------------------------------------------------------------------------------------------


def _letter_values():
    values, v = {}, 10
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if v % 11 == 0:
            v += 1
        values[c] = v
        v += 1
    return values


LETTER = _letter_values()


def mod11_remainder(s: str) -> int:
    return sum((int(c) if c.isdigit() else LETTER[c]) * (1 << i) for i, c in enumerate(s)) % 11


def check_digit(s: str) -> str:
    return str(mod11_remainder(s) % 10)


def wagon_number(rng: Random, first: str) -> str:
    body = first + "".join(str(rng.randrange(10)) for _ in range(6))
    total = 0
    for i, c in enumerate(body):
        p = int(c) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return body + str((10 - total % 10) % 10)


# Owner prefixes (BIC style, category U) of container fleets seen on China-Europe trains.
CONTAINER_OWNERS = ["TKRU", "CSNU", "CBHU", "TGHU", "TCNU", "MSKU", "CAIU", "FCIU", "SEGU", "BMOU",
                    "TEMU", "CMAU", "TRHU", "GESU"]


def container_number(rng: Random, used: set) -> str:
    while True:
        body = rng.choice(CONTAINER_OWNERS) + f"{rng.randrange(1000000):06d}"
        if mod11_remainder(body) == 10:  # serials giving 10 are not issued (ISO 6346)
            continue
        number = body + check_digit(body)
        if number not in used:
            used.add(number)
            return number


# --------------------------------------------------------------------------------------------------
# Routes: real Middle Corridor legs with the offices of the demo reference data.
# A stop is (action, office, (min, max) hours from the previous point); the last hop reaches the
# office of destination. Transit times: rail across Kazakhstan 4 to 6 days, port dwell plus Caspian
# crossing 1 to 3 days, road legs hours to a day (see docs/replay-data.md for the sources).
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str
    dep: str
    stops: tuple
    dest: str
    last: tuple
    inland: int | None  # inlandModeOfTransport (mode at departure), None when leaving by sea at once
    border: int  # modeOfTransportAtTheBorder: mode crossing the first border (1 sea, 2 rail, 3 road)
    means: str  # departure transport means: rail, road or sea
    routing: tuple | None = None  # CountryOfRoutingOfConsignment override (rejections only)

    @property
    def exits(self):
        return [o for a, o, _ in self.stops if a == "exit"]

    @property
    def entries(self):
        return [o for a, o, _ in self.stops if a == "entry"]

    @property
    def offices(self):
        return [self.dep] + [o for _, o, _ in self.stops] + [self.dest]

    @property
    def countries(self):
        if self.routing:
            return list(self.routing)
        out = []
        for o in self.offices:
            if o[:2] not in out:
                out.append(o[:2])
        return out

    @property
    def itinerary(self):
        out = []
        for o in self.offices:
            if o[:2] not in out:
                out.append(o[:2])
        for c in self.countries:
            if c not in out:
                out.append(c)
        return out

    @property
    def limit_days(self):
        return min(30, 6 + 4 * (len(self.itinerary) - 1))

    @property
    def domestic(self):
        return len(self.itinerary) == 1


def _r(key, dep, stops, dest, last, inland, border, means, routing=None):
    return Route(key, dep, tuple((a, o, h) for a, o, h in stops), dest, last, inland, border, means,
                 routing)


# Reusable legs (hours)
KZ_RAIL_HOR_AKTAU = (100, 150)  # Altynkol/Khorgos - Aktau port by rail, incl. port dwell
KZ_RAIL_DOS_KURYK = (100, 140)  # Dostyk - Kuryk by rail, incl. port dwell
KZ_RAIL_ALA_AKTAU = (80, 140)  # Almaty - Aktau by rail, incl. port dwell
FERRY_KZ_AZ = (18, 32)  # Aktau/Kuryk - Alat, about 20 h at sea
FERRY_TM_AZ = (14, 22)  # Turkmenbashi - Alat, 306 km, about 12 h at sea
PORT_DWELL = (6, 36)  # waiting for the next ferry
ALAT_REDBRIDGE = (10, 22)  # Alat - Red Bridge, about 480 km by road
REDBRIDGE = (0.5, 4)  # crossing Red Bridge (AZ exit to GE entry or back)
RB_POTI = (7, 14)  # Red Bridge - Poti or Batumi, about 370 km
RB_TBS = (1.5, 4)  # Red Bridge - Tbilisi, about 50 km
RB_BAKU = (8, 14)  # Red Bridge - Baku, about 450 km
ALAT_BAKU = (2, 6)  # Alat - Baku, 70 km
AKTAU_ALMATY = (72, 108)  # Aktau - Almaty by rail
TAS_KZPORT = (60, 84)  # Tashkent - Nukus - Beineu - Aktau/Kuryk by road

_GE_LEG = [("exit", "AZQAZ001", ALAT_REDBRIDGE), ("entry", "GERBR001", REDBRIDGE)]
ROUTES = {r.key: r for r in [
    # China -> Kazakhstan -> Caspian -> Azerbaijan -> Georgia (the trunk of the Middle Corridor)
    _r("HOR-PTI", "KZHOR001", [("exit", "KZAAU001", KZ_RAIL_HOR_AKTAU), ("entry", "AZALA001", FERRY_KZ_AZ)]
       + _GE_LEG, "GEPTI001", RB_POTI, 2, 1, "rail"),
    _r("HOR-BUS", "KZHOR001", [("exit", "KZAAU001", KZ_RAIL_HOR_AKTAU), ("entry", "AZALA001", FERRY_KZ_AZ)]
       + _GE_LEG, "GEBUS001", RB_POTI, 2, 1, "rail"),
    _r("HOR-TBS", "KZHOR001", [("exit", "KZAAU001", KZ_RAIL_HOR_AKTAU), ("entry", "AZALA001", FERRY_KZ_AZ)]
       + _GE_LEG, "GETBS001", RB_TBS, 2, 1, "rail"),
    _r("DOS-BAK", "KZDOS001", [("exit", "KZKUR001", KZ_RAIL_DOS_KURYK), ("entry", "AZALA001", FERRY_KZ_AZ)],
       "AZBAK001", ALAT_BAKU, 2, 1, "rail"),
    _r("DOS-ALT", "KZDOS001", [("exit", "KZKUR001", KZ_RAIL_DOS_KURYK)], "AZALA001", FERRY_KZ_AZ, 2, 1, "rail"),
    _r("DOS-PTI", "KZDOS001", [("exit", "KZKUR001", KZ_RAIL_DOS_KURYK), ("entry", "AZALA001", FERRY_KZ_AZ)]
       + _GE_LEG, "GEPTI001", RB_POTI, 2, 1, "rail"),
    # China -> Kazakhstan inland (the largest flow in numbers of declarations)
    _r("HOR-ALA", "KZHOR001", [], "KZALA001", (7, 12), 3, 3, "road"),
    _r("DOS-ALA", "KZDOS001", [], "KZALA001", (24, 40), 2, 2, "rail"),
    _r("ALA-AAU", "KZALA001", [], "KZAAU001", (72, 108), 2, 2, "rail"),
    _r("AAU-ALA", "KZAAU001", [], "KZALA001", AKTAU_ALMATY, 2, 2, "rail"),
    # Azerbaijan -> Georgia over Red Bridge
    _r("ALT-TBS", "AZALA001", _GE_LEG, "GETBS001", RB_TBS, 3, 3, "road"),
    _r("ALT-PTI", "AZALA001", _GE_LEG, "GEPTI001", RB_POTI, 3, 3, "road"),
    _r("BAK-TBS", "AZBAK001", [("exit", "AZQAZ001", RB_BAKU), ("entry", "GERBR001", REDBRIDGE)], "GETBS001",
       RB_TBS, 3, 3, "road"),
    _r("BAK-BUS", "AZBAK001", [("exit", "AZQAZ001", RB_BAKU), ("entry", "GERBR001", REDBRIDGE)], "GEBUS001",
       RB_POTI, 3, 3, "road"),
    # Westbound return: Black Sea ports -> Azerbaijan -> Caspian -> Kazakhstan
    _r("PTI-ALA", "GEPTI001", [("exit", "GERBR001", RB_POTI), ("entry", "AZQAZ001", REDBRIDGE),
                               ("exit", "AZALA001", (16, 56)), ("entry", "KZAAU001", FERRY_KZ_AZ)],
       "KZALA001", AKTAU_ALMATY, 3, 3, "road"),
    _r("BUS-AAU", "GEBUS001", [("exit", "GERBR001", RB_POTI), ("entry", "AZQAZ001", REDBRIDGE),
                               ("exit", "AZALA001", (16, 56))], "KZAAU001", FERRY_KZ_AZ, 3, 3, "road"),
    _r("PTI-BAK", "GEPTI001", [("exit", "GERBR001", RB_POTI), ("entry", "AZQAZ001", REDBRIDGE)], "AZBAK001",
       RB_BAKU, 3, 3, "road"),
    _r("TBS-BAK", "GETBS001", [("exit", "GERBR001", RB_TBS), ("entry", "AZQAZ001", REDBRIDGE)], "AZBAK001",
       RB_BAKU, 3, 3, "road"),
    # Turkmenistan across the Caspian
    _r("KRW-BAK", "TMKRW001", [("exit", "TMKRW001", (4, 30)), ("entry", "AZALA001", FERRY_TM_AZ)], "AZBAK001",
       ALAT_BAKU, None, 1, "sea"),
    _r("KRW-ALT", "TMKRW001", [("exit", "TMKRW001", (4, 30))], "AZALA001", FERRY_TM_AZ, None, 1, "sea"),
    _r("KRW-PTI", "TMKRW001", [("exit", "TMKRW001", (4, 30)), ("entry", "AZALA001", FERRY_TM_AZ)] + _GE_LEG,
       "GEPTI001", RB_POTI, None, 1, "sea"),
    # Uzbekistan by road into Kazakhstan (Beineu) and on by ferry. UZ has no office of exit in the demo
    # data, so the first passage recorded is the entry into Kazakhstan at the Caspian port.
    _r("TAS-BAK", "UZTAS001", [("entry", "KZKUR001", TAS_KZPORT), ("exit", "KZKUR001", PORT_DWELL),
                               ("entry", "AZALA001", FERRY_KZ_AZ)], "AZBAK001", ALAT_BAKU, 3, 3, "road"),
    _r("TAS-PTI", "UZTAS001", [("entry", "KZAAU001", TAS_KZPORT), ("exit", "KZAAU001", PORT_DWELL),
                               ("entry", "AZALA001", FERRY_KZ_AZ)] + _GE_LEG, "GEPTI001", RB_POTI, 3, 3, "road"),
    # Azerbaijan eastbound and domestic
    _r("ALT-ALA", "AZALA001", [("exit", "AZALA001", PORT_DWELL), ("entry", "KZAAU001", FERRY_KZ_AZ)], "KZALA001",
       AKTAU_ALMATY, None, 1, "sea"),
    _r("BAK-AAU", "AZBAK001", [("exit", "AZALA001", (9, 40))], "KZAAU001", FERRY_KZ_AZ, 3, 1, "road"),
    _r("BAK-KRW", "AZBAK001", [("exit", "AZALA001", (9, 40))], "TMKRW001", FERRY_TM_AZ, 3, 1, "road"),
    _r("ALT-BAK", "AZALA001", [], "AZBAK001", ALAT_BAKU, 3, 3, "road"),
    # Kazakhstan exports across the Caspian
    _r("AAU-BAK", "KZAAU001", [("exit", "KZAAU001", PORT_DWELL), ("entry", "AZALA001", FERRY_KZ_AZ)], "AZBAK001",
       ALAT_BAKU, None, 1, "sea"),
    _r("AAU-ALT", "KZAAU001", [("exit", "KZAAU001", PORT_DWELL)], "AZALA001", FERRY_KZ_AZ, None, 1, "sea"),
    _r("AAU-PTI", "KZAAU001", [("exit", "KZAAU001", PORT_DWELL), ("entry", "AZALA001", FERRY_KZ_AZ)] + _GE_LEG,
       "GEPTI001", RB_POTI, None, 1, "sea"),
    _r("AAU-KRW", "KZAAU001", [("exit", "KZAAU001", PORT_DWELL)], "TMKRW001", (16, 26), None, 1, "sea"),
    _r("ALA-BAK", "KZALA001", [("exit", "KZAAU001", KZ_RAIL_ALA_AKTAU), ("entry", "AZALA001", FERRY_KZ_AZ)],
       "AZBAK001", ALAT_BAKU, 2, 1, "rail"),
    # Georgia domestic: from the Black Sea ports to Tbilisi and back
    _r("PTI-TBS", "GEPTI001", [], "GETBS001", (6, 12), 2, 2, "rail"),
    _r("BUS-TBS", "GEBUS001", [], "GETBS001", (7, 12), 3, 3, "road"),
    _r("TBS-PTI", "GETBS001", [], "GEPTI001", (6, 12), 3, 3, "road"),
    # Used only by rejected declarations
    _r("KUR-BAK", "KZKUR001", [("exit", "KZKUR001", PORT_DWELL), ("entry", "AZALA001", FERRY_KZ_AZ)],
       "AZBAK001", ALAT_BAKU, None, 1, "sea"),
    _r("HOR-RBR", "KZHOR001", [("exit", "KZAAU001", KZ_RAIL_HOR_AKTAU), ("entry", "AZALA001", FERRY_KZ_AZ),
                               ("exit", "AZQAZ001", ALAT_REDBRIDGE)], "GERBR001", REDBRIDGE, 2, 1, "rail"),
    _r("TAS-ZZZ", "UZTAS001", [("entry", "KZZZZ999", (30, 40)), ("exit", "KZKUR001", (30, 50)),
                               ("entry", "AZALA001", FERRY_KZ_AZ)], "AZBAK001", ALAT_BAKU, 3, 3, "road"),
    _r("ALA-RU-BAK", "KZALA001", [], "AZBAK001", (90, 120), 3, 3, "road", routing=("KZ", "RU", "AZ")),
    _r("BAK-IR-KRW", "AZBAK001", [("exit", "AZAST001", (5, 8))], "TMKRW001", (40, 60), 3, 3, "road",
       routing=("AZ", "IR", "TM")),
]}

# Routes for the normal flow: (route, holder, weight). Holders lodge where their business is: Silk Way
# (KZ) in Kazakhstan and Uzbekistan, Caspian (AZ) in Azerbaijan and Turkmenistan and small lots from
# China, Kartli (GE) in Georgia and some China-Georgia through-traffic.
FLOWS = [
    ("HOR-PTI", "SWL", 18), ("HOR-PTI", "KCG", 4), ("HOR-BUS", "SWL", 5), ("HOR-BUS", "KCG", 3),
    ("HOR-TBS", "SWL", 6), ("HOR-TBS", "KCG", 4), ("DOS-BAK", "SWL", 9), ("DOS-BAK", "CFL", 5),
    ("DOS-ALT", "SWL", 4), ("DOS-ALT", "CFL", 4), ("DOS-PTI", "SWL", 8),
    ("HOR-ALA", "SWL", 30), ("DOS-ALA", "SWL", 12), ("ALA-AAU", "SWL", 8), ("AAU-ALA", "SWL", 8),
    ("ALT-TBS", "CFL", 6), ("ALT-TBS", "KCG", 4), ("ALT-PTI", "CFL", 4), ("ALT-PTI", "KCG", 4),
    ("BAK-TBS", "CFL", 6), ("BAK-BUS", "KCG", 4),
    ("PTI-ALA", "KCG", 6), ("PTI-ALA", "SWL", 6), ("BUS-AAU", "KCG", 6), ("PTI-BAK", "KCG", 10),
    ("TBS-BAK", "KCG", 10),
    ("KRW-BAK", "CFL", 8), ("KRW-ALT", "CFL", 4), ("KRW-PTI", "KCG", 6),
    ("TAS-BAK", "SWL", 8), ("TAS-PTI", "SWL", 6),
    ("ALT-ALA", "CFL", 6), ("BAK-AAU", "CFL", 5), ("BAK-KRW", "CFL", 4), ("ALT-BAK", "CFL", 6),
    ("AAU-BAK", "SWL", 8), ("AAU-ALT", "SWL", 5), ("AAU-PTI", "SWL", 5), ("AAU-KRW", "SWL", 4),
    ("ALA-BAK", "SWL", 6),
    ("PTI-TBS", "KCG", 8), ("BUS-TBS", "KCG", 5), ("TBS-PTI", "KCG", 4),
]

# --------------------------------------------------------------------------------------------------
# Goods that really travel the corridor. Unit values (USD/kg of gross mass) and duty+tax shares are
# order-of-magnitude estimates; see docs/replay-data.md.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goods:
    hs: str
    desc: str
    group: str  # CN, KZ, AZ, GE, W (imports via the Black Sea / Caspian ports), TM, UZ
    kind: str  # goods of the same group and kind may share a container
    usd_kg: tuple  # value per kg of gross mass (value sizing) or per unit (unit sizing)
    rate: tuple  # duties and taxes as a share of the value
    pkg: str
    kg_pkg: tuple  # gross kg per package (unit sizing: per vehicle)
    net: tuple  # net/gross ratio
    load: int  # kg per container/truck (value sizing and heavy goods)
    sizing: str = "value"  # value | heavy | unit
    un: str | None = None  # UN number of dangerous goods


def _g(hs, desc, group, kind, usd, rate, pkg, kg_pkg, net, load, sizing="value", un=None):
    return Goods(hs, desc, group, kind, usd, rate, pkg, kg_pkg, net, load, sizing, un)


E, H, A, AU = "electronics", "home", "apparel", "auto"
GOODS = [
    # From China (via Khorgos/Altynkol and Dostyk)
    _g("847130", "Notebook computers, 14 and 15.6 inch, with chargers", "CN", E, (35, 70), (0.15, 0.20), "CT", (8, 15), (0.80, 0.88), 9000),
    _g("847150", "Desktop computer system units", "CN", E, (20, 40), (0.15, 0.20), "CT", (9, 14), (0.82, 0.90), 9000),
    _g("847160", "Computer keyboards and mice", "CN", E, (10, 20), (0.15, 0.20), "CT", (8, 15), (0.78, 0.86), 8000),
    _g("851713", "Smartphones, 6.1 to 6.7 inch, 128 to 256 GB", "CN", E, (150, 300), (0.15, 0.20), "CT", (10, 16), (0.72, 0.82), 6000),
    _g("851762", "Wi-Fi routers and network switches", "CN", E, (30, 70), (0.15, 0.20), "CT", (8, 14), (0.75, 0.85), 8000),
    _g("851830", "Wireless earphones and headsets", "CN", E, (40, 80), (0.15, 0.20), "CT", (6, 12), (0.70, 0.80), 6000),
    _g("850440", "Solar inverters and UPS units", "CN", E, (10, 22), (0.15, 0.22), "CT", (15, 30), (0.85, 0.92), 12000),
    _g("852872", "LED television sets, 43 to 65 inch", "CN", E, (8, 14), (0.18, 0.25), "CT", (10, 25), (0.78, 0.86), 8000),
    _g("850760", "Lithium-ion battery packs for energy storage", "CN", E, (15, 30), (0.15, 0.22), "PX", (500, 900), (0.88, 0.94), 18000, un="3480"),
    _g("854143", "Photovoltaic modules, monocrystalline, 550 W", "CN", E, (2.5, 4.5), (0.15, 0.20), "PX", (600, 800), (0.90, 0.95), 22000),
    _g("940542", "LED street luminaires", "CN", E, (8, 15), (0.20, 0.27), "CT", (8, 15), (0.80, 0.88), 9000),
    _g("940360", "Wooden furniture, flat-packed wardrobes and tables", "CN", H, (2, 5), (0.22, 0.30), "PK", (25, 60), (0.88, 0.94), 9000),
    _g("940330", "Wooden office desks", "CN", H, (2.5, 5), (0.22, 0.30), "PK", (30, 60), (0.88, 0.94), 9000),
    _g("940171", "Office chairs, metal frame, upholstered", "CN", H, (4, 8), (0.22, 0.30), "CT", (12, 20), (0.85, 0.92), 6000),
    _g("841821", "Household refrigerators, compression type", "CN", H, (3, 5), (0.20, 0.27), "PK", (55, 85), (0.85, 0.90), 10000),
    _g("841581", "Split-system air conditioners", "CN", H, (5, 9), (0.20, 0.27), "CT", (30, 45), (0.85, 0.90), 10000),
    _g("732111", "Gas cookers for household use", "CN", H, (3, 5), (0.20, 0.27), "CT", (30, 45), (0.85, 0.90), 11000),
    _g("950300", "Toys: dolls, construction sets, plastic wheeled toys", "CN", H, (5, 10), (0.22, 0.30), "CT", (8, 14), (0.80, 0.88), 7000),
    _g("690721", "Porcelain floor tiles, 60 x 60 cm", "CN", H, (0.35, 0.6), (0.22, 0.30), "PX", (900, 1300), (0.92, 0.96), 25000),
    _g("392690", "Plastic household articles", "CN", H, (3, 6), (0.22, 0.30), "CT", (8, 14), (0.80, 0.88), 7000),
    _g("610910", "Cotton T-shirts, knitted", "CN", A, (10, 20), (0.28, 0.38), "CT", (12, 20), (0.88, 0.94), 10000),
    _g("620462", "Women's cotton trousers", "CN", A, (12, 25), (0.28, 0.38), "CT", (12, 20), (0.88, 0.94), 10000),
    _g("611030", "Pullovers and cardigans of man-made fibres, knitted", "CN", A, (10, 18), (0.28, 0.38), "CT", (10, 16), (0.88, 0.94), 9000),
    _g("640299", "Footwear with rubber or plastic soles and uppers", "CN", A, (8, 15), (0.28, 0.38), "CT", (10, 16), (0.80, 0.88), 9000),
    _g("420292", "Travel bags and backpacks of textile materials", "CN", A, (8, 14), (0.28, 0.38), "CT", (10, 16), (0.82, 0.90), 8000),
    _g("870899", "Automotive parts: suspension and steering components", "CN", AU, (5, 12), (0.20, 0.28), "CT", (15, 30), (0.88, 0.94), 16000),
    _g("870829", "Car body parts: bumpers, doors, bonnets", "CN", AU, (4, 9), (0.20, 0.28), "PK", (20, 60), (0.85, 0.92), 9000),
    _g("870840", "Gear boxes for passenger cars", "CN", AU, (6, 12), (0.20, 0.28), "CS", (60, 120), (0.88, 0.93), 16000),
    _g("870830", "Brake pads and brake discs", "CN", AU, (4, 8), (0.20, 0.28), "CT", (15, 25), (0.90, 0.95), 20000),
    _g("401110", "New pneumatic tyres for passenger cars", "CN", AU, (2.5, 4), (0.20, 0.28), "NE", (8, 12), (0.99, 1.0), 9000),
    _g("401120", "New pneumatic tyres for buses and lorries", "CN", AU, (2.5, 3.5), (0.20, 0.28), "NE", (50, 70), (0.99, 1.0), 18000),
    _g("870380", "Battery electric passenger cars, new", "CN", "vehicle", (18000, 35000), (0.30, 0.42), "NE", (1700, 2300), (1.0, 1.0), 3, "unit"),
    _g("870340", "Hybrid passenger cars (petrol-electric), new", "CN", "vehicle", (20000, 32000), (0.30, 0.42), "NE", (1500, 1900), (1.0, 1.0), 3, "unit"),
    _g("842952", "Crawler excavators, 21 t class, new", "CN", "machine", (85000, 130000), (0.20, 0.30), "NE", (20500, 22500), (1.0, 1.0), 1, "unit"),
    # Kazakhstan
    _g("720839", "Hot-rolled non-alloy steel coils, width 1250 mm, thickness under 3 mm", "KZ", "steel", (0.5, 0.7), (0.15, 0.22), "CL", (9000, 14000), (1.0, 1.0), 24000, "heavy"),
    _g("721420", "Steel reinforcing bars, hot-rolled, 12 to 32 mm", "KZ", "steel", (0.5, 0.65), (0.15, 0.22), "BE", (2000, 3000), (1.0, 1.0), 24000, "heavy"),
    _g("720241", "High-carbon ferrochrome, lumps", "KZ", "bulk", (1.1, 1.5), (0.15, 0.20), "JB", (1000, 1500), (0.99, 0.995), 24000, "heavy"),
    _g("740311", "Copper cathodes, grade A", "KZ", "metal", (8.5, 9.8), (0.12, 0.18), "BE", (2400, 2600), (0.995, 0.999), 24000, "heavy"),
    _g("100199", "Milling wheat, class 3, in big bags", "KZ", "bulk", (0.2, 0.28), (0.15, 0.20), "JB", (1000, 1050), (0.995, 0.998), 26000, "heavy"),
    _g("110100", "Wheat flour, premium grade, 50 kg sacks", "KZ", "bulk", (0.28, 0.38), (0.15, 0.20), "SA", (50.1, 50.3), (0.995, 0.998), 26000, "heavy"),
    _g("390210", "Polypropylene homopolymer granules, 25 kg bags", "KZ", "polymer", (0.9, 1.3), (0.18, 0.25), "BG", (25.1, 25.2), (0.99, 0.996), 24750, "heavy"),
    _g("240220", "Cigarettes containing tobacco, king size, filter", "KZ", "tobacco", (15, 30), (0.45, 0.60), "CT", (10, 12), (0.85, 0.90), 8000),
    _g("220860", "Vodka 40 % vol, 0.5 l glass bottles", "KZ", "spirits", (3, 6), (0.40, 0.55), "CT", (10, 12), (0.45, 0.55), 18000),
    # Azerbaijan
    _g("390120", "High-density polyethylene granules, 25 kg bags", "AZ", "polymer", (0.9, 1.3), (0.18, 0.25), "BG", (25.1, 25.2), (0.99, 0.996), 24750, "heavy"),
    _g("390210", "Polypropylene homopolymer granules, 25 kg bags", "AZ", "polymer", (0.9, 1.3), (0.18, 0.25), "BG", (25.1, 25.2), (0.99, 0.996), 24750, "heavy"),
    _g("310210", "Granular urea 46 % N, in big bags", "AZ", "bulk", (0.3, 0.42), (0.15, 0.20), "JB", (1000, 1002), (0.995, 0.998), 26000, "heavy"),
    _g("760110", "Primary aluminium ingots, unalloyed", "AZ", "metal", (2.2, 2.7), (0.15, 0.20), "BE", (900, 1100), (0.998, 0.999), 24000, "heavy"),
    _g("252329", "Portland cement CEM I 42.5 R, in big bags", "AZ", "bulk", (0.05, 0.08), (0.15, 0.22), "JB", (1500, 1502), (0.998, 0.999), 26000, "heavy"),
    _g("070200", "Fresh tomatoes in crates, refrigerated", "AZ", "fresh", (0.6, 1.0), (0.20, 0.28), "CR", (8, 12), (0.88, 0.92), 20000),
    _g("081070", "Fresh persimmons in cartons, refrigerated", "AZ", "fresh", (0.7, 1.1), (0.20, 0.28), "CT", (5, 8), (0.88, 0.92), 20000),
    # Georgia
    _g("080521", "Fresh mandarins from Adjara, in cartons", "GE", "fresh", (0.5, 0.9), (0.20, 0.28), "CT", (10, 12), (0.90, 0.93), 20000),
    _g("220421", "Red dry wine Saperavi, 0.75 l bottles", "GE", "wine", (3, 6), (0.30, 0.40), "CT", (8, 9), (0.50, 0.56), 18000),
    _g("220820", "Grape brandy, 0.5 l bottles", "GE", "spirits", (6, 12), (0.40, 0.55), "CT", (9, 11), (0.45, 0.55), 16000),
    _g("720230", "Ferro-silico-manganese, lumps, in big bags", "GE", "bulk", (0.9, 1.3), (0.15, 0.20), "JB", (1000, 1500), (0.99, 0.995), 24000, "heavy"),
    _g("310230", "Ammonium nitrate fertiliser 34.4 % N, in big bags", "GE", "bulk", (0.25, 0.35), (0.15, 0.20), "JB", (500, 1000), (0.995, 0.998), 24000, "heavy", un="2067"),
    _g("080222", "Shelled hazelnuts, 25 kg bags", "GE", "food", (5, 8), (0.20, 0.28), "BG", (25.1, 25.3), (0.99, 0.995), 20000),
    _g("220110", "Natural mineral water, 0.5 l glass bottles", "GE", "food", (0.4, 0.7), (0.20, 0.28), "PX", (800, 1000), (0.55, 0.62), 20000),
    # Imports from Europe and Turkiye through Poti, Batumi and the Caspian ports
    _g("870323", "Used passenger cars, petrol, 1.5 to 3.0 l", "W", "vehicle", (7000, 25000), (0.35, 0.45), "NE", (1300, 1800), (1.0, 1.0), 3, "unit"),
    _g("842952", "Used crawler excavators, 20 t class", "W", "machine", (40000, 90000), (0.20, 0.30), "NE", (18000, 22000), (1.0, 1.0), 1, "unit"),
    _g("300490", "Medicaments in measured doses, for retail sale", "W", "pharma", (30, 80), (0.15, 0.20), "CT", (5, 10), (0.75, 0.85), 8000),
    _g("330499", "Skin-care preparations", "W", "cosmetics", (10, 25), (0.25, 0.35), "CT", (6, 12), (0.80, 0.88), 9000),
    _g("220830", "Scotch whisky, 0.7 l bottles", "W", "spirits", (10, 25), (0.40, 0.55), "CT", (8, 10), (0.50, 0.58), 16000),
    _g("190531", "Sweet biscuits", "W", "food", (2, 4), (0.22, 0.30), "CT", (4, 8), (0.85, 0.90), 9000),
    _g("843880", "Food-processing machinery", "W", "machinery", (8, 20), (0.15, 0.22), "CS", (300, 2000), (0.85, 0.92), 12000),
    _g("870899", "Automotive spare parts", "W", "machinery", (5, 12), (0.20, 0.28), "CT", (15, 30), (0.88, 0.94), 16000),
    # Turkmenistan
    _g("310210", "Granular urea 46 % N, in big bags", "TM", "bulk", (0.3, 0.42), (0.15, 0.20), "JB", (1000, 1002), (0.995, 0.998), 26000, "heavy"),
    _g("390210", "Polypropylene homopolymer granules, 25 kg bags", "TM", "polymer", (0.9, 1.3), (0.18, 0.25), "BG", (25.1, 25.2), (0.99, 0.996), 24750, "heavy"),
    _g("520512", "Cotton yarn, single, uncombed, Ne 20 to 30, on cones", "TM", "textile", (2.5, 3.5), (0.20, 0.28), "CT", (25, 30), (0.94, 0.96), 20000),
    _g("610910", "Cotton T-shirts, knitted", "TM", "textile", (10, 20), (0.28, 0.38), "CT", (12, 20), (0.88, 0.94), 10000),
    # Uzbekistan
    _g("520512", "Cotton yarn, single, uncombed, Ne 20 to 30, on cones", "UZ", "textile", (2.5, 3.5), (0.20, 0.28), "CT", (25, 30), (0.94, 0.96), 20000),
    _g("610910", "Cotton T-shirts, knitted", "UZ", "textile", (10, 20), (0.28, 0.38), "CT", (12, 20), (0.88, 0.94), 10000),
    _g("620342", "Men's cotton trousers", "UZ", "textile", (12, 22), (0.28, 0.38), "CT", (12, 20), (0.88, 0.94), 10000),
    _g("081310", "Dried apricots", "UZ", "food", (2, 4), (0.20, 0.28), "CT", (10, 12.5), (0.90, 0.94), 18000),
    _g("740311", "Copper cathodes, grade A", "UZ", "metal", (8.5, 9.8), (0.12, 0.18), "BE", (2400, 2600), (0.995, 0.999), 24000, "heavy"),
]
GOODS_BY_GROUP = defaultdict(list)
for _gd in GOODS:
    GOODS_BY_GROUP[_gd.group].append(_gd)
ALWAYS_CONTROLLED = ("2402", "2208")  # restricted goods list: always selected for control
PROHIBITED = ("93",)


def goods(group: str, hs: str) -> Goods:
    return next(g for g in GOODS_BY_GROUP[group] if g.hs == hs)


def restricted(hs: str) -> bool:
    return hs.startswith(ALWAYS_CONTROLLED)


# --------------------------------------------------------------------------------------------------
# Parties (fictitious companies at real places)
# --------------------------------------------------------------------------------------------------

def _p(name, street, postcode, city, country, ident=None):
    return {"name": name, "street": street, "postcode": postcode, "city": city, "country": country,
            "ident": ident}


CN_CONSIGNORS = {
    E: [_p("Shenzhen Huaxin Digital Technology Co., Ltd", "Building 5, Keji Park, Nanshan District", "518057", "Shenzhen", "CN"),
        _p("Xi'an Changan Silk Road Trading Co., Ltd", "No. 88 Gangwu Avenue, International Port District", "710026", "Xi'an", "CN"),
        _p("Wuhan Guanggu Photovoltaic Co., Ltd", "No. 77 Gaoxin Avenue", "430074", "Wuhan", "CN")],
    H: [_p("Guangzhou Meilong Home Appliance Co., Ltd", "No. 200 Huangpu East Road", "510700", "Guangzhou", "CN"),
        _p("Chengdu Tianfu Furniture Co., Ltd", "No. 58 Xinye Road", "610041", "Chengdu", "CN"),
        _p("Yiwu Jinhai Import and Export Co., Ltd", "No. 1266 Chouzhou North Road", "322000", "Yiwu", "CN")],
    A: [_p("Ningbo Donghai Textile Co., Ltd", "No. 399 Yinxian Avenue", "315100", "Ningbo", "CN"),
        _p("Yiwu Jinhai Import and Export Co., Ltd", "No. 1266 Chouzhou North Road", "322000", "Yiwu", "CN"),
        _p("Urumqi Tianshan Commerce Co., Ltd", "No. 66 Kashi West Road", "830000", "Urumqi", "CN")],
    AU: [_p("Chongqing Liangjiang Auto Parts Co., Ltd", "No. 18 Jinyu Avenue, Liangjiang New Area", "401122", "Chongqing", "CN"),
         _p("Qingdao Haida Tyre Co., Ltd", "No. 9 Huangdao Road", "266500", "Qingdao", "CN")],
    "vehicle": [_p("Chongqing Liangjiang Auto Export Co., Ltd", "No. 20 Jinyu Avenue, Liangjiang New Area", "401122", "Chongqing", "CN"),
                _p("Xi'an Changan Silk Road Trading Co., Ltd", "No. 88 Gangwu Avenue, International Port District", "710026", "Xi'an", "CN")],
    "machine": [_p("Zhengzhou Zhongyuan Machinery Co., Ltd", "No. 12 Jingkai 8th Street", "450016", "Zhengzhou", "CN")],
}
LOCAL_CONSIGNORS = {
    ("KZ", "steel"): _p("Temirtau Steel Sales LLP", "Respubliki Avenue 1", "101400", "Temirtau", "KZ", "KZ050440012345"),
    ("KZ", "bulk", "720241"): _p("Aksu Ferroalloy Trade LLP", "Promzona 7", "140100", "Aksu", "KZ", "KZ070340023456"),
    ("KZ", "metal"): _p("Balkhash Copper Sales LLP", "Lenina Street 20", "100300", "Balkhash", "KZ", "KZ990240034567"),
    ("KZ", "bulk"): _p("Kostanay Grain Export LLP", "Baitursynov Street 65", "110000", "Kostanay", "KZ", "KZ110540045678"),
    ("KZ", "polymer"): _p("Atyrau Polymer Trade LLP", "Satpayev Avenue 15", "060011", "Atyrau", "KZ", "KZ180640056789"),
    ("KZ", "tobacco"): _p("Almaty Tobacco Export LLP", "Raiymbek Avenue 348", "050061", "Almaty", "KZ", "KZ020840067890"),
    ("KZ", "spirits"): _p("Zhetysu Distillery LLP", "Suyunbay Avenue 89", "050016", "Almaty", "KZ", "KZ040940078901"),
    ("AZ", "polymer"): _p("Sumgait Polymer Trade LLC", "Sumgait Chemical Industrial Park 1", "AZ5000", "Sumgait", "AZ", "AZ1700234567"),
    ("AZ", "bulk", "310210"): _p("Absheron Carbamide Sales LLC", "Sumgait Industrial Zone 3", "AZ5000", "Sumgait", "AZ", "AZ1700345678"),
    ("AZ", "bulk"): _p("Garadagh Building Materials LLC", "Sahil Settlement, Cement Plant Road 1", "AZ1085", "Baku", "AZ", "AZ1400456789"),
    ("AZ", "metal"): _p("Ganja Aluminium Trade LLC", "Aluminium Plant Street 1", "AZ2000", "Ganja", "AZ", "AZ2300567890"),
    ("AZ", "fresh"): _p("Lankaran Agro Export LLC", "Hazi Aslanov Street 41", "AZ4200", "Lankaran", "AZ", "AZ3100678901"),
    ("GE", "fresh"): _p("Adjara Citrus Export LLC", "Chavchavadze Street 60", "6010", "Batumi", "GE", "GE245123456"),
    ("GE", "wine"): _p("Kakheti Wine Cellar LLC", "Chavchavadze Avenue 3", "2200", "Telavi", "GE", "GE231234567"),
    ("GE", "spirits"): _p("Kakheti Wine Cellar LLC", "Chavchavadze Avenue 3", "2200", "Telavi", "GE", "GE231234567"),
    ("GE", "bulk", "720230"): _p("Zestafoni Alloys Trade LLC", "Industrialuri Street 1", "2000", "Zestafoni", "GE", "GE239345678"),
    ("GE", "bulk"): _p("Rustavi Nitrogen Sales LLC", "Mshenebelta Street 20", "3700", "Rustavi", "GE", "GE216456789"),
    ("GE", "food"): _p("Samegrelo Hazelnut LLC", "Rustaveli Street 76", "2100", "Zugdidi", "GE", "GE219567890"),
    ("TM", "bulk"): _p("Garabogaz Chemical Trade HJ", "Magtymguly Street 12", "746000", "Garabogaz", "TM", "TM101234567890"),
    ("TM", "polymer"): _p("Kiyanly Polymer Trade HJ", "Gurbansoltan Eje Street 5", "745100", "Balkanabat", "TM", "TM102345678901"),
    ("TM", "textile"): _p("Ashgabat Textile Complex HJ", "Gorogly Street 51", "744000", "Ashgabat", "TM", "TM103456789012"),
    ("UZ", "textile"): _p("Fergana Textile Export LLC", "Al-Farghoni Street 32", "150100", "Fergana", "UZ", "UZ305123456"),
    ("UZ", "food"): _p("Samarkand Dried Fruit LLC", "Rudaki Street 150", "140100", "Samarkand", "UZ", "UZ306234567"),
    ("UZ", "metal"): _p("Almalyk Metals Trade LLC", "Amir Temur Street 53", "110100", "Almalyk", "UZ", "UZ307345678"),
}
W_CONSIGNORS = [
    _p("Anadolu Otomotiv Dis Ticaret AS", "Ataturk Caddesi 112", "34000", "Istanbul", "TR"),
    _p("Hamburger Maschinenhandel GmbH", "Spaldingstrasse 64", "20097", "Hamburg", "DE"),
    _p("Milano Pharma Export SpA", "Via Tortona 33", "20144", "Milano", "IT"),
    _p("Rotterdam Spirits Trading BV", "Waalhaven Zuidzijde 19", "3089 JH", "Rotterdam", "NL"),
    _p("Lyon Cosmetiques SAS", "Rue de Marseille 48", "69007", "Lyon", "FR"),
    _p("Izmir Gida Sanayi AS", "Kazim Dirik Caddesi 8", "35230", "Izmir", "TR"),
    _p("Kocaeli Aluminyum Profil AS", "Organize Sanayi Bolgesi 4. Cadde 11", "41400", "Gebze", "TR"),
    _p("Sakarya Atis Malzemeleri AS", "Hendek Organize Sanayi 2. Cadde 7", "54300", "Hendek", "TR"),
]
CONSIGNEES = {
    "KZALA001": [_p("Almaty Trade House LLP", "Suyunbay Avenue 263", "050016", "Almaty", "KZ", "KZ060840112233"),
                 _p("Astana Electronics Distribution LLP", "Ryskulov Avenue 103", "050050", "Almaty", "KZ", "KZ081040223344"),
                 _p("Semirechye Home Market LLP", "Tole Bi Street 286", "050031", "Almaty", "KZ", "KZ120340334455")],
    "KZAAU001": [_p("Mangistau Port Services LLP", "Industrial Zone 6, building 12", "130000", "Aktau", "KZ", "KZ150740445566"),
                 _p("Caspian Supply Base LLP", "Microdistrict 14, building 9", "130000", "Aktau", "KZ", "KZ171140556677")],
    "AZBAK001": [_p("Absheron Distribution LLC", "Heydar Aliyev Avenue 152", "AZ1029", "Baku", "AZ", "AZ1300112233"),
                 _p("Baku Electronics Wholesale LLC", "Babek Avenue 24", "AZ1025", "Baku", "AZ", "AZ1300223344"),
                 _p("Ganjlik Home Trade LLC", "Fatali Khan Khoyski Street 111", "AZ1072", "Baku", "AZ", "AZ1300334455")],
    "AZALA001": [_p("Alat Free Zone Logistics LLC", "Alat Free Economic Zone, Plot 4", "AZ4112", "Alat", "AZ", "AZ1400778899")],
    "GETBS001": [_p("Tbilisi Home Market LLC", "Beliashvili Street 104", "0159", "Tbilisi", "GE", "GE205112233"),
                 _p("Rustavi Industrial Supply LLC", "Kakheti Highway 21", "0198", "Tbilisi", "GE", "GE205223344")],
    "GEPTI001": [_p("Kolkheti Import LLC", "Davit Aghmashenebeli Street 52", "4400", "Poti", "GE", "GE215334455"),
                 _p("Black Sea Transit Terminal LLC", "Port Territory, Berth 12", "4400", "Poti", "GE", "GE215445566")],
    "GEBUS001": [_p("Adjara Trade LLC", "Gogebashvili Street 28", "6000", "Batumi", "GE", "GE245556677")],
    "TMKRW001": [_p("Turkmenbashi Trade HJ", "Bahry Street 7", "745000", "Turkmenbashi", "TM", "TM201234567890")],
}

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------

D01 = Decimal("0.1")
D001 = Decimal("0.01")


def q1(x) -> Decimal:
    return Decimal(str(x)).quantize(D01, rounding=ROUND_HALF_UP)


def q2(x) -> Decimal:
    return Decimal(str(x)).quantize(D001, rounding=ROUND_HALF_UP)


def fmt_mass(d: Decimal) -> str:
    return format(d.normalize(), "f")


def fmt_amount(d: Decimal) -> str:
    return format(d.quantize(D001), "f")


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def isoz(t: datetime) -> str:
    return iso(t) + "Z"


def minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def loguniform(rng: Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


# --------------------------------------------------------------------------------------------------
# Consignment: goods items, masses, values, amount to be covered, transport equipment
# --------------------------------------------------------------------------------------------------


@dataclass
class Item:
    goods: Goods
    gross: Decimal
    net: Decimal
    packages: int | None
    value_usd: Decimal
    units: int = 0


@dataclass
class Consignment:
    items: list
    containerized: bool
    equipment: list  # list of (container number or None, [seal ids])
    value_usd: Decimal
    amount_usd: Decimal

    @property
    def gross(self) -> Decimal:
        return sum((i.gross for i in self.items), Decimal(0))


def goods_group(route: Route, rng: Random) -> str:
    dep = route.dep
    if dep in ("KZHOR001", "KZDOS001"):
        return "CN"
    if dep == "KZAAU001" and route.domestic:
        return "W"
    if dep in ("KZALA001", "KZAAU001"):
        return "KZ"
    if dep in ("AZALA001", "AZBAK001"):
        return rng.choice(["AZ", "AZ", "CN", "W"])
    if dep in ("GEPTI001", "GEBUS001"):
        return rng.choice(["W", "W", "GE"])
    if dep == "GETBS001":
        return "GE"
    return {"TMKRW001": "TM", "UZTAS001": "UZ", "KZKUR001": "KZ"}[dep]


def pick_goods(rng: Random, group: str, allow_restricted: bool, route: Route | None = None) -> Goods:
    pool = [g for g in GOODS_BY_GROUP[group] if allow_restricted or not restricted(g.hs)]
    if route is not None and route.dest[:2] not in ("AZ", "GE"):
        pool = [g for g in pool if g.hs != "252329"]  # cement does not travel far
    # Restricted goods only where asked; excavators and cars are rarer than cartons.
    weights = [0.4 if g.sizing == "unit" else 1.0 for g in pool]
    return rng.choices(pool, weights)[0]


def build_consignment(rng: Random, route: Route, first: Goods, amount_cap_usd: float,
                      value_floor: float = 20000, value_ceiling: float = 400000,
                      used_containers: set | None = None) -> Consignment:
    road_truck = route.means == "road" and route.inland == 3 and route.border == 3
    items: list[Item] = []
    if first.sizing == "unit":
        per_te = first.load if not road_truck else (8 if first.kind == "vehicle" else 1)
        max_units = 12 if first.kind == "vehicle" else 3
        units = rng.randint(1, max_units)
        unit_value = rng.uniform(*first.usd_kg)
        while units > 1 and (units * unit_value > value_ceiling
                             or units * unit_value * first.rate[1] > amount_cap_usd):
            units -= 1
        gross = q1(sum(rng.uniform(*first.kg_pkg) for _ in range(units)))
        items.append(Item(first, gross, gross, units, q2(units * unit_value), units))
        containerized = first.kind == "vehicle" and not road_truck
        n_te = math.ceil(units / per_te) if containerized else 0  # car carriers, flat racks: no seals
    elif first.sizing == "heavy":
        if road_truck:
            cap_te, max_te, containerized = min(first.load, 22000), 1, rng.random() < 0.3
        elif (first.kind == "bulk" and route.means == "rail") or first.kind == "steel":
            cap_te, max_te, containerized = 64000, 3, False  # rail wagons
        else:
            cap_te, max_te, containerized = first.load, 4, True
        n_te = rng.randint(1, max_te)
        per_unit_price = rng.uniform(*first.usd_kg)
        while n_te > 1 and (n_te * cap_te * per_unit_price > value_ceiling
                            or n_te * cap_te * per_unit_price * first.rate[1] > amount_cap_usd):
            n_te -= 1
        mass = n_te * cap_te * rng.uniform(0.85, 0.99)
        mass = min(mass, value_ceiling / per_unit_price,
                   amount_cap_usd / (per_unit_price * first.rate[1]))
        items.append(_packed_item(rng, first, mass, per_unit_price))
        n_te = max(1, math.ceil(float(items[0].gross) / cap_te))
    else:
        n_items = 1
        if first.group in ("CN", "W") and first.kind not in ("spirits", "tobacco") and rng.random() < 0.35:
            n_items = rng.randint(2, 4)
        companions = [g for g in GOODS_BY_GROUP[first.group]
                      if g.kind == first.kind and g.hs != first.hs and g.sizing == "value"]
        chosen = [first] + rng.sample(companions, min(n_items - 1, len(companions)))
        target = loguniform(rng, value_floor, value_ceiling)
        weights = [rng.uniform(0.5, 1.5) for _ in chosen]
        prices = [rng.uniform(*g.usd_kg) for g in chosen]
        max_te = 1 if road_truck else 4
        masses = [target * w / sum(weights) / p for w, p in zip(weights, prices)]
        # containers needed: each item fills its share of a container (light goods fill by volume)
        fill = sum(m / g.load for m, g in zip(masses, chosen))
        capacity = max_te * rng.uniform(0.8, 0.98)
        if fill > capacity:
            masses = [m * capacity / fill for m in masses]
        # duties and taxes cap (the holder's guarantee)
        amount = sum(m * p * g.rate[1] for m, p, g in zip(masses, prices, chosen))
        if amount > amount_cap_usd:
            f = amount_cap_usd / amount
            masses = [m * f for m in masses]
        for g, m, p in zip(chosen, masses, prices):
            items.append(_packed_item(rng, g, max(m, g.kg_pkg[1] * 2), p))
        containerized = not road_truck or rng.random() < 0.35
        n_te = max(1, math.ceil(sum(float(i.gross) / i.goods.load for i in items) - 1e-9))
    value = sum((i.value_usd for i in items), Decimal(0))
    amount = q2(sum(float(i.value_usd) * rng.uniform(*i.goods.rate) for i in items))
    if amount > Decimal(str(amount_cap_usd)):
        amount = q2(amount_cap_usd * rng.uniform(0.85, 0.99))
    used = used_containers if used_containers is not None else set()
    equipment = []
    for _ in range(n_te):
        number = container_number(rng, used) if containerized else None
        seals = [f"{route.dep[:2]}{rng.randrange(1000000, 9999999)}"
                 for _ in range(1 if containerized else rng.randint(1, 2))]
        equipment.append((number, seals))
    return Consignment(items, containerized, equipment, value, amount)


def _packed_item(rng: Random, g: Goods, mass: float, price: float) -> Item:
    lo, hi = g.kg_pkg
    per_pkg = rng.uniform(lo, hi)
    packages = max(1, round(mass / per_pkg))
    gross = q1(packages * per_pkg) if g.pkg in ("BG", "SA", "JB") else q1(mass)
    if gross <= 0:
        gross = Decimal("1.0")
    net = q1(float(gross) * rng.uniform(*g.net))
    if net > gross:
        net = gross
    if net <= 0:
        net = gross
    return Item(g, gross, net, packages, q2(float(gross) * price))


# --------------------------------------------------------------------------------------------------
# Movements
# --------------------------------------------------------------------------------------------------


@dataclass
class Movement:
    idx: int
    state: str
    route: Route
    holder: Holder
    goods_group: str
    consignment: Consignment | None = None
    tir: bool = False
    carnet: str | None = None
    dep_control: tuple | None = None  # (result, type)
    route_control: tuple | None = None  # (stop index, result, type)
    dest_control: tuple | None = None  # (result, type)
    incident: int | None = None  # hop index (0 = departure to first stop)
    passages_kept: int | None = None  # UnderEnquiry: number of stops recorded
    cancel_after_control: bool = False
    reject: str | None = None  # rejection reason key
    note: str = ""
    # timing (offsets in hours from lodging, then absolute)
    plan: list = field(default_factory=list)
    lodged: datetime | None = None
    events: list = field(default_factory=list)
    release_at: datetime | None = None
    until: datetime | None = None
    lrn: str = ""
    msg_id: str = ""
    consignor: dict | None = None
    consignee: dict | None = None
    binding: int = 0
    xml: str = ""
    rule_failures: list = field(default_factory=list)
    currency: str | None = None
    amount: Decimal | None = None
    grn: str | None = None
    access: str | None = None


INCIDENTS = {
    "sea": ["Ferry departure delayed {h} hours by a storm warning on the Caspian; containers kept in the port customs zone, seals intact.",
            "Ferry {ship} waited {h} hours on the outer roadstead for a berth; cargo and seals unchanged.",
            "Cargo rolled over to the next sailing because the ferry was full; held {h} hours in the port customs zone, seals intact."],
    "rail": ["Wagon {wagon} uncoupled at Beineu station for a hot-box repair; container transferred to wagon {wagon2} under customs supervision, seals intact.",
             "Train held {h} hours at Shetpe station for track maintenance; seals checked by the train crew, intact.",
             "Container moved at Mangyshlak station to another flat wagon after a coupling defect; seal intact, customs informed."],
    "road-AZ": ["Tractor unit broke down near Ganja; trailer hitched to replacement tractor {plate} under customs supervision, seals intact.",
                "Minor road accident near Shamkir, no damage to the load compartment; police report attached, seals intact."],
    "road-GE": ["Truck stopped {h} hours by a landslide on the Rikoti pass; load and seals unchanged.",
                "Tractor unit replaced near Khashuri after an engine failure; new tractor {plate}, trailer seals intact."],
    "road-KZ": ["Truck held {h} hours at Beineu by a sandstorm closing the road; load and seals unchanged.",
                "Tyre blow-out near Shetpe; trailer repaired on site under police escort, seals intact."],
}
SHIPS = ["PROFESSOR GUL", "MERCURY-1", "MERCURY-2", "AKADEMIK TOPCHUBASHOV", "AZERBAIJAN", "QARA QARAYEV",
         "NAKHCHIVAN"]


def hop_mode(route: Route, hop: int) -> str:
    """How the goods travel between two consecutive points of the route: sea, rail or road-CC."""
    points = [route.dep] + [o for _, o, _ in route.stops] + [route.dest]
    a, b = points[hop], points[hop + 1]
    pa, pb = OFFICES.get(a), OFFICES.get(b)
    if a == b or (pa and pb and pa.port and pb.port and a[:2] != b[:2]):
        return "sea"  # port dwell and Caspian crossing
    if a[:2] == "KZ" and b[:2] == "KZ" and route.dep[:2] != "UZ" and route.key != "HOR-ALA":
        return "rail"  # every leg inside Kazakhstan runs by rail, except the trucks from Uzbekistan and Khorgos
    country = b[:2] if b[:2] in ("AZ", "GE", "KZ") else a[:2]
    return f"road-{country}" if f"road-{country}" in INCIDENTS else "road-AZ"


def plate(rng: Random, country: str) -> str:
    L = "ABCDEFGHJKLMNPRSTUVXYZ"
    if country == "KZ":
        return f"{rng.randint(100, 999)}{''.join(rng.choice(L) for _ in range(3))}{rng.choice(['02', '05', '12'])}"
    if country == "AZ":
        return f"{rng.choice(['10', '77', '90', '99'])}-{''.join(rng.choice(L) for _ in range(2))}-{rng.randint(100, 999)}"
    if country == "GE":
        return f"{''.join(rng.choice(L) for _ in range(2))}-{rng.randint(100, 999)}-{''.join(rng.choice(L) for _ in range(2))}"
    if country == "UZ":
        return f"01{rng.choice(L)}{rng.randint(100, 999)}{''.join(rng.choice(L) for _ in range(2))}"
    return f"{''.join(rng.choice(L) for _ in range(2))}{rng.randint(1000, 9999)}"


def make_plan(rng: Random, m: Movement):
    """Full office-by-office schedule, as (hours after lodging, office, action, extra)."""
    r = m.route
    ev = []
    t = rng.uniform(0.75, 4.0)
    if m.dep_control:
        ev.append((t, r.dep, "control", {"result": m.dep_control[0], "type": m.dep_control[1]}))
        t += rng.uniform(0.5, 3.0)
    ev.append((t, r.dep, "release", {}))
    points = [o for _, o, _ in r.stops] + [r.dest]
    hops = [h for _, _, h in r.stops] + [r.last]
    for i, (office, hop) in enumerate(zip(points, hops)):
        d = rng.uniform(*hop)
        if m.incident == i:
            mode = hop_mode(r, i)
            text = rng.choice(INCIDENTS[mode]).format(
                h=rng.randint(6, 30), ship=rng.choice(SHIPS), wagon=wagon_number(rng, "4"),
                wagon2=wagon_number(rng, "4"), plate=plate(rng, mode[-2:] if mode.startswith("road") else "AZ"))
            ev.append((t + d * rng.uniform(0.3, 0.7), office, "incident", {"text": text}))
            d += rng.uniform(4, 20)  # the incident costs time
        t += d
        if i < len(r.stops):
            if m.route_control and m.route_control[0] == i:
                ev.append((t, office, "control", {"result": m.route_control[1], "type": m.route_control[2]}))
                t += rng.uniform(0.5, 3.0)
            ev.append((t, office, r.stops[i][0], {}))
        else:
            ev.append((t, office, "arrival", {}))
            if m.dest_control:
                t += rng.uniform(1, 6)
                ev.append((t, office, "control", {"result": m.dest_control[0], "type": m.dest_control[1]}))
                t += rng.uniform(1, 10)
            else:
                t += rng.uniform(1.5, 20)
            ev.append((t, office, "goods_release", {}))
    return ev


def select_events(rng: Random, m: Movement, plan: list) -> list:
    s = m.state
    if s in ("Rejected", "GuaranteeNotValid"):
        return []
    if s == "NotReleased":
        return [plan[0]]
    if s == "Invalidated":
        if m.cancel_after_control:
            t0 = plan[0][0]
            return [plan[0], (t0 + rng.uniform(2, 20), m.route.dep, "cancel", {})]
        if m.note == "GNV then cancel":  # the holder gives up after the CC055C
            return [(rng.uniform(20, 60), m.route.dep, "cancel", {})]
        return [(rng.uniform(1, 30), m.route.dep, "cancel", {})]
    if s == "UnderEnquiry":
        out, stops_seen = [], 0
        for e in plan:
            if e[2] in ("arrival", "goods_release"):
                break
            if e[2] in ("exit", "entry"):
                if stops_seen >= m.passages_kept:
                    break
                stops_seen += 1
            out.append(e)
        return out
    return list(plan)


# --------------------------------------------------------------------------------------------------
# Scenario list
# --------------------------------------------------------------------------------------------------

REJECTS = [
    # key, route, holder, note
    ("dep-not-DEP", "KUR-BAK", "SWL", "office of departure KZKUR001 (Kuryk ferry port) does not hold DEP"),
    ("dest-not-DES", "HOR-RBR", "SWL", "office of destination GERBR001 (Red Bridge) does not hold DES"),
    ("unknown-office", "TAS-ZZZ", "SWL", "office of transit KZZZZ999 does not exist"),
    ("routing-RU", "ALA-RU-BAK", "SWL", "TIR via Russia: CountryOfRoutingOfConsignment RU does not take part in CATS"),
    ("routing-IR", "BAK-IR-KRW", "CFL", "TIR via Iran: CountryOfRoutingOfConsignment IR does not take part in CATS"),
    ("holder-unknown", "HOR-ALA", "SEX", "holder KZ111111111111 is not registered (TIR declaration)"),
    ("tir-no-carnet", "TBS-BAK", "KCG", "TIR declaration without TIRCarnetNumber"),
    ("hs-unknown", "BUS-TBS", "KCG", "HS 770421 does not exist (chapter 77 is reserved; 7604 meant)"),
    ("hs-unknown-2", "HOR-ALA", "SWL", "HS 857113 does not exist (heading 8571; 8517 meant)"),
    ("prohibited", "PTI-BAK", "KCG", "HS 930630 cartridges: chapter 93 is prohibited from CATS transit"),
    ("access-code", "DOS-BAK", "SWL", "wrong access code 1117 for GRN 25KZ0000SRI000010"),
    ("grn-unknown", "HOR-PTI", "SWL", "GRN {grn} has a valid check digit but was never issued"),
    ("mass", "DOS-ALA", "SWL", "item gross mass exceeds the house consignment's and the consignment's (decimal slip)"),
    ("sequence", "HOR-PTI", "SWL", "TransportEquipment sequence numbers 1, 3 (not 1..n)"),
    ("duplicate-lrn", "HOR-ALA", "SWL", "LRN {lrn} already used by a live declaration of the same holder"),
    ("currency", "HOR-ALA", "SWL", "amount to be covered in EUR on a USD guarantee"),
]
UNKNOWN_GRN_BODY = "25KZ0000SRI00009"
UNKNOWN_GRN = UNKNOWN_GRN_BODY + check_digit(UNKNOWN_GRN_BODY)


def weighted_flow(rng: Random, holder: str | None = None, international: bool | None = None):
    flows = [f for f in FLOWS if (holder is None or f[1] == holder)
             and (international is None or (not ROUTES[f[0]].domestic) == international)]
    route, hold, _ = rng.choices(flows, [f[2] for f in flows])[0]
    return ROUTES[route], HOLDERS[hold]


def build_scenarios(rng: Random) -> list[Movement]:
    ms: list[Movement] = []

    def add(state, route, holder, **kw):
        m = Movement(len(ms), state, route, holder, goods_group(route, rng), **kw)
        ms.append(m)
        return m

    # --- WrittenOff
    n = MIX["WrittenOff"]
    written = [add("WrittenOff", *weighted_flow(rng)) for _ in range(n)]
    # restricted goods (always controlled): control recorded at departure, satisfactory
    restricted_specs = [("ALA-BAK", "SWL", "KZ", "240220"), ("ALA-AAU", "SWL", "KZ", "220860"),
                        ("TBS-BAK", "KCG", "GE", "220820"), ("PTI-ALA", "KCG", "W", "220830"),
                        ("PTI-ALA", "SWL", "W", "220830"), ("AAU-BAK", "SWL", "KZ", "240220")]
    for m, (rk, hk, grp, hs) in zip(written[:6], restricted_specs):
        m.route, m.holder, m.goods_group = ROUTES[rk], HOLDERS[hk], grp
        m.dep_control = (rng.choice(["A1", "A1", "A2"]), rng.choice(["physical", "scanning"]))
        m.note = f"restricted:{hs}"
    others = written[6:]
    rng.shuffle(others)
    cursor = 0

    def take(k):
        nonlocal cursor
        out = others[cursor:cursor + k]
        cursor += k
        return out

    for m in take(10):  # more controls at departure
        m.dep_control = rng.choice([("A1", "documentary"), ("A1", "physical"), ("A1", "scanning"),
                                    ("A2", "documentary"), ("A3", "seals")])
    for m in take(14):  # at an office of exit or transit
        if m.route.stops:
            i = rng.randrange(len(m.route.stops))
            office = m.route.stops[i][1]
            kind = "scanning" if office in ("AZQAZ001", "GERBR001", "KZKUR001") else rng.choice(["seals", "documentary"])
            m.route_control = (i, "A3" if kind == "seals" else rng.choice(["A1", "A1", "A2"]), kind)
        else:
            m.dest_control = ("A1", "physical")
    for m in take(10):  # at destination
        m.dest_control = rng.choice([("A1", "physical"), ("A1", "documentary"), ("A2", "documentary"),
                                     ("A1", "scanning")])
    inc = 0
    for m in take(40):  # incidents en route (international routes only)
        if inc < 6 and not m.route.domestic:
            m.incident = rng.randrange(len(m.route.stops) + 1)
            inc += 1
    tir = 0
    for m in others[cursor:]:  # TIR carnets on road routes
        if tir < 8 and m.route.key in ("TBS-BAK", "PTI-BAK", "TAS-BAK", "BAK-TBS") and m.dep_control is None:
            m.tir = True
            tir += 1

    # --- NotReleased: B1 at departure
    nr_specs = [("ALA-BAK", "SWL", "KZ", "240220"), ("TBS-BAK", "KCG", "GE", "220820"),
                ("PTI-ALA", "KCG", "W", "220830"), ("ALA-AAU", "SWL", "KZ", "220860")]
    for i in range(MIX["NotReleased"]):
        if i < len(nr_specs):
            rk, hk, grp, hs = nr_specs[i]
            m = add("NotReleased", ROUTES[rk], HOLDERS[hk])
            m.goods_group, m.note = grp, f"restricted:{hs}"
        else:
            m = add("NotReleased", *weighted_flow(rng))
        m.dep_control = ("B1", rng.choice(["physical", "physical", "scanning", "documentary"]))

    # --- Invalidated: cancelled before release
    for i in range(MIX["Invalidated"]):
        if i == 0:  # Caspian over its guarantee (GuaranteeNotValid), then cancels
            m = add("Invalidated", ROUTES["DOS-BAK"], HOLDERS["CFL"], note="GNV then cancel")
            m.goods_group = "CN"
        else:
            m = add("Invalidated", *weighted_flow(rng))
            if i in (1, 2):
                m.dep_control = ("A1", "documentary")
                m.cancel_after_control = True

    # --- UnderEnquiry: released, then nothing (or a passage or two)
    for i in range(MIX["UnderEnquiry"]):
        holder = "CFL" if i == 0 else ("KCG" if i < 5 else "SWL")
        m = add("UnderEnquiry", *weighted_flow(rng, holder, international=True))
        m.passages_kept = [0, 1, 1, 2, 0, 1, 2, 1, 0, 1][i]
        m.passages_kept = min(m.passages_kept, len(m.route.stops))
        if i == 7:
            m.incident = 0

    # --- Discrepancies: B1 at destination after arrival
    for i in range(MIX["Discrepancies"]):
        m = add("Discrepancies", *weighted_flow(rng, "SWL" if i < 6 else "KCG"))
        m.dest_control = ("B1", "physical")

    # --- GuaranteeNotValid: Caspian asks for more than its 100,000 USD
    gnv_specs = [("DOS-BAK", "CN", "870380"), ("DOS-ALT", "CN", "870380"), ("ALT-TBS", "CN", "870340"),
                 ("ALT-ALA", "CN", "842952"), ("BAK-AAU", "W", "870323")]
    for rk, grp, hs in gnv_specs[:MIX["GuaranteeNotValid"]]:
        m = add("GuaranteeNotValid", ROUTES[rk], HOLDERS["CFL"], note=f"GNV:{hs}")
        m.goods_group = grp

    # --- Rejected: one clear reason each
    for key, rk, hk, note in REJECTS:
        m = add("Rejected", ROUTES[rk], HOLDERS[hk], reject=key, note=note)
        if key in ("routing-RU", "routing-IR", "holder-unknown", "tir-no-carnet"):
            m.tir = True
    return ms


# --------------------------------------------------------------------------------------------------
# Filling in goods, parties, times, identifiers
# --------------------------------------------------------------------------------------------------


def amount_cap(m: Movement) -> float:
    if m.state == "GuaranteeNotValid" or m.note == "GNV then cancel":
        return 1e9
    if m.holder.key == "CFL":
        return 9500.0
    if m.state in ("UnderEnquiry", "Discrepancies"):
        return 35000.0
    return 120000.0


def fill_goods(rng: Random, m: Movement, used_containers: set):
    r = m.route
    forced = None
    if m.note.startswith("restricted:"):
        forced = goods(m.goods_group, m.note.split(":")[1])
    elif m.note.startswith("GNV:"):
        forced = goods(m.goods_group, m.note.split(":")[1])
    elif m.note == "GNV then cancel":
        forced = goods("CN", "870380")
    elif m.reject in ("hs-unknown",):
        forced = Goods("760421", "Aluminium alloy hollow profiles for window frames", "W", "metal", (3.5, 4.5),
                       (0.2, 0.28), "BE", (800, 1200), (0.97, 0.99), 20000, "heavy")
    elif m.reject == "hs-unknown-2":
        forced = goods("CN", "851713")
    elif m.reject == "prohibited":
        forced = Goods("930630", "Centre-fire rifle cartridges, calibre .308, for sport shooting", "W", "ammo",
                       (8, 14), (0.25, 0.35), "CT", (12, 16), (0.85, 0.9), 8000)
    elif m.reject == "sequence":
        forced = goods("CN", "940360")
    if forced is None:
        allow = False
        g = pick_goods(rng, m.goods_group, allow, r)
        # no cars or excavators in the TIR trucks, the few rejected ones or small Caspian lots
        while g.sizing == "unit" and (m.tir or m.holder.key == "CFL" or m.state != "WrittenOff"):
            g = pick_goods(rng, m.goods_group, allow, r)
        forced = g
    cap = amount_cap(m)
    floor, ceiling = 20000, 400000
    if m.state == "GuaranteeNotValid" or m.note == "GNV then cancel":
        c = gnv_consignment(rng, m, forced, used_containers)
    else:
        c = build_consignment(rng, r, forced, cap, floor, ceiling, used_containers)
        if m.reject == "sequence" and len(c.equipment) < 2:
            c.equipment.append((container_number(rng, used_containers), [f"KZ{rng.randrange(1000000, 9999999)}"]))
            c.containerized = True
    m.consignment = c
    # parties
    g0 = c.items[0].goods
    if g0.group == "CN":
        m.consignor = rng.choice(CN_CONSIGNORS.get(g0.kind, CN_CONSIGNORS[E]))
    elif g0.group == "W":
        if g0.kind == "spirits":
            m.consignor = W_CONSIGNORS[3]
        elif g0.kind == "pharma":
            m.consignor = W_CONSIGNORS[2]
        elif g0.kind == "cosmetics":
            m.consignor = W_CONSIGNORS[4]
        elif g0.kind in ("machinery", "machine"):
            m.consignor = rng.choice([W_CONSIGNORS[1], W_CONSIGNORS[0]])
        elif g0.kind == "food":
            m.consignor = W_CONSIGNORS[5]
        elif g0.kind == "metal":
            m.consignor = W_CONSIGNORS[6]
        elif g0.kind == "ammo":
            m.consignor = W_CONSIGNORS[7]
        else:
            m.consignor = rng.choice(W_CONSIGNORS[:2])
    else:
        m.consignor = (LOCAL_CONSIGNORS.get((g0.group, g0.kind, g0.hs))
                       or LOCAL_CONSIGNORS[(g0.group, g0.kind)])
    m.consignee = rng.choice(CONSIGNEES.get(r.dest, CONSIGNEES["GEPTI001"] if r.dest == "GERBR001" else CONSIGNEES["AZBAK001"]))
    # guarantee
    h = m.holder
    if m.tir:
        m.carnet = None if m.reject == "tir-no-carnet" else f"X{rng.choice('ABC')}{rng.randint(70, 89)}{rng.randrange(1000000):06d}"
        return
    m.grn, m.access, m.currency = h.grn, h.access, h.currency
    amount = c.amount_usd
    if h.currency == "EUR":
        amount = q2(amount * USD_TO_EUR)
    m.amount = amount
    if m.reject == "access-code":
        m.access = "1117"
    elif m.reject == "grn-unknown":
        m.grn = UNKNOWN_GRN
    elif m.reject == "currency":
        m.currency = "EUR"
        m.amount = q2(amount * USD_TO_EUR)


def gnv_consignment(rng: Random, m: Movement, g: Goods, used: set) -> Consignment:
    """A Caspian consignment whose amount to be covered exceeds its 100,000 USD guarantee."""
    while True:
        if g.kind == "vehicle":
            units = rng.randint(9, 12)
        elif g.kind == "machine":
            units = 3
        else:
            units = rng.randint(3, 4)
        unit_value = rng.uniform(*g.usd_kg)
        if g.kind == "vehicle" and g.group == "W":
            unit_value = rng.uniform(22000, 25000)
            units = 12
        value = units * unit_value
        rate = rng.uniform(0.36, 0.42) if g.kind == "vehicle" else rng.uniform(0.29, 0.30)
        amount = value * rate
        if 100000 < amount and value <= 400000:
            break
        if g.kind == "machine":
            unit_value = 130000
            value, rate = 3 * unit_value, 0.30
            amount = value * rate
            if amount > 100000:
                break
    gross = q1(sum(rng.uniform(*g.kg_pkg) for _ in range(units)))
    item = Item(g, gross, gross, units, q2(value), units)
    road = m.route.means == "road" and m.route.border == 3
    if g.kind == "vehicle" and not road:
        equipment = [(container_number(rng, used), [f"{m.route.dep[:2]}{rng.randrange(1000000, 9999999)}"])
                     for _ in range(math.ceil(units / 3))]
        containerized = True
    elif g.kind == "vehicle":
        equipment, containerized = [], False
    else:
        equipment, containerized = [], False
    return Consignment([item], containerized, equipment, q2(value), q2(amount))


def assign_times(rng: Random, ms: list[Movement]) -> Movement:
    """Lodging instants, event instants and `until`; returns the movement whose LRN is duplicated."""
    for m in ms:
        m.plan = make_plan(rng, m)
    for m in ms:
        rel = select_events(rng, m, m.plan)
        # release and time limit
        rel_release = next((e[0] for e in rel if e[2] == "release"), None)
        last = rel[-1][0] if rel else 0.0
        if m.state == "UnderEnquiry":
            span = rel_release + m.route.limit_days * 24 + rng.uniform(10, 25) * 24
        else:
            span = last + rng.uniform(1, 5) * 24
        latest = WINDOW_END - timedelta(hours=span + 2)
        earliest = WINDOW_START + timedelta(hours=30)
        offset = rng.uniform(0, (latest - earliest).total_seconds())
        lodged = minute(earliest + timedelta(seconds=offset))
        lodged = lodged.replace(hour=rng.randint(2, 12))  # office hours in Central Asia and the Caucasus
        if lodged > latest:
            lodged = lodged - timedelta(days=1)
        m.lodged = lodged
        m.events = []
        prev = lodged
        for off, office, action, extra in rel:
            at = minute(lodged + timedelta(hours=off))
            if at <= prev:
                at = prev + timedelta(minutes=5)
            prev = at
            m.events.append((at, office, action, extra))
        m.release_at = next((e[0] for e in m.events if e[2] == "release"), None)
        base = m.events[-1][0] if m.events else lodged
        if m.state == "UnderEnquiry":
            m.until = minute(m.release_at + timedelta(days=m.route.limit_days + rng.uniform(10, 25)))
        else:
            m.until = minute(base + timedelta(hours=rng.uniform(24, 120)))
        m.until = m.until.replace(minute=0)
        if m.until <= base:
            m.until = base + timedelta(hours=1)
    # the duplicate LRN: lodged while a live Silk Way movement with that LRN is in transit
    dup = next(m for m in ms if m.reject == "duplicate-lrn")
    candidates = [m for m in ms if m.state == "WrittenOff" and m.holder.key == "SWL"
                  and not m.route.domestic and m.release_at and m.lodged.month in (5, 6, 7)]
    dup_target = candidates[0]
    arrival = next(e[0] for e in dup_target.events if e[2] == "arrival")
    dup.lodged = minute(dup_target.release_at + (arrival - dup_target.release_at) / 3)
    dup.until = (dup.lodged + timedelta(days=2)).replace(minute=0)
    return dup_target


def assign_ids(rng: Random, ms: list[Movement], dup_target: Movement):
    ms.sort(key=lambda m: (m.lodged, m.idx))
    # each holder numbers its declarations in sequence (as if it had lodged some in January already)
    counters = Counter({"SWL": 118, "CFL": 36, "KCG": 71, "SEX": 0})
    for m in ms:
        h = m.holder
        if m.reject == "duplicate-lrn":
            continue
        counters[h.key] += 1
        m.lrn = f"{h.key}25-{counters[h.key]:06d}"
    dup = next(m for m in ms if m.reject == "duplicate-lrn")
    dup.lrn = dup_target.lrn
    seen = set()
    for i, m in enumerate(ms):
        m.msg_id = f"{m.holder.key}{m.lodged:%y%m%d%H%M}{i:04d}"
        assert m.msg_id not in seen
        seen.add(m.msg_id)
        m.binding = 1 if (len(m.route.itinerary) >= 3 and rng.random() < 0.5) else 0


# --------------------------------------------------------------------------------------------------
# XML
# --------------------------------------------------------------------------------------------------


def el(tag, *children):
    return (tag, [c for c in children if c is not None])


def text(tag, value):
    return None if value is None else (tag, str(value))


def render(node) -> str:
    tag, body = node
    if isinstance(body, str):
        return f"<{tag}>{escape(body)}</{tag}>"
    return f"<{tag}>" + "".join(render(c) for c in body) + f"</{tag}>"


def address(p):
    return el("Address", text("streetAndNumber", p["street"]), text("postcode", p["postcode"]),
              text("city", p["city"]), text("country", p["country"]))


def declaration_xml(rng: Random, m: Movement) -> str:
    r, h, c = m.route, m.holder, m.consignment
    op = el("TransitOperation",
            text("LRN", m.lrn),
            text("declarationType", "TIR" if m.tir else "T1"),
            text("additionalDeclarationType", "A"),
            text("TIRCarnetNumber", m.carnet if m.tir else None),
            text("security", 0),
            text("reducedDatasetIndicator", 0),
            text("bindingItinerary", m.binding))
    transit = []
    planned = {(e[1], e[2]): e[0] for e in m.plan}
    for i, office in enumerate(r.entries, 1):
        eta = planned.get((office, "entry"))
        eta_abs = minute(m.lodged + timedelta(hours=eta + rng.uniform(-3, 3))).replace(minute=0) if eta else None
        transit.append(el("CustomsOfficeOfTransitDeclared", text("sequenceNumber", i), text("referenceNumber", office),
                          text("arrivalDateAndTimeEstimated", iso(eta_abs) if eta_abs else None)))
    exits = [el("CustomsOfficeOfExitForTransitDeclared", text("sequenceNumber", i), text("referenceNumber", o))
             for i, o in enumerate(r.exits, 1)]
    holder = el("HolderOfTheTransitProcedure",
                text("identificationNumber", h.ident),
                text("TIRHolderIdentificationNumber", h.tir_id if m.tir else None),
                text("name", h.name),
                address({"street": h.street, "postcode": h.postcode, "city": h.city, "country": h.country}))
    if m.tir:
        guarantee = el("Guarantee", text("sequenceNumber", 1), text("guaranteeType", "B"))
    else:
        guarantee = el("Guarantee", text("sequenceNumber", 1), text("guaranteeType", 1),
                       el("GuaranteeReference", text("sequenceNumber", 1), text("GRN", m.grn),
                          text("accessCode", m.access), text("amountToBeCovered", fmt_amount(m.amount)),
                          text("currency", m.currency)))
    dispatch = "CN" if r.dep in ("KZHOR001", "KZDOS001") else r.dep[:2]
    dest_country = r.dest[:2]
    # transport equipment
    te = []
    seqs = list(range(1, len(c.equipment) + 1))
    if m.reject == "sequence":
        seqs = [1] + [s + 1 for s in seqs[1:]]
    for s, (number, seals) in zip(seqs, c.equipment):
        te.append(el("TransportEquipment", text("sequenceNumber", s), text("containerIdentificationNumber", number),
                     text("numberOfSeals", len(seals)),
                     *[el("Seal", text("sequenceNumber", j), text("identifier", sid)) for j, sid in enumerate(seals, 1)]))
    location = el("LocationOfGoods", text("typeOfLocation", "A"), text("qualifierOfIdentification", "V"),
                  el("CustomsOffice", text("referenceNumber", r.dep)))
    # departure transport means
    means = []
    if r.means == "rail":
        # one wagon per container or per wagon load; 1520 mm wagon numbers start with the wagon type:
        # 4 flat wagon, 6 gondola, 9 hopper and other
        n = max(1, len(c.equipment))
        first = "4" if c.containerized else ("6" if c.items[0].goods.kind in ("steel", "metal") else "9")
        for i in range(1, min(n, 4) + 1):
            means.append(el("DepartureTransportMeans", text("sequenceNumber", i), text("typeOfIdentification", "20"),
                            text("identificationNumber", wagon_number(rng, first)), text("nationality", r.dep[:2])))
    elif r.means == "road":
        truck_nat = m.holder.country if m.holder.country in ("KZ", "AZ", "GE") and r.dep[:2] != "UZ" else r.dep[:2]
        truck_plate = plate(rng, truck_nat)
        means.append(el("DepartureTransportMeans", text("sequenceNumber", 1), text("typeOfIdentification", "30"),
                        text("identificationNumber", truck_plate), text("nationality", truck_nat)))
    else:
        ship = rng.choice(SHIPS)
        means.append(el("DepartureTransportMeans", text("sequenceNumber", 1), text("typeOfIdentification", "11"),
                        text("identificationNumber", ship), text("nationality", "AZ")))
    routing = [el("CountryOfRoutingOfConsignment", text("sequenceNumber", i), text("country", cc))
               for i, cc in enumerate(r.countries, 1)]
    active = []
    if not r.domestic:
        office = r.stops[0][1] if r.stops and r.stops[0][0] == "exit" else None
        if r.border == 1:
            active.append(el("ActiveBorderTransportMeans", text("sequenceNumber", 1),
                             text("customsOfficeAtBorderReferenceNumber", office),
                             text("typeOfIdentification", "11"), text("identificationNumber", rng.choice(SHIPS)),
                             text("nationality", "AZ")))
        else:
            active.append(el("ActiveBorderTransportMeans", text("sequenceNumber", 1),
                             text("customsOfficeAtBorderReferenceNumber", office),
                             text("typeOfIdentification", "30"), text("identificationNumber", truck_plate),
                             text("nationality", truck_nat)))
    dep_o, dest_o = OFFICES.get(r.dep), OFFICES.get(r.dest)
    loading = el("PlaceOfLoading", text("UNLocode", dep_o.locode)) if dep_o and dep_o.locode else \
        el("PlaceOfLoading", text("country", r.dep[:2]), text("location", CITY.get(r.dep, r.dep)))
    unloading = el("PlaceOfUnloading", text("UNLocode", dest_o.locode)) if dest_o and dest_o.locode else \
        el("PlaceOfUnloading", text("country", r.dest[:2]), text("location", CITY.get(r.dest, r.dest)))
    year = m.lodged.strftime("%y")
    supporting = [el("SupportingDocument", text("sequenceNumber", 1), text("type", "N380"),
                     text("referenceNumber", f"INV-{year}-{rng.randint(1000, 99999)}"))]
    if c.items[0].goods.group == "CN":
        supporting.append(el("SupportingDocument", text("sequenceNumber", 2), text("type", "N861"),
                             text("referenceNumber", f"CCPIT{year}{rng.randint(10**8, 10**9 - 1)}")))
    if r.means == "rail":
        tdoc = ("N722", f"SMGS {rng.randint(10**7, 10**8 - 1)}")
    elif r.means == "sea":
        tdoc = ("N705", f"{r.dep[:2]}{r.dest[:2]}{year}{rng.randint(10000, 99999)}")
    else:
        tdoc = ("N730", f"CMR {rng.randint(10**6, 10**7 - 1)}")
    transport_doc = el("TransportDocument", text("sequenceNumber", 1), text("type", tdoc[0]),
                       text("referenceNumber", tdoc[1]))
    # house consignment and items
    items = []
    house_gross = c.gross
    cons_gross = c.gross
    for k, it in enumerate(c.items, 1):
        g = it.goods
        gross = it.gross
        if m.reject == "mass" and k == 1:
            house_gross = q1(c.gross / 10)
            cons_gross = house_gross
        initials = "".join(w[0] for w in m.consignee["name"].split() if w[0].isalpha() and w not in ("LLC", "LLP", "HJ"))
        marks = f"{initials.upper()}/{CITY.get(r.dest, r.dest).upper()}/{m.lrn}" \
            if g.pkg in ("CT", "PK", "CS", "CR") else None
        items.append(el("ConsignmentItem",
                        text("goodsItemNumber", k), text("declarationGoodsItemNumber", k),
                        el("Commodity", text("descriptionOfGoods", g.desc),
                           el("CommodityCode", text("harmonizedSystemSubHeadingCode", g.hs if m.reject != "hs-unknown-2" else "857113"
                                                     if k == 1 else g.hs)),
                           el("DangerousGoods", text("sequenceNumber", 1), text("UNNumber", g.un)) if g.un else None,
                           el("GoodsMeasure", text("grossMass", fmt_mass(gross)), text("netMass", fmt_mass(it.net)))),
                        el("Packaging", text("sequenceNumber", 1), text("typeOfPackages", g.pkg),
                           text("numberOfPackages", it.packages), text("shippingMarks", marks))))
    if m.reject == "hs-unknown":
        items[0] = _replace_hs(items[0], "770421")
    house = el("HouseConsignment", text("sequenceNumber", 1), text("grossMass", fmt_mass(house_gross)), *items)
    consignor = el("Consignor", text("identificationNumber", m.consignor.get("ident")), text("name", m.consignor["name"]),
                   address(m.consignor))
    consignee = el("Consignee", text("identificationNumber", m.consignee.get("ident")), text("name", m.consignee["name"]),
                   address(m.consignee))
    consignment = el("Consignment",
                     text("countryOfDispatch", dispatch),
                     text("countryOfDestination", dest_country),
                     text("containerIndicator", 1 if c.containerized else 0),
                     text("inlandModeOfTransport", r.inland),
                     text("modeOfTransportAtTheBorder", r.border),
                     text("grossMass", fmt_mass(cons_gross)),
                     consignor, consignee, *te, location, *means, *routing, *active, loading, unloading,
                     *supporting, transport_doc, house)
    root = el("ncts:CC015C",
              text("messageSender", h.ident),
              text("messageRecipient", f"NTA.{r.dep[:2]}"),
              text("preparationDateAndTime", iso(m.lodged)),
              text("messageIdentification", m.msg_id),
              text("messageType", "CC015C"),
              op,
              el("CustomsOfficeOfDeparture", text("referenceNumber", r.dep)),
              el("CustomsOfficeOfDestinationDeclared", text("referenceNumber", r.dest)),
              *transit, *exits, holder, guarantee, consignment)
    body = render(root)
    return body.replace("<ncts:CC015C>", '<ncts:CC015C PhaseID="NCTS5.0" xmlns:ncts="http://ncts.dgtaxud.ec">', 1)


def _replace_hs(node, hs):
    tag, body = node
    if tag == "harmonizedSystemSubHeadingCode":
        return (tag, hs)
    if isinstance(body, str):
        return node
    return (tag, [_replace_hs(c, hs) for c in body])


# --------------------------------------------------------------------------------------------------
# Checks: XSD, business rules (from the XML), lifecycle and guarantee ledger
# --------------------------------------------------------------------------------------------------


def load_hs(path: Path) -> set:
    codes = set()
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.add(row["hscode"])
    return codes


def hs_exists(code: str, hs: set) -> bool:
    """As the node's catalogue decides: a 6-digit code exists when listed, or when its heading exists
    and no subheading of it is known (the node ships headings only)."""
    if not re.fullmatch(r"\d{6}", code):
        return False
    if code in hs:
        return True
    heading = code[:4]
    return heading in hs and not any(k.startswith(heading) and len(k) == 6 for k in hs)


def rule_failures(xml: str, hs: set) -> list[str]:
    """The business rules of the node that a declaration alone decides (docs/rules.md ids)."""
    root = ET.fromstring(xml)
    out = []

    def t(path):
        e = root.find(path)
        return None if e is None else e.text

    def office_rule(rule, code, role):
        o = OFFICES.get(code)
        if o is None or role not in o.roles:
            out.append(rule)

    dep = t("CustomsOfficeOfDeparture/referenceNumber")
    dest = t("CustomsOfficeOfDestinationDeclared/referenceNumber")
    office_rule("CATS001", dep, "DEP")
    office_rule("CATS002", dest, "DES")
    transit = [e.text for e in root.findall("CustomsOfficeOfTransitDeclared/referenceNumber")]
    exits = [e.text for e in root.findall("CustomsOfficeOfExitForTransitDeclared/referenceNumber")]
    for o in transit:
        office_rule("CATS003", o, "TRA")
    for o in exits:
        office_rule("CATS004", o, "EXT")
    routing = [e.text for e in root.findall("Consignment/CountryOfRoutingOfConsignment/country")]
    route = [dep[:2], dest[:2]] + [o[:2] for o in transit + exits] + routing
    if any(c not in PARTICIPATING for c in route):
        out.append("CATS005")
    if t("messageRecipient") != f"NTA.{dep[:2]}":
        out.append("CATS006")
    holder = t("HolderOfTheTransitProcedure/identificationNumber")
    known = {h.ident: h for h in HOLDERS.values() if h.registered}
    if holder not in known:
        out.append("CATS007")
    if t("messageSender") != holder:
        out.append("sender")
    dtype = t("TransitOperation/declarationType")
    carnet = t("TransitOperation/TIRCarnetNumber")
    if (dtype == "TIR") != (carnet is not None):
        out.append("C0411")
    # sequence numbers, everywhere
    def walk(node):
        groups = defaultdict(list)
        for child in node:
            seq = child.find("sequenceNumber")
            if seq is not None:
                groups[child.tag].append(int(seq.text))
            walk(child)
        for tag, seqs in groups.items():
            if seqs != list(range(1, len(seqs) + 1)):
                out.append("R0987")
    walk(root)
    items = root.findall("Consignment/HouseConsignment/ConsignmentItem")
    if [int(i.find("goodsItemNumber").text) for i in items] != list(range(1, len(items) + 1)) or \
            [int(i.find("declarationGoodsItemNumber").text) for i in items] != list(range(1, len(items) + 1)):
        out.append("CATS009")
    cg = Decimal(t("Consignment/grossMass"))
    houses = root.findall("Consignment/HouseConsignment")
    hg = sum(Decimal(h.find("grossMass").text) for h in houses)
    if hg > cg:
        out.append("R0994")
    for hc in houses:
        s = Decimal(0)
        for it in hc.findall("ConsignmentItem"):
            g = Decimal(it.find("Commodity/GoodsMeasure/grossMass").text)
            n = Decimal(it.find("Commodity/GoodsMeasure/netMass").text)
            if g <= 0 or n <= 0:
                out.append("CATS010")
            if n > g:
                out.append("R0223")
            s += g
        if s > Decimal(hc.find("grossMass").text):
            out.append("R0983")
    for it in items:
        code = it.find("Commodity/CommodityCode/harmonizedSystemSubHeadingCode").text
        if not hs_exists(code, hs):
            out.append("CATS011")
        if code.startswith(PROHIBITED):
            out.append("CATS012")
    for num in root.findall("Consignment/TransportEquipment/containerIdentificationNumber"):
        s = num.text
        if not re.fullmatch(r"[A-Z]{3}[UJZ]\d{7}", s) or check_digit(s[:10]) != s[10] or mod11_remainder(s[:10]) == 10:
            out.append("R0028")
    for g in root.findall("Guarantee"):
        gtype = g.find("guaranteeType").text
        if gtype == "B":
            if dtype != "TIR":
                out.append("CATS015")
            continue
        if gtype != "1" or dtype == "TIR":
            out.append("CATS015")
        for ref in g.findall("GuaranteeReference"):
            grn = ref.find("GRN").text
            if not re.fullmatch(r"\d{2}[A-Z]{2}[A-Z0-9]{12}\d", grn) or check_digit(grn[:16]) != grn[16]:
                out.append("grn-format")
            gh = GUARANTEES.get(grn)
            if gh is None:
                out.append("CATS016")
                continue
            if ref.find("accessCode").text != gh.access:
                out.append("CATS017")
            if gh.ident != holder:
                out.append("CATS020")
            if ref.find("currency").text != gh.currency:
                out.append("CATS021")
            amount = ref.find("amountToBeCovered").text
            if not re.fullmatch(r"[1-9]\d*\.\d{2}", amount):
                out.append("CATS021")
    return out


EXPECTED_RULE = {
    "dep-not-DEP": "CATS001", "dest-not-DES": "CATS002", "unknown-office": "CATS003", "routing-RU": "CATS005",
    "routing-IR": "CATS005", "holder-unknown": "CATS007", "tir-no-carnet": "C0411", "hs-unknown": "CATS011",
    "hs-unknown-2": "CATS011", "prohibited": "CATS012", "access-code": "CATS017", "grn-unknown": "CATS016",
    "mass": "R0983", "sequence": "R0987", "duplicate-lrn": "CATS014", "currency": "CATS021",
}


def xsd_validate(ms: list[Movement], xsd: Path):
    if shutil.which("xmllint") is None:
        fail("xmllint not found: apt-get update && apt-get install -y libxml2-utils")
    if not xsd.is_file():
        fail(f"XSD not found: {xsd} (the shared/ folder must sit beside the repository)")
    with tempfile.TemporaryDirectory(prefix="replay-gen-") as tmp:
        files = []
        for i, m in enumerate(ms):
            p = Path(tmp) / f"{i:04d}-{m.lrn}.xml"
            p.write_text(m.xml, encoding="utf-8")
            files.append(str(p))
        bad = []
        for k in range(0, len(files), 100):
            chunk = files[k:k + 100]
            res = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), *chunk],
                                 capture_output=True, text=True)
            ok = res.stderr.count(" validates")
            if res.returncode != 0 or ok != len(chunk):
                bad.append(res.stderr)
        if bad:
            fail("declarations fail the XSD:\n" + "\n".join(bad)[:20000])
    return len(ms)


def fail(msg: str):
    print(f"gen.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def replay_model(ms: list[Movement], hs: set):
    """Replay every movement as docs/lifecycle.md says, in global chronological order; return the
    final states and the guarantee ledger's peak usage."""
    state, limit, dest_b1, passages = {}, {}, {}, defaultdict(set)
    available = {grn: h.reference for grn, h in GUARANTEES.items()}
    reserved = {}
    peak = {grn: Decimal(0) for grn in GUARANTEES}
    live_lrn = {}
    LIVE = {"Accepted", "GuaranteeNotValid", "UnderControl", "ReleasedForTransit", "Arrived", "Discrepancies",
            "UnderEnquiry"}
    timeline = []
    for m in ms:
        timeline.append((m.lodged, 0, m.idx, m, "lodge", None, {}))
        for k, (at, office, action, extra) in enumerate(m.events):
            timeline.append((at, 1 + k, m.idx, m, action, office, extra))
    timeline.sort(key=lambda x: (x[0], x[2], x[1]))
    errors = []

    def expire(now):
        for idx, lim in list(limit.items()):
            if state[idx] == "ReleasedForTransit" and now > lim:
                state[idx] = "UnderEnquiry"

    for at, _, idx, m, action, office, extra in timeline:
        expire(at)
        s = state.get(idx)
        if action == "lodge":
            fails = rule_failures(m.xml, hs)
            key = (m.holder.ident, m.lrn)
            other = live_lrn.get(key)
            if other is not None and state.get(other) in LIVE:
                fails.append("CATS014")
            if fails:
                state[idx] = "Rejected"
                m.rule_failures = fails
                continue
            live_lrn[key] = idx
            if m.grn and m.amount > available[m.grn]:
                state[idx] = "GuaranteeNotValid"
            else:
                state[idx] = "Accepted"
            continue
        ok = True
        r = m.route
        if action == "control":
            res = extra["result"]
            if s in ("Accepted", "UnderControl") and office == r.dep:
                state[idx] = "UnderControl" if res != "B1" else "NotReleased"
            elif s in ("ReleasedForTransit", "UnderEnquiry") and ({"TRA", "EXT"} & OFFICES[office].roles):
                pass
            elif s == "Arrived" and office == r.dest:
                dest_b1[idx] = dest_b1.get(idx, False) or res == "B1"
            else:
                ok = False
        elif action == "release":
            if s in ("Accepted", "UnderControl") and office == r.dep:
                if m.grn:
                    if m.amount > available[m.grn]:
                        state[idx] = "GuaranteeNotValid"
                        continue
                    available[m.grn] -= m.amount
                    reserved[idx] = (m.grn, m.amount)
                    used = GUARANTEES[m.grn].reference - available[m.grn]
                    peak[m.grn] = max(peak[m.grn], used)
                state[idx] = "ReleasedForTransit"
                limit[idx] = at + timedelta(days=r.limit_days)
            else:
                ok = False
        elif action in ("exit", "entry"):
            role = "EXT" if action == "exit" else "TRA"
            if s in ("ReleasedForTransit", "UnderEnquiry") and role in OFFICES[office].roles \
                    and (office, action) not in passages[idx]:
                passages[idx].add((office, action))
            else:
                ok = False
        elif action == "incident":
            ok = s in ("ReleasedForTransit", "UnderEnquiry") and bool(extra.get("text"))
        elif action == "arrival":
            if s in ("ReleasedForTransit", "UnderEnquiry") and "DES" in OFFICES[office].roles:
                state[idx] = "Arrived"
            else:
                ok = False
        elif action == "goods_release":
            if s == "Arrived" and office == r.dest:
                if dest_b1.get(idx):
                    state[idx] = "Discrepancies"
                else:
                    state[idx] = "WrittenOff"
                    grn, amount = reserved.pop(idx, (None, None))
                    if grn:
                        available[grn] += amount
            else:
                ok = False
        elif action == "cancel":
            if s in ("Accepted", "GuaranteeNotValid", "UnderControl"):
                state[idx] = "Invalidated"
            else:
                ok = False
        if not ok:
            errors.append(f"{m.lrn}: {action} at {office} refused in state {s}")
    for m in ms:
        if state[m.idx] == "ReleasedForTransit" and m.until > limit[m.idx]:
            state[m.idx] = "UnderEnquiry"
    return state, peak, errors


def verify(ms: list[Movement], hs: set):
    problems = []
    for m in ms:
        r = m.route
        # rejected movements: exactly the intended rule (the LRN duplicate is found at lodging)
        fails = rule_failures(m.xml, hs)
        if m.state == "Rejected":
            want = EXPECTED_RULE[m.reject]
            got = fails if m.reject != "duplicate-lrn" else fails + ["CATS014"]
            if sorted(set(got)) != [want]:
                problems.append(f"{m.lrn} ({m.reject}): rule failures {got}, expected only {want}")
        elif fails:
            problems.append(f"{m.lrn} ({m.state}): unexpected rule failures {fails}")
        # restricted goods only with a control recorded at departure
        codes = [i.goods.hs for i in m.consignment.items]
        if any(restricted(c) for c in codes) and m.state not in ("Rejected", "GuaranteeNotValid"):
            if not (m.events and m.events[0][2] == "control" and m.events[0][1] == r.dep):
                problems.append(f"{m.lrn}: restricted goods {codes} without a control at departure")
        # times
        prev = m.lodged
        for at, office, action, extra in m.events:
            if at <= prev:
                problems.append(f"{m.lrn}: events not in order")
            prev = at
        if not (WINDOW_START <= m.lodged and m.until <= WINDOW_END and m.until > prev):
            problems.append(f"{m.lrn}: outside the window or until before the last event")
        if m.release_at:
            limit = m.release_at + timedelta(days=r.limit_days)
            arrival = next((e[0] for e in m.events if e[2] == "arrival"), None)
            if m.state in ("WrittenOff", "Discrepancies"):
                if arrival is None or arrival > limit - timedelta(hours=12):
                    problems.append(f"{m.lrn}: arrival {arrival} not well before the time limit {limit}")
            if m.state == "UnderEnquiry" and m.until < limit + timedelta(days=5):
                problems.append(f"{m.lrn}: until not well after the time limit")
        # masses and values
        c = m.consignment
        for it in c.items:
            if not (0 < it.net <= it.gross):
                problems.append(f"{m.lrn}: net/gross masses")
        if len(m.lrn) > 22:
            problems.append(f"{m.lrn}: LRN too long")
    state, peak, errors = replay_model(ms, hs)
    problems += errors
    for m in ms:
        if state[m.idx] != m.state:
            problems.append(f"{m.lrn}: lifecycle model ends {state[m.idx]}, expected {m.state}")
    if peak["25KZ0000SRI000020"] >= Decimal("60000"):
        problems.append(f"Caspian's open reservations reach {peak['25KZ0000SRI000020']} USD")
    if problems:
        fail("self-check failed:\n  " + "\n  ".join(problems[:60]))
    return peak


# --------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    ap.add_argument("--xsd", type=Path, default=DEFAULT_XSD, help="NCTS P5 cc015c.xsd")
    ap.add_argument("--hs", type=Path, default=DEFAULT_HS, help="HS nomenclature CSV (hscode column)")
    ap.add_argument("--notes", type=Path, help="also write a TSV: line, LRN, expected state, what the movement is")
    args = ap.parse_args()
    if not args.hs.is_file():
        fail(f"HS nomenclature not found: {args.hs}")
    hs = load_hs(args.hs)
    for g in GOODS:
        if not hs_exists(g.hs, hs) or g.hs not in hs:
            fail(f"goods table: HS {g.hs} is not a subheading of the nomenclature")

    rng = Random(args.seed)
    ms = build_scenarios(rng)
    used_containers: set = set()
    for m in ms:
        fill_goods(rng, m, used_containers)
    dup_target = assign_times(rng, ms)
    assign_ids(rng, ms, dup_target)
    for m in ms:
        m.xml = declaration_xml(rng, m)
    validated = xsd_validate(ms, args.xsd)
    peak = verify(ms, hs)

    out = sys.stdout
    for m in ms:
        events = []
        for at, office, action, extra in m.events:
            e = {"at": isoz(at), "office": office, "action": action}
            e.update(extra)
            events.append(e)
        line = {"declaration": m.xml, "events": events, "until": isoz(m.until), "expect": {"state": m.state}}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if args.notes:
        with open(args.notes, "w", encoding="utf-8") as f:
            f.write("line\tLRN\tstate\troute\tholder\tgoods\tnote\n")
            for i, m in enumerate(ms, 1):
                goods_codes = ",".join(it.goods.hs for it in m.consignment.items)
                note = m.note.format(grn=UNKNOWN_GRN, lrn=m.lrn)
                extras = []
                if m.tir:
                    extras.append("TIR")
                if m.dep_control:
                    extras.append(f"control {m.dep_control[0]} at departure")
                if m.route_control:
                    extras.append(f"control {m.route_control[1]} at {m.route.stops[m.route_control[0]][1]}")
                if m.dest_control:
                    extras.append(f"control {m.dest_control[0]} at destination")
                if m.incident is not None and m.events and any(e[2] == "incident" for e in m.events):
                    extras.append("incident")
                f.write(f"{i}\t{m.lrn}\t{m.state}\t{m.route.key}\t{m.holder.key}\t{goods_codes}\t"
                        f"{'; '.join([note] + extras if note else extras)}\n")
    summary(ms, validated, peak)


def summary(ms, validated, peak):
    err = sys.stderr
    counts = Counter(m.state for m in ms)
    print(f"middle-corridor replay: {len(ms)} movements, {sum(len(m.events) for m in ms)} events, "
          f"{validated} declarations valid against the NCTS P5 XSD", file=err)
    for s in STATES:
        print(f"  {s:<18} {counts[s]:>4}", file=err)
    wo = [m for m in ms if m.state == "WrittenOff"]
    ctrl = sum(1 for m in wo if m.dep_control or m.route_control or m.dest_control)
    inc = sum(1 for m in ms if any(e[2] == "incident" for e in m.events))
    print(f"  WrittenOff with a recorded control: {ctrl} ({100 * ctrl / len(wo):.0f}%); incidents: {inc}; "
          f"TIR: {sum(1 for m in ms if m.tir)}", file=err)
    print("  by holder: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(m.holder.key for m in ms).items())),
          file=err)
    for grn, h in GUARANTEES.items():
        print(f"  guarantee {grn} ({h.name}): peak open reservations {peak[grn]:,.2f} of "
              f"{h.reference:,.2f} {h.currency}", file=err)
    first = min(m.lodged for m in ms)
    last = max(m.until for m in ms)
    print(f"  from {isoz(first)} to {isoz(last)}", file=err)


if __name__ == "__main__":
    main()
