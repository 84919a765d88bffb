"""`knowledge draft-debates`, measured leave-one-article-out on the real debate maps.

Each article in turn is treated as new: its quotes (and the arguments resting only on them) are taken out
of the maps, then the drafter is asked where it fits. Measured: the debate fit of the debates that really
quote it against the others (threshold FIT_MIN), whether each real quote's sentence is put on its real
side, and how many real quotes / other sentences pass QUOTE_MIN.

    python bench/draft_bench.py [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import ROOT  # noqa: E402

from bot.core.answering.sentences import article_sentences  # noqa: E402
from bot.core.knowledge import drafting  # noqa: E402
from bot.core.knowledge.coverage import UNCOVERED_MAX  # noqa: E402
from bot.core.knowledge.side_similarity import SideSpace, open_folder  # noqa: E402
from bot.core.retrieval.embeddings import E5Embedder, PersistentCache  # noqa: E402


def auc(pos: list[float], neg: list[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in pos for n in neg]
    return sum(pairs) / len(pairs) if pairs else float("nan")


OFF_TOPIC = {
    "cuisine": "La tarte Tatin se prépare avec des pommes caramélisées au beurre et au sucre. On la cuit à l'envers, "
               "la pâte posée sur les fruits, puis on la retourne à la sortie du four. Servie tiède, elle s'accompagne "
               "volontiers de crème fraîche. Les sœurs Tatin auraient inventé la recette par accident à Lamotte-Beuvron.",
    "football": "L'équipe a remporté le match trois buts à un après une seconde mi-temps dominée de bout en bout. "
                "L'entraîneur a salué l'état d'esprit de ses joueurs et la performance du gardien. Le club reste en tête "
                "du championnat avant la trêve hivernale et recevra son dauphin samedi prochain.",
}


def _real_quotes(folder, art_id):
    for d in folder.debates:
        for side in d.sides:
            for a in side.arguments:
                for q in a.quotes:
                    if q.article_id == art_id:
                        yield d, side, q


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / f"contrepoint-test-vectors-{os.getuid()}"))
    args = ap.parse_args()
    vectors = PersistentCache(E5Embedder(), Path(args.cache))
    folder = open_folder(ROOT / "knowledge", ROOT)
    pos, neg, top_right, top_total, seconds = [], [], 0, 0, []
    side = {"best cosine (max)": [0, 0], "leaning (mean, centred)": [0, 0]}
    found_in_draft, real_total, proposed_quotes, close_enough, close_uncovered = 0, 0, 0, 0, 0
    real_best, off_best = [], []
    for art in folder.articles:
        real = list(_real_quotes(folder, art.id))
        if not real:
            continue
        quoting = {d.id for d, _, _ in real}
        t0 = time.perf_counter()
        space = SideSpace.build(vectors, folder.debates, without_article=art.id)
        sentences = article_sentences(art)
        vecs = vectors.embed_documents([s.text for s in sentences])
        scores, leaning = space.scores(vecs), space.leaning(vecs)
        fit = drafting.fits(scores, space, folder.debates)
        # the drafter as run by `knowledge draft-debates`, on a copy of the maps without this article
        stripped = [_without(d, art.id) for d in folder.debates]
        draft = drafting.draft_article(art, SideSpace.build(vectors, stripped), stripped, vectors)
        seconds.append(time.perf_counter() - t0)
        for d in folder.debates:
            (pos if d.id in quoting else neg).append(fit[d.id])
        ranked = sorted(folder.debates, key=lambda d: -fit[d.id])[:drafting.MAX_DEBATES]
        top_right += sum(d.id in quoting for d in ranked)
        top_total += len(ranked)
        proposed = {(f.debate.id, sid, c.sentence.start) for f in draft.proposed for sid, cs in f.sides.items() for c in cs}
        proposed_quotes += len(proposed)
        for d, s, q in real:
            cols = space.columns_of(d.id)
            overlaps = [(min(q.end, x.end) - max(q.start, x.start), i) for i, x in enumerate(sentences)]
            best_overlap, i = max(overlaps, default=(0, -1))
            if best_overlap <= 0:
                continue
            for name, m in (("best cosine (max)", scores), ("leaning (mean, centred)", leaning)):
                side[name][0] += space.sides[cols[int(np.argmax(m[i, cols]))]][1].id == s.id
                side[name][1] += 1
            real_total += 1
            close_enough += float(scores[i, cols].max()) >= drafting.QUOTE_MIN
            close_uncovered += float(scores[i].max()) >= UNCOVERED_MAX
            real_best.append(float(scores[i].max()))
            found_in_draft += (d.id, s.id, sentences[i].start) in proposed
    off, off_low, off_total = {}, 0, 0
    full = SideSpace.build(vectors, folder.debates)
    for name, text in OFF_TOPIC.items():
        from bot.core.models import Article

        a = Article(id=name, title=name, body=text, source=name)
        d = drafting.draft_article(a, full, folder.debates, vectors)
        off[name] = (d.fits[0].fit, len(d.proposed))
        off_low += sum(x < UNCOVERED_MAX for x in d.best_sentence_score)
        off_total += len(d.best_sentence_score)
        off_best += list(d.best_sentence_score)
    vectors.save()
    t = drafting.FIT_MIN
    print("| measure | value |\n|---|---|")
    print(f"| debate fit, debates that quote the held-out article (n={len(pos)}) | min {min(pos):.3f}, median {np.median(pos):.3f}, max {max(pos):.3f} |")
    print(f"| debate fit, the other debates (n={len(neg)}) | min {min(neg):.3f}, median {np.median(neg):.3f}, max {max(neg):.3f} |")
    print("| debate fit, off-topic articles | " + ", ".join(f"{k} {v[0]:.3f} ({v[1]} proposed)" for k, v in off.items()) + " |")
    print(f"| fit AUC (quoting vs other debates) | {auc(pos, neg):.3f} |")
    print(f"| at FIT_MIN={t}: quoting debates above / other debates above | {sum(p >= t for p in pos)}/{len(pos)} / {sum(n >= t for n in neg)}/{len(neg)} |")
    print(f"| top {drafting.MAX_DEBATES} debates by fit that really quote the article | {top_right}/{top_total} |")
    for name, (right, total) in side.items():
        print(f"| real quote's sentence on its real side, {name} | {right}/{total} = {right / max(1, total):.3f} |")
    print(f"| real quotes' sentences at or above QUOTE_MIN={drafting.QUOTE_MIN} | {close_enough}/{real_total} |")
    print(f"| coverage: held-out real quotes' sentences flagged uncovered (< UNCOVERED_MAX={UNCOVERED_MAX}) | "
          f"{real_total - close_uncovered}/{real_total} |")
    print(f"| coverage: off-topic sentences flagged uncovered | {off_low}/{off_total} |")
    sweep = ", ".join(f"{t:.2f}: {sum(x < t for x in real_best)}/{len(real_best)} vs {sum(x < t for x in off_best)}/{len(off_best)}"
                      for t in (0.86, 0.87, 0.88, 0.89, 0.90))
    print(f"| coverage threshold sweep, flagged real quotes vs flagged off-topic sentences | {sweep} |")
    print(f"| real quotes among the draft's candidates (right debate and side, {drafting.PER_SIDE} per side) | {found_in_draft}/{real_total} "
          f"(of {proposed_quotes} candidates proposed) |")
    print(f"| time per article (side vectors + sentences + scores, warm cache) | {np.mean(seconds) * 1000:.0f} ms |")


def _without(debate, art_id):
    """`debate` minus the quotes of `art_id` (arguments left without quotes dropped, sides kept)."""
    from dataclasses import replace

    sides = []
    for s in debate.sides:
        args = []
        for a in s.arguments:
            quotes = tuple(q for q in a.quotes if q.article_id != art_id)
            if quotes:
                args.append(replace(a, quotes=quotes))
        sides.append(replace(s, arguments=tuple(args)))
    return replace(debate, sides=tuple(sides))


if __name__ == "__main__":
    main()
