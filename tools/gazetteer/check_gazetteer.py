#!/usr/bin/python3
"""Self-check for data/gazetteer.txt (see docs/data-formats.md, "The gazetteer").

Parses the file the way the spec describes it and reports errors (exit status 1) and
warnings. Not part of the build; run by hand after editing the gazetteer:

    /usr/bin/python3 tools/gazetteer/check_gazetteer.py [data/gazetteer.txt]

Checks: @version first; `country CODE NAME` with CODE three capitals and unique, and
`organization CODE NAME` with CODE of 2 to 8 capitals and digits, unique among all codes; known line
kinds (including the engine's `title` lines of title words); well-formed aliases and case
markers; person lines `person FROM..TO ROLE aliases` with valid dates (FROM <= TO) and roles;
veto phrases of at least two tokens; no alias (other than person aliases) listed twice, compared
as token sequences ignoring case after folding typographic quotes; no alias equal to a veto
phrase (the veto would always win); every veto phrase covers an alias of its own actor; every
G20 / eval-set country has person lines. Warnings: a person alias that is also a place/name
alias, and one person alias used by two actors on overlapping dates.
"""
import datetime
import re
import sys
import unicodedata
from collections import defaultdict

KINDS = {"name", "adj", "people", "capital", "seat", "person", "veto"}
ROLES = {"head_of_state", "head_of_government", "foreign_minister", "official"}
REQUIRED_PERSONS = set(
    "ARG AUS BRA CAN CHN FRA DEU IND IDN ITA JPN KOR MEX RUS SAU ZAF TUR GBR USA "
    "GRC ETH KEN SRB XKX PAK IRN ISR BGD ARM AZE DZA ESP".split())

FOLD = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
        "\u2013": "-", "\u2212": "-", "\u2014": "--"}


def fold(s):
    s = unicodedata.normalize("NFC", s)
    for a, b in FOLD.items():
        s = s.replace(a, b)
    return s


# Tokenizer, following the notes at the top of docs/data-formats.md.
# Titles and month abbreviations that keep their dot (service/engine/tokenizer.cc).
ABBREVIATIONS = ("mr mrs ms dr prof gen col lt sgt capt cmdr adm maj brig st jr sr rep sen gov pres "
                 "amb hon rev vs etc inc ltd corp dept univ est jan feb apr jun jul aug sep sept oct "
                 "nov dec approx fig mt ft no").split()
DOTTED = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]\.(?=\s|$|[,;:)])|(?i:(?:%s))\.(?![^\W_])"
                    % "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)))
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def tokenize(s):
    s = fold(s)
    toks = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        if s.startswith("<Name>", i):
            toks.append("<Name>")
            i += 6
            continue
        m = DOTTED.match(s, i)
        if m and (i == 0 or not s[i - 1].isalnum()):
            toks.append(m.group(0))
            i = m.end()
            continue
        m = WORD.match(s, i)
        if m:
            w = m.group(0)
            # trailing possessive 's is its own token
            if w.lower().endswith("'s") and len(w) > 2:
                toks.append(w[:-2])
                toks.append("'s")
            else:
                toks.append(w)
            i = m.end()
            # trailing ' after s (US', Jones')
            if i < n and s[i] == "'" and w[-1:].lower() == "s":
                toks.append("'")
                i += 1
            continue
        if s.startswith("--", i):
            toks.append("--")
            i += 2
            continue
        toks.append(c)
        i += 1
    return toks


def key(alias):
    return tuple(t.casefold() for t in tokenize(alias))


def parse_date(s, where, errors):
    if s == "":
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        errors.append(f"{where}: bad date {s!r}")
        return None
    try:
        return datetime.date.fromisoformat(s)
    except ValueError:
        errors.append(f"{where}: impossible date {s!r}")
        return None


def split_aliases(text, where, errors, allow_markers=True):
    out = []
    for raw in text.split(";"):
        a = raw.strip()
        if not a:
            errors.append(f"{where}: empty alias")
            continue
        marker = ""
        if a[0] in "^=":
            marker, a = a[0], a[1:].strip()
            if not allow_markers:
                errors.append(f"{where}: case marker in veto phrase {raw.strip()!r}")
        if not a:
            errors.append(f"{where}: empty alias after marker")
            continue
        if any(ch in a for ch in "^=#"):
            errors.append(f"{where}: stray marker or '#' in {a!r}")
        if marker and not a[0].isupper():
            errors.append(f"{where}: marked alias must start with a capital: {raw.strip()!r}")
        if marker == "=" and not any(ch.isupper() for ch in a[1:] + a[0]):
            errors.append(f"{where}: acronym without capitals {a!r}")
        if "<Name>" in a and allow_markers:
            errors.append(f"{where}: <Name> is only allowed in veto phrases: {a!r}")
        out.append((marker, a))
    return out


