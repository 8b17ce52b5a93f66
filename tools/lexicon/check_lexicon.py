#!/usr/bin/python3
"""Checks data/lexicon.txt against the grammar of docs/data-formats.md.

Usage:
  tools/lexicon/check_lexicon.py [LEXICON] [--cases CASES.tsv] [--quiet]

Reports every violation as FILE:LINE: reason (the loader's error form) and exits 1 if there is
one; prints the number of entries per section and of signals per class. With --cases, also checks
the table of regression cases (expected_sign TAB CODE1 TAB CODE2 TAB sentence).

This is a lint of the data file, not a second implementation of the engine: it knows the line
forms, the slot syntax and the weight rules, nothing about matching or scoring.
"""

import argparse
import collections
import os
import re
import sys

SECTIONS = ("signals", "negators", "intensifiers", "hedges", "contrast", "dyad_markers",
            "speaker_cues", "clause_openers")
WARM = ("VCOOP", "MCOOP")
COLD = ("VCONF", "MCONF")
CLASSES = WARM + COLD + ("NEUTRAL",)

# One token as the tokenizer makes it: a word (letters, digits, inner apostrophes), a dotted
# abbreviation (U.S.), a contraction tail (n't), or a single punctuation character.
WORD_RE = re.compile(r"^[^\W_]+(?:'[^\W_]+)*$")
ABBREV_RE = re.compile(r"^(?:[^\W\d_]\.)+$|^(?:Mr|Mrs|Ms|Dr|St)\.$", re.IGNORECASE)
CONTRACTION_RE = re.compile(r"^n't$")
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
GAP_RE = re.compile(r"^~(\d+)$")
MAX_SLOTS = 16  # as service/engine/lexicon.cc


class Report:
    def __init__(self, path):
        self.path = path
        self.errors = []
        self.warnings = []

    def error(self, line, reason):
        self.errors.append(f"{self.path}:{line}: {reason}")

    def warn(self, line, reason):
        self.warnings.append(f"{self.path}:{line}: warning: {reason}")


def strip_comment(raw, line_no, report):
    """Returns the line without its comment; a '#' glued to a word is an error."""
    pos = raw.find("#")
    if pos < 0:
        return raw.strip()
    if pos > 0 and not raw[pos - 1].isspace():
        report.error(line_no, "'#' inside a word (a comment needs white space before it)")
    return raw[:pos].strip()


def check_word(word, line_no, report, in_alternatives):
    """A literal slot word, with an optional trailing '+'."""
    inflect = word.endswith("+")
    base = word[:-1] if inflect else word
    if not base:
        report.error(line_no, f"empty word in slot '{word}'")
        return
    if "+" in base:
        report.error(line_no, f"'+' is only allowed at the end of a word: '{word}'")
        return
    if WORD_RE.match(base) or CONTRACTION_RE.match(base):
        if inflect and not base.isalpha():
            report.error(line_no, f"'+' needs a plain word: '{word}'")
        return
    if ABBREV_RE.match(base):
        if inflect:
            report.error(line_no, f"'+' on an abbreviation: '{word}'")
        return
    if len(base) == 1 and not base.isalnum():
        if inflect:
            report.error(line_no, f"'+' on a punctuation token: '{word}'")
        elif in_alternatives:
            report.error(line_no, f"punctuation token '{base}' inside alternatives")
        return
    report.error(line_no, f"'{word}' is not a single token (hyphens and other punctuation "
                          "are tokens of their own: write them as separate slots)")


def check_slot(slot, line_no, report):
    """A word, alternatives, or an optional slot. Returns False for a malformed slot."""
    if slot.startswith("?"):
        slot = slot[1:]
        if not slot or slot.startswith("?") or GAP_RE.match(slot):
            report.error(line_no, f"bad optional slot '?{slot}'")
            return False
    alternatives = slot.split("|")
    if len(alternatives) > 1:
        seen = set()
        for alt in alternatives:
            if alt.lower() in seen:
                report.warn(line_no, f"alternative '{alt}' repeated in slot '{slot}'")
            seen.add(alt.lower())
    before = len(report.errors)
    for alt in alternatives:
        check_word(alt, line_no, report, in_alternatives=len(alternatives) > 1)
    return len(report.errors) == before


