#!/usr/bin/env python3
"""Regenerates src/graph/__fixtures__/ppr-igraph.json: small graphs with their Personalized PageRank
computed by python-igraph's PRPACK (the implementation upstream HippoRAG calls), for the PPR tests.

Run with Debian's python: apt-get install -y python3-igraph
    /usr/bin/python3 scripts/make-ppr-fixtures.py
"""
import json, os, random
import igraph as ig

random.seed(7)
cases = []

def case(name, n, edges, reset, damping=0.5):
    g = ig.Graph(n=n, edges=[(a, b) for a, b, _ in edges], directed=False)
    g.es["weight"] = [w for _, _, w in edges]
    scores = g.personalized_pagerank(vertices=range(n), damping=damping, directed=False, weights="weight", reset=reset, implementation="prpack")
    cases.append({"name": name, "nodeCount": n, "edges": edges, "reset": reset, "damping": damping, "scores": scores})

case("path", 4, [[0, 1, 1.0], [1, 2, 2.0], [2, 3, 0.5]], [1, 0, 0, 0])
case("parallel edges are summed", 3, [[0, 1, 1.0], [1, 0, 1.0], [1, 2, 0.5]], [0, 0, 1])
case("dangling nodes return mass via reset", 5, [[0, 1, 1.0], [1, 2, 1.0]], [0.2, 0, 0, 0.5, 0.3])
case("unnormalised reset", 4, [[0, 1, 2.0], [1, 2, 1.0], [2, 3, 1.0], [3, 0, 1.0]], [5, 0, 3, 0])
case("self-loops count twice, zero weights ignored", 4, [[0, 1, 1.0], [1, 1, 1.0], [1, 2, 0.5], [2, 3, 0.0], [3, 3, 2.0]], [1, 0, 0, 0.5])
case("damping 0.85", 4, [[0, 1, 1.0], [1, 2, 1.0], [2, 3, 1.0]], [1, 0, 0, 1], 0.85)
# HippoRAG-shaped: 30 entities + 10 passages, fact edges (2 x count), passage edges (1.0), synonyms (2 x cos)
n_e, n_p = 30, 10
edges = []
for _ in range(45):
    a, b = random.sample(range(n_e), 2); edges.append([a, b, 2.0 * random.randint(1, 3)])
for p in range(n_p):
    for e in random.sample(range(n_e), 4): edges.append([n_e + p, e, 1.0])
for _ in range(15):
    a, b = random.sample(range(n_e), 2); edges.append([a, b, 2 * round(random.uniform(0.8, 1.0), 4)])
reset = [0.0] * (n_e + n_p)
for e in random.sample(range(n_e), 5): reset[e] = round(random.uniform(0.01, 0.5), 4)
for p in range(n_p): reset[n_e + p] = round(0.05 * random.random(), 4)
case("hipporag-shaped", n_e + n_p + 2, edges, reset + [0.0, 0.0])
# a larger random graph
n = 400
edges = [[random.randrange(n), random.randrange(n), round(random.uniform(0.1, 3), 3)] for _ in range(1500)]
edges += [[7, 7, 1.5], [11, 11, 0.25]]  # self-loops, as igraph accepts them
reset = [round(random.random(), 3) if random.random() < 0.05 else 0.0 for _ in range(n)]
reset[0] = 1.0
case("random 400 nodes", n, edges, reset)

out = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "graph", "__fixtures__", "ppr-igraph.json")
json.dump({"igraph": ig.__version__, "cases": cases}, open(out, "w"))
print("wrote", out, "igraph", ig.__version__)