def main(path):
    errors, warnings = [], []
    lines = open(path, encoding="utf-8").read().split("\n")
    actors = {}          # code -> dict
    titles = set()
    order = []
    cur = None
    seen_version = False
    for ln, raw in enumerate(lines, 1):
        where = f"{path}:{ln}"
        line = raw
        if "#" in line:
            idx = line.index("#")
            if idx > 0 and not line[idx - 1].isspace():
                errors.append(f"{where}: '#' inside a word")
            line = line[:idx]
        line = line.strip()
        if not line:
            continue
        if not seen_version:
            if not re.fullmatch(r"@version \S+", line):
                errors.append(f"{where}: first line must be '@version V'")
            seen_version = True
            continue
        if line.startswith("@version"):
            errors.append(f"{where}: second @version line")
            continue
        kind, _, rest = line.partition(" ")
        rest = rest.strip()
        if kind == "title":
            # Title words (allowed anywhere; the engine reads them as single lower-cased words).
            for mk, a in split_aliases(rest, where, errors, allow_markers=False):
                if any(not w[0].isalnum() for w in tokenize(a)):
                    errors.append(f"{where}: title {a!r} has a punctuation token")
                titles.update(w.casefold() for w in tokenize(a))
            continue
        if kind in ("country", "organization"):
            m = re.fullmatch(r"(\S+)\s+(.+)", rest)
            if not m:
                errors.append(f"{where}: {kind} line needs CODE NAME")
                continue
            code, disp = m.groups()
            pattern = r"[A-Z]{3}" if kind == "country" else r"[A-Z][A-Z0-9]{1,7}"
            if not re.fullmatch(pattern, code):
                errors.append(f"{where}: bad code {code!r}")
            if code in actors:
                errors.append(f"{where}: duplicate code {code}")
            cur = {"code": code, "display": disp, "aliases": [], "persons": [], "vetoes": [],
                   "kinds": defaultdict(int), "line": ln, "organization": kind == "organization"}
            actors[code] = cur
            order.append(code)
            continue
        if kind not in KINDS:
            errors.append(f"{where}: unknown line kind {kind!r}")
            continue
        if cur is None:
            errors.append(f"{where}: {kind} line before any country line")
            continue
        if not rest:
            errors.append(f"{where}: empty {kind} line")
            continue
        cur["kinds"][kind] += 1
        if kind == "person":
            m = re.fullmatch(r"(\S*)\.\.(\S*)\s+(\S+)\s+(.+)", rest)
            if not m:
                errors.append(f"{where}: person line must be 'person FROM..TO ROLE aliases'")
                continue
            f, t, role, al = m.groups()
            d1 = parse_date(f, where, errors)
            d2 = parse_date(t, where, errors)
            if d1 and d2 and d1 > d2:
                errors.append(f"{where}: FROM after TO")
            if role not in ROLES:
                errors.append(f"{where}: bad role {role!r}")
            als = split_aliases(al, where, errors)
            cur["persons"].append({"from": d1, "to": d2, "role": role, "aliases": als, "line": ln})
        elif kind == "veto":
            for mk, a in split_aliases(rest, where, errors, allow_markers=False):
                cur["vetoes"].append((a, ln))
        else:
            for mk, a in split_aliases(rest, where, errors):
                cur["aliases"].append((kind, mk, a, ln))

    if not seen_version:
        errors.append(f"{path}: no @version line")

    # Duplicate non-person aliases across (and within) actors; veto phrases likewise.
    owner = {}
    for code in order:
        for kind, mk, a, ln in actors[code]["aliases"]:
            k = key(a)
            if not k:
                errors.append(f"{path}:{ln}: alias {a!r} has no tokens")
                continue
            if k in owner:
                oc, oln = owner[k]
                errors.append(f"{path}:{ln}: alias {a!r} ({code}) already listed at line {oln} ({oc})")
            else:
                owner[k] = (code, ln)
    vowner = {}
    for code in order:
        for a, ln in actors[code]["vetoes"]:
            k = key(a)
            if k in vowner:
                errors.append(f"{path}:{ln}: veto {a!r} already listed at line {vowner[k][1]} ({vowner[k][0]})")
            else:
                vowner[k] = (code, ln)
            if k in owner:
                errors.append(f"{path}:{ln}: veto {a!r} equals alias of {owner[k][0]} (line {owner[k][1]})")
    # Veto must cover an alias (any kind, incl. persons) of its own actor.
    for code in order:
        act = actors[code]
        own = {key(a) for _, _, a, _ in act["aliases"]}
        for p in act["persons"]:
            own |= {key(a) for _, a in p["aliases"]}
        for a, ln in act["vetoes"]:
            k = key(a)
            if len(k) < 2:
                errors.append(f"{path}:{ln}: veto {a!r} must have at least two tokens")
            ok = any(len(o) <= len(k) and any(k[i:i + len(o)] == o for i in range(len(k) - len(o) + 1))
                     for o in own)
            if not ok:
                errors.append(f"{path}:{ln}: veto {a!r} covers no alias of {code}")
    # Person aliases.
    pindex = defaultdict(list)
    for code in order:
        for p in actors[code]["persons"]:
            seen = set()
            for mk, a in p["aliases"]:
                k = key(a)
                if k in seen:
                    errors.append(f"{path}:{p['line']}: alias {a!r} twice on one person line")
                seen.add(k)
                pindex[k].append((code, p))
                if k in owner:
                    warnings.append(f"{path}:{p['line']}: person alias {a!r} is also a non-person alias of {owner[k][0]}")
                if k in vowner:
                    errors.append(f"{path}:{p['line']}: person alias {a!r} equals a veto of {vowner[k][0]}")
    lo, hi = datetime.date.min, datetime.date.max
    for k, lst in pindex.items():
        for i in range(len(lst)):
            for j in range(i + 1, len(lst)):
                (c1, p1), (c2, p2) = lst[i], lst[j]
                if c1 == c2:
                    continue
                a1, b1 = p1["from"] or lo, p1["to"] or hi
                a2, b2 = p2["from"] or lo, p2["to"] or hi
                if a1 <= b2 and a2 <= b1:
                    warnings.append(f"person alias {' '.join(k)!r}: {c1} (line {p1['line']}) and {c2} "
                                    f"(line {p2['line']}) overlap in time: resolves to neither then")
    # A word that is both a title and an alias's only word would never be <Name>, which is fine,
    # but a person's surname listed as a title would stop name learning: report it.
    for k, (code, ln) in owner.items():
        if len(k) == 1 and k[0] in titles:
            warnings.append(f"{path}:{ln}: alias {k[0]!r} ({code}) is also a title word")
    for code in sorted(REQUIRED_PERSONS):
        if code not in actors:
            errors.append(f"required country {code} missing")
        elif not actors[code]["persons"]:
            errors.append(f"required country {code} has no person lines")
    for code in order:
        if not any(kind == "name" for kind, _, _, _ in actors[code]["aliases"]):
            errors.append(f"{path}:{actors[code]['line']}: {code} has no name line")

    n_alias = sum(len(actors[c]["aliases"]) for c in order)
    n_veto = sum(len(actors[c]["vetoes"]) for c in order)
    n_plines = sum(len(actors[c]["persons"]) for c in order)
    n_palias = sum(len(p["aliases"]) for c in order for p in actors[c]["persons"])
    n_people = len({(c, frozenset(key(a) for _, a in p["aliases"])) for c in order for p in actors[c]["persons"]})
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("ERROR:", e)
    n_org = sum(1 for c in order if actors[c]["organization"])
    print(f"actors {len(order) - n_org}; organizations {n_org}; title words {len(titles)}; non-person aliases {n_alias}; veto phrases {n_veto}; "
          f"person lines {n_plines} (person aliases {n_palias}); "
          f"countries with persons {sum(1 for c in order if actors[c]['persons'])}")
    countries = [c for c in order if not actors[c]["organization"]]
    organizations = [c for c in order if actors[c]["organization"]]
    if countries != sorted(countries) or organizations != sorted(organizations):
        print("note: blocks are not sorted by code")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/gazetteer.txt"))
