#!/usr/bin/env python3
"""Writes glob_cases.json: (pattern, value, expected) triples whose expected result is
Python's own fnmatch.fnmatchcase, the matcher Prefect uses for in-memory label filters.

tst_glob reads the JSON and checks ed::Glob against every triple. Re-run this script after
changing the case lists (the output is deterministic for a given Python version):

    python3 tests/data/gen_glob_cases.py
"""

import fnmatch
import json
import pathlib
import random
import sys

# Patterns chosen for fnmatch.translate's corner cases: set parsing, range chunking,
# empty-range removal, escaping, and characters outside ASCII and the BMP.
PATTERNS = [
    "", "*", "**", "?", "??", "a", "ab", "a*", "*a", "a*b", "*a*", "a**b", "*?*", "?*?",
    "a?c", "*b*a*", "a*a*a",
    # sets
    "[abc]", "[!abc]", "[^a]", "[^]", "[^^]", "[!!]", "[!^]", "[a^]", "[*]", "[?]", "[!*]",
    "[[]", "[[]]", "[a[]", "*[*", "[&&]", "[|~]", "[a&&b]", "[a||b]", "[~~]", "[%]", "[_]",
    # unmatched or empty brackets
    "[", "[a", "a[", "[!", "[!a", "]", "[]", "[!]", "[]]", "[]a]", "[!]]", "[!]a]", "[]]]",
    "[][]", "[!][]", "a[]b", "a[!]b",
    # ranges and hyphens
    "[a-c]", "[z-a]", "[!z-a]", "[a-a]", "[a-]", "[-a]", "[-]", "[--]", "[---]", "[----]",
    "[a--z]", "[!a-c-e]", "[a-c-e]", "[!-]", "[!-a]", "[!--]", "[a-b-c]", "[a-b--c]",
    "[b-a!]", "[b-a!c]", "[c-a-z]", "[a-c-b]", "[]-a]", "[]-]", "[!]-a]", "[!]-]", "[]-^]",
    "[^-a]", "[!^-a]", "[*-?]", "[?-*]", "[a-z0-9]", "[!a-z0-9]", "[0-9-]", "[-0-9]",
    "[!-0-9]", "[\\-a]", "[a-\\]", "[\\--a]", "[z-a-c]",
    # backslashes are not escapes in fnmatch
    "\\", "\\\\", "\\*", "a\\*b", "*\\", "\\?", "[\\]", "[\\\\]", "[!\\]", "[\\*]", "[\\]]",
    "[a\\]b]",
    # non-ASCII, non-BMP
    "é", "[é]", "[!é]", "[à-ü]", "[!à-ü]", "?é", "é*", "😀", "[😀]", "?😀", "[!😀]",
    "[a-😀]", "[😀-a]", "*😀*", "[é-😀]",
    # newlines: fnmatch's regex uses DOTALL, so * and ? cross them
    "\n", "*\n*", "[\n]", "?", "a?b", "a*b\n", "[!\n]",
    # characters special to SQL LIKE or to regex must be plain here
    "%", "_", "a%", "a_b", ".", "a.b", "(a)", "a|b", "^a$", "a+", "{a}", "!a", "!*",
]

VALUES = [
    "", "a", "b", "c", "d", "z", "A", "0", "5", "-", "!", "^", "]", "[", "\\", "*", "?", "&",
    "|", "~", "%", "_", ".", "ab", "abc", "aXb", "aab", "aaa", "ba", "a*b", "a\\*b", "a\\b",
    "é", "ü", "ß", "😀", "😁", "\n", "a\nb", "[]", "[a", "a[]b", "aa", "x", "a.b", "axb",
]

ALPHABET = "ab*?[]!-^\\é😀"
VALUE_ALPHABET = "ab]-!^\\é😀["


def random_cases(rng, count):
    cases = []
    for _ in range(count):
        pattern = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
        cases.append((pattern, "".join(rng.choice(VALUE_ALPHABET) for _ in range(rng.randint(0, 6)))))
        # A value built from the pattern, so that a fair share of the cases match.
        value = []
        for ch in pattern:
            if ch == "*":
                value.extend(rng.choice(VALUE_ALPHABET) for _ in range(rng.randint(0, 2)))
            elif ch == "?":
                value.append(rng.choice(VALUE_ALPHABET))
            elif ch in "[]!-^" and rng.random() < 0.5:
                value.append(rng.choice(VALUE_ALPHABET))
            else:
                value.append(ch)
        cases.append((pattern, "".join(value)))
        cases.append((pattern, pattern))
    return cases


def main():
    rng = random.Random(20260331)
    pairs = [(p, v) for p in PATTERNS for v in VALUES + [p]]
    pairs += random_cases(rng, 1000)
    seen = set()
    cases = []
    for pattern, value in pairs:
        if (pattern, value) in seen:
            continue
        seen.add((pattern, value))
        cases.append([pattern, value, fnmatch.fnmatchcase(value, pattern)])

    out = pathlib.Path(__file__).with_name("glob_cases.json")
    lines = ",\n".join(json.dumps(c) for c in cases)
    header = {
        "generator": "tests/data/gen_glob_cases.py",
        "python": "%d.%d.%d" % sys.version_info[:3],
        "count": len(cases),
        "matching": sum(1 for c in cases if c[2]),
    }
    out.write_text('{"meta": %s,\n"cases": [\n%s\n]}\n' % (json.dumps(header), lines),
                   encoding="ascii")
    print("%s: %d cases, %d matching" % (out, header["count"], header["matching"]))


if __name__ == "__main__":
    main()