def warn_multiword_alternatives(slots, line_no, report):
    """Alternatives are single tokens: `visa - free|visa free` is the four slots `visa`, `-`,
    `free|visa`, `free`. A plain slot that reappears among a neighbour's alternatives is the
    usual sign of that mistake."""
    words = [s.lstrip("?").lower() for s in slots]
    for i, slot in enumerate(words):
        if "|" not in slot:
            continue
        alternatives = {a.rstrip("+") for a in slot.split("|")}
        for j in (i - 2, i - 1, i + 1, i + 2):
            if 0 <= j < len(words) and "|" not in words[j] and words[j].rstrip("+") in alternatives:
                report.warn(line_no, f"'{words[j]}' is both slot {j + 1} and an alternative of "
                                     f"slot {i + 1}: a multi-word alternative? "
                                     f"('{' '.join(slots)}')")
                return


def check_pattern(text, line_no, report, allow_gaps=True):
    """Checks a slot sequence. Returns a normalised key for duplicate detection, or None."""
    slots = text.split()
    if not slots:
        report.error(line_no, "empty pattern")
        return None
    if len(slots) > MAX_SLOTS:
        report.error(line_no, f"pattern has more than {MAX_SLOTS} slots: '{text}'")
        return None
    ok = True
    literal = 0
    for i, slot in enumerate(slots):
        gap = GAP_RE.match(slot)
        if slot.startswith("~"):
            if not allow_gaps:
                report.error(line_no, f"gap '{slot}' is not allowed in this section")
                ok = False
                continue
            if not gap or not 1 <= int(gap.group(1)) <= 8:
                report.error(line_no, f"bad gap '{slot}' (write ~N with N from 1 to 8)")
                ok = False
                continue
            if i == 0 or i == len(slots) - 1:
                report.error(line_no, f"a gap may not start or end a pattern: '{text}'")
                ok = False
            elif GAP_RE.match(slots[i - 1]):
                report.error(line_no, f"two gaps in a row: '{text}'")
                ok = False
            continue
        if slot.startswith("?") and i == 0:
            report.error(line_no, f"the first slot may not be optional: '{text}'")
            ok = False
        if not check_slot(slot, line_no, report):
            ok = False
        if not slot.startswith("?"):
            literal += 1
    if ok and literal == 0:
        report.error(line_no, f"pattern has no required slot: '{text}'")
        ok = False
    if ok:
        warn_multiword_alternatives(slots, line_no, report)
    return " ".join(s.lower() for s in slots) if ok else None


def check_number(text, line_no, report, what):
    if not NUMBER_RE.match(text):
        report.error(line_no, f"bad {what} '{text}'")
        return None
    return float(text)


def check_signal(body, line_no, report, counts, seen):
    parts = body.split(None, 2)
    if len(parts) < 3:
        report.error(line_no, "a signal needs WEIGHT CLASS PATTERN")
        return
    weight = check_number(parts[0], line_no, report, "weight")
    cls = parts[1]
    if cls not in CLASSES:
        report.error(line_no, f"unknown class '{cls}' (one of {', '.join(CLASSES)})")
        return
    if weight is not None:
        if not -10 <= weight <= 10:
            report.error(line_no, f"weight {weight} outside [-10, 10]")
        if cls == "NEUTRAL" and weight != 0:
            report.error(line_no, "a NEUTRAL signal must have weight 0")
        if cls in WARM and weight < 0:
            report.error(line_no, f"class {cls} with a negative weight")
        if cls in COLD and weight > 0:
            report.error(line_no, f"class {cls} with a positive weight")
        if cls != "NEUTRAL" and weight == 0:
            report.warn(line_no, f"class {cls} with weight 0: use NEUTRAL")
    key = check_pattern(parts[2], line_no, report)
    if key is None:
        return
    if key in seen:
        report.warn(line_no, f"pattern also on line {seen[key]}: '{parts[2]}'")
    else:
        seen[key] = line_no
    counts[cls] += 1


def check_phrases(body, line_no, report, allow_non_negator=False):
    n = 0
    for phrase in body.split(";"):
        phrase = phrase.strip()
        if not phrase:
            report.error(line_no, "empty phrase between ';'")
            continue
        if phrase.startswith("!"):
            if not allow_non_negator:
                report.error(line_no, f"'!' (non-negator) only in [negators]: '{phrase}'")
                continue
            phrase = phrase[1:].strip()
        if check_pattern(phrase, line_no, report, allow_gaps=False) is not None:
            n += 1
    return n


