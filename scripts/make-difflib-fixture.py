#!/usr/bin/env python3
"""Regenerates src/retrieval/__fixtures__/difflib.json: SequenceMatcher ratios (short strings and
strings over 200 characters, where autojunk applies), a get_close_matches tie, and str reprs, from
CPython itself, for the difflib port's tests.    python3 scripts/make-difflib-fixture.py"""
import difflib, json, os, random
random.seed(3)
cases = [("('a', 'b', 'c')", "['a', 'b', 'c']"), ("('barack obama', 'born in', 'hawaii')", "['Barack Obama', 'was born in', 'Hawaii']"), ("abcd", "bcde"), ("", ""), ("x", "")]
words = ["alpha", "beta", "gamma", "delta", "epsilon", "the", "of", "and"]
for _ in range(30):
    a = " ".join(random.choice(words) for _ in range(random.randint(1, 60)))
    b = " ".join(random.choice(words) for _ in range(random.randint(1, 60)))
    cases.append((a, b))
out = [{"a": a, "b": b, "ratio": difflib.SequenceMatcher(None, a, b).ratio()} for a, b in cases]
word, possibilities = "['x', 'y', 'z']", ["('x', 'y', 'q')", "('x', 'y', 'r')", "('a', 'b', 'c')"]
cm = {"word": word, "possibilities": possibilities, "best": difflib.get_close_matches(word, possibilities, n=1, cutoff=0.0)}
reprs = {t: repr(t) for t in ["it's", 'say "hi"', "both ' \""]}
path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "retrieval", "__fixtures__", "difflib.json")
json.dump({"ratios": out, "closeMatch": cm, "reprs": reprs}, open(path, "w"), indent=0)
print("wrote", path)
