"""`knowledge add`: how well near-identical texts are told apart from distinct articles, and what it costs.

Positives (must be refused): each real article re-extracted from an HTML page with boilerplate, with a
paragraph dropped and a line of boilerplate added, cut in half (a paywalled copy), with its apostrophes
and spaces changed. Negatives (must be accepted): every pair of distinct real articles (all five are about
Amazon and Anthropic, the hardest case), and synthetic rewrites of them (bench/synthetic_corpus.py: entity
swaps, new numbers, spliced sentences) for information.

    python bench/import_bench.py [--synthetic 200] [--e5]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import ROOT, mean, percentile  # noqa: E402

from bot.core.knowledge import extract  # noqa: E402
from bot.core.knowledge.articles import load_articles  # noqa: E402
from bot.core.knowledge.near_duplicates import NEAR_DUPLICATE_MIN, containment, shingles  # noqa: E402

BOILER = "Abonnez-vous à notre newsletter pour recevoir chaque matin l'essentiel de l'actualité économique et technologique."


def as_html(title: str, body: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (f"<html><head><title>{title}</title><meta property='og:site_name' content='Site'></head><body>"
            f"<nav><a href='/'>Accueil</a> <a href='/eco'>Économie</a></nav><div class='cookie-banner'>Nous utilisons des cookies.</div>"
            f"<article><h1>{title}</h1>{paras}</article><section class='comments'><p>Super article !</p></section>"
            f"<footer>© Site 2024 — Mentions légales</footer></body></html>").encode("utf-8")


def variants(title: str, body: str, rng: random.Random) -> dict[str, str]:
    paras = [p for p in body.split("\n") if p.strip()]
    dropped = list(paras)
    if len(dropped) > 2:
        dropped.pop(rng.randrange(len(dropped)))
    return {
        "re-extracted from HTML": extract.from_html(as_html(title, body)).text,
        "paragraph dropped + boilerplate": "\n".join(dropped + [BOILER]),
        "first half only": body[: len(body) // 2],
        "apostrophes and spaces changed": body.replace("'", "’").replace(" : ", "\u00a0: "),
    }


def jaccard(a, b) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=200, help="synthetic rewrites to score (0: none)")
    ap.add_argument("--e5", action="store_true", help="also score whole-article e5 cosine")
    args = ap.parse_args()
    rng = random.Random(7)
    arts = load_articles(ROOT / "knowledge" / "articles", ROOT).articles
    sh = {a.id: shingles(a.body) for a in arts}
    rows = []  # (kind, label, containment, jaccard, e5 text pair)
    for a in arts:
        for label, text in variants(a.title, a.body, rng).items():
            s = shingles(text)
            rows.append(("positive", label, containment(s, sh[a.id]), jaccard(s, sh[a.id]), (text, a.body)))
    for a, b in itertools.combinations(arts, 2):
        rows.append(("negative", "two distinct real articles", containment(sh[a.id], sh[b.id]), jaccard(sh[a.id], sh[b.id]), (a.body, b.body)))
    if args.synthetic:
        from synthetic_corpus import build

        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp) / "k", args.synthetic)
            synth = [x for x in load_articles(Path(tmp) / "k" / "articles" / "synthetic", ROOT).articles]
        for s_art in synth:
            s = shingles(s_art.body)
            best = max(arts, key=lambda a: containment(s, sh[a.id]))
            rows.append(("synthetic", "synthetic rewrite vs closest real", containment(s, sh[best.id]), jaccard(s, sh[best.id]), None))
    if args.e5:
        from bot.core.retrieval.embeddings import E5Embedder

        e5 = E5Embedder()
        for i, row in enumerate(rows):
            if row[4] is not None:
                va, vb = e5.embed_documents([row[4][0][:1500], row[4][1][:1500]])
                rows[i] = row[:4] + (float(va @ vb),)
    print(f"threshold: containment >= {NEAR_DUPLICATE_MIN}\n")
    print("| case | n | containment min | containment max | Jaccard min | Jaccard max | e5 cosine min | e5 cosine max | decided right |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (kind, label), group in itertools.groupby(sorted(rows, key=lambda r: (r[0], r[1])), key=lambda r: (r[0], r[1])):
        group = list(group)
        c = [r[2] for r in group]
        j = [r[3] for r in group]
        e = [r[4] for r in group if isinstance(r[4], float)]
        right = sum((r[2] >= NEAR_DUPLICATE_MIN) == (kind == "positive") for r in group)
        e_txt = f"{min(e):.3f} | {max(e):.3f}" if e else "- | -"
        print(f"| {kind}: {label} | {len(group)} | {min(c):.3f} | {max(c):.3f} | {min(j):.3f} | {max(j):.3f} | {e_txt} | {right}/{len(group)} |")
    # cost: shingling the existing corpus is what `add` does per call
    bodies = [a.body for a in arts] * 200  # 1,000 article bodies
    t0 = time.perf_counter()
    for b in bodies:
        shingles(b)
    per = (time.perf_counter() - t0) / len(bodies) * 1000
    times = []
    for a in arts:
        t = time.perf_counter()
        extract.from_html(as_html(a.title, a.body))
        times.append((time.perf_counter() - t) * 1000)
    print(f"\nshingling: {per:.2f} ms per article (so about {per * 5000 / 1000:.1f} s for 5,000 existing articles); "
          f"trafilatura extraction: mean {mean(times):.1f} ms, p95 {percentile(times, 95):.1f} ms per page")


if __name__ == "__main__":
    main()
