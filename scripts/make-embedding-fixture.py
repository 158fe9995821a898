#!/usr/bin/env python3
"""Regenerates src/embedding/__fixtures__/tiny-bert/ : a tiny BERT-shaped ONNX feature-extraction model
(built by ../shared/tools/make_tiny_model.py) plus reference embeddings computed here with numpy alone
(our own WordPiece tokenisation, mean and CLS pooling, L2-normalised), independent of transformers.js.

Run with Debian's python: apt-get install -y python3-onnx python3-numpy
    /usr/bin/python3 scripts/make-embedding-fixture.py
Tests and CI only read the committed output; they need no Python.
"""
import json, os, re, subprocess, sys
import numpy as np
import onnx
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "embedding", "__fixtures__", "tiny-bert")
TOOL = os.path.join(ROOT, "..", "shared", "tools", "make_tiny_model.py")
subprocess.run([sys.executable, TOOL, OUT, "16"], check=True)

model = onnx.load(os.path.join(OUT, "onnx", "model.onnx"))
weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
vocab = json.load(open(os.path.join(OUT, "tokenizer.json")))["model"]["vocab"]

def wordpiece(text):
    ids = [vocab["[CLS]"]]
    for word in re.findall(r"\w+|[^\w\s]", text.lower()):
        start = 0
        while start < len(word):
            end, piece = len(word), None
            while end > start:
                candidate = word[start:end] if start == 0 else "##" + word[start:end]
                if candidate in vocab:
                    piece = candidate
                    break
                end -= 1
            if piece is None:
                ids.append(vocab["[UNK]"])
                break
            ids.append(vocab[piece])
            start = end
    return ids + [vocab["[SEP]"]]

sentences = ["the dogs searched the graph!", "a red cat sat on the mat", "hello world", "fast vector search"]
mean, cls = [], []
for s in sentences:
    ids = wordpiece(s)
    h = (weights["word_embeddings"][ids] + weights["token_type_embeddings"][0]) @ weights["proj"]
    m = h.mean(axis=0); c = h[0]
    mean.append((m / np.linalg.norm(m)).tolist()); cls.append((c / np.linalg.norm(c)).tolist())
json.dump({"sentences": sentences, "mean": mean, "cls": cls}, open(os.path.join(OUT, "reference.json"), "w"), indent=1)
print("wrote", OUT)