def check_factor_line(body, line_no, report):
    parts = body.split(None, 1)
    if len(parts) < 2:
        report.error(line_no, "a line here needs FACTOR phrase; phrase")
        return 0
    factor = check_number(parts[0], line_no, report, "factor")
    if factor is not None and not 0 < factor <= 4:
        report.error(line_no, f"factor {factor} outside (0, 4]")
    return check_phrases(parts[1], line_no, report)


def check_contrast(body, line_no, report):
    parts = body.split()
    if len(parts) != 5 or parts[1] not in ("before", "clause") or parts[3] != "after":
        report.error(line_no, "contrast needs 'WORD before F after G' or 'WORD clause F after G'")
        return 0
    check_word(parts[0], line_no, report, in_alternatives=False)
    for text in (parts[2], parts[4]):
        value = check_number(text, line_no, report, "factor")
        if value is not None and not 0 < value <= 4:
            report.error(line_no, f"factor {value} outside (0, 4]")
    return 1


def check_lexicon(path):
    report = Report(path)
    counts = collections.Counter()
    section_counts = collections.Counter()
    seen = {}
    section = None
    sections_seen = set()
    version_seen = False
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line_no, raw in enumerate(lines, 1):
        body = strip_comment(raw, line_no, report)
        if not body:
            continue
        if not version_seen:
            if not body.startswith("@version ") or not body[len("@version "):].strip():
                report.error(line_no, "the file must start with '@version V'")
            version_seen = True
            continue
        if body.startswith("@"):
            report.error(line_no, f"unexpected directive '{body}'")
            continue
        if body.startswith("["):
            name = body[1:-1] if body.endswith("]") else None
            if name not in SECTIONS:
                report.error(line_no, f"unknown section '{body}'")
                section = None
            else:
                if name in sections_seen:
                    report.error(line_no, f"section [{name}] appears twice")
                sections_seen.add(name)
                section = name
            continue
        if section is None:
            report.error(line_no, "entry outside a section")
        elif section == "signals":
            check_signal(body, line_no, report, counts, seen)
            section_counts[section] += 1
        elif section == "negators":
            section_counts[section] += check_phrases(body, line_no, report, True)
        elif section in ("intensifiers", "hedges"):
            section_counts[section] += check_factor_line(body, line_no, report)
        elif section == "contrast":
            section_counts[section] += check_contrast(body, line_no, report)
        else:
            section_counts[section] += check_phrases(body, line_no, report)
    if not version_seen:
        report.error(1, "empty file: it must start with '@version V'")
    for name in SECTIONS:
        if name not in sections_seen:
            report.warn(len(lines), f"section [{name}] is missing")
    return report, counts, section_counts


def check_cases(path):
    report = Report(path)
    signs = collections.Counter()
    seen = set()
    with open(path, encoding="utf-8") as f:
        for line_no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                report.error(line_no, f"expected 4 tab-separated fields, found {len(fields)}")
                continue
            sign, a, b, sentence = fields
            if sign not in ("+", "-", "0"):
                report.error(line_no, f"expected sign '+', '-' or '0', found '{sign}'")
            for code in (a, b):
                if not re.match(r"^[A-Z]{3}$", code):
                    report.error(line_no, f"bad country code '{code}'")
            if a == b:
                report.error(line_no, "the two codes are the same")
            if not sentence.strip():
                report.error(line_no, "empty sentence")
            key = (a, b, sentence)
            if key in seen:
                report.warn(line_no, "duplicate case")
            seen.add(key)
            signs[sign] += 1
    return report, signs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lexicon", nargs="?", default=os.path.join(root, "data", "lexicon.txt"))
    parser.add_argument("--cases", help="also check a regression-case table (TSV)")
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    args = parser.parse_args()

    report, counts, section_counts = check_lexicon(args.lexicon)
    failed = bool(report.errors)
    for message in report.errors + ([] if args.quiet else report.warnings):
        print(message)
    if not args.quiet:
        print(f"{args.lexicon}: {sum(counts.values())} signals: " +
              ", ".join(f"{c} {counts[c]}" for c in CLASSES))
        print("  entries per section: " +
              ", ".join(f"{s} {section_counts[s]}" for s in SECTIONS))
    if args.cases:
        case_report, signs = check_cases(args.cases)
        failed = failed or bool(case_report.errors)
        for message in case_report.errors + ([] if args.quiet else case_report.warnings):
            print(message)
        if not args.quiet:
            print(f"{args.cases}: {sum(signs.values())} cases: " +
                  ", ".join(f"'{s}' {signs[s]}" for s in ("+", "-", "0")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
