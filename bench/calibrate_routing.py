"""Fit routing on the DEV split only (tests/eval/answers.yaml + tests/eval/heldout/dev.yaml):

1. write bot/core/answering/question_kinds.yaml, the labelled examples of the debate/factual classifier;
2. grid-search the routing thresholds that maximise dev accuracy (kind, abstention, premise), and print
   them as a `routing:` block for bot/settings.py / config.example.yaml;
3. with those thresholds, fit the sentence scorer's rank prior (`scoring.passage_prior`) on the same
   accuracy, and print it as a `scoring:` block;
4. fit `routing.debate_map_probability`, the map selector's threshold, on the dev debate questions
   (right map presented, or none when the question has no map).

The test split is never read here.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

import yaml
from _common import ROOT, settings_for

from bot.core.answering import premise
from bot.core.answering.pipeline import engine_for
from bot.core.answering.question_kind import EXAMPLES
from bot.core.answering.sentences import sentences_of
from bot.core.evaluation import load_cases
from bot.core.service import Contrepoint

GRID = {
    "debate_probability": (0.35, 0.45, 0.5, 0.55, 0.65),
    "debate_match": (0.94, 0.96, 0.97, 0.99),
    "min_evidence": (0.74, 0.76, 0.78, 0.8),
    "sentence_cover_min": (0.72, 0.74, 0.76, 0.78, 0.8, 0.82),
    "premise_min": (0.84, 0.86, 0.88, 0.9),
}
PRIORS = (0.0, 0.005, 0.01, 0.015, 0.02, 0.03)  # scoring.passage_prior candidates


def write_examples(cases) -> None:
    examples = [{"question": c.question, "kind": "debate" if c.kind == "debate" else "factual"}
                for c in cases if c.kind in ("debate", "factual", "no_answer", "false_premise")]
    header = "# Written by bench/calibrate_routing.py from the DEV split; edit the dev data, not this file.\n"
    EXAMPLES.write_text(header + yaml.safe_dump({"examples": examples}, allow_unicode=True, sort_keys=False, width=200),
                        encoding="utf-8")


def write_ref_examples(cases) -> None:
    from bot.core.retrieval.article_ref import EXAMPLES as REF_EXAMPLES

    examples = [{"question": c.question, "refers": bool(c.article_ref) or c.kind == "article_missing"} for c in cases]
    header = "# Written by bench/calibrate_routing.py from the DEV split; edit the dev data, not this file.\n"
    REF_EXAMPLES.write_text(header + yaml.safe_dump({"examples": examples}, allow_unicode=True, sort_keys=False, width=200),
                            encoding="utf-8")


def calibrate_refs(svc, cases) -> dict:
    """ref_probability (leave-one-out classifier probabilities) and ref_min, maximising dev accuracy of
    "which article, or missing, or none" over every dev case."""
    from bot.core.retrieval.article_ref import ArticleRefResolver, load_examples

    kb, examples = svc.kb, load_examples()
    rows = []
    for c in cases:
        others = [e for e in examples if e[0] != c.question]
        res = ArticleRefResolver(kb.articles, kb.vectors, others, kb.settings.retrieval, kb.retriever.mentions)
        rows.append((c, res, kb.embedder.embed_query(c.question)))
    best = None
    for p_min in (0.3, 0.4, 0.5, 0.6, 0.7):
        for ref_min in (0.78, 0.8, 0.82, 0.84, 0.86):
            t = kb.settings.retrieval.model_copy(update={"ref_probability": p_min, "ref_min": ref_min})
            ok = 0
            for c, res, v in rows:
                res.s = t
                ref = res.resolve(c.question, v, c.lang)
                want = "missing" if c.kind == "article_missing" else c.article_ref
                got = None if ref is None else ("missing" if ref.missing else ref.article_id)
                ok += got == want
            if best is None or ok > best[0]:
                best = (ok, {"ref_probability": p_min, "ref_min": ref_min})
    print(f"article references: dev accuracy {best[0]}/{len(rows)} (refs: {sum(1 for c in cases if c.article_ref or c.kind == 'article_missing')})")
    return best[1]


def calibrate_map(svc, eng, cases) -> float:
    """The selector is fitted on the maps' phrasings; only its threshold is fitted here. Ties keep the lowest."""
    rows = []
    for c in cases:
        if c.kind == "debate":
            p = eng.maps.probabilities(svc.kb.embedder.embed_query(c.question), svc.kb.retriever.search(c.question, 6))
            if p is not None:
                rows.append((c.debate, eng.debate_index.debates[int(p.argmax())].id, float(p.max())))
    best = None
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        ok = sum((p >= t and top == gold) or (p < t and not gold) for gold, top, p in rows)
        wrong = sum(p >= t and top != gold for gold, top, p in rows)
        print(f"  debate_map_probability {t}: {ok}/{len(rows)} right, {wrong} wrong maps presented")
        if best is None or ok > best[0]:
            best = (ok, t)
    return best[1] if best else 0.5


def signals(svc, eng, case) -> dict:
    passages, ev = svc.kb.retriever.search_with_evidence(case.question, 6)
    qv = svc.kb.embedder.embed_query(case.question)
    _, match = eng.debate_index.match(case.question, qv)
    sents = sentences_of(passages, amount_questions=True)
    raw = [float(x) for x in eng.scorer.vectors(sents) @ qv] if sents else []
    scorer = eng.scorer
    sims_by_prior = {}
    for prior in {*PRIORS, scorer.prior}:
        scorer_prior, scorer.prior = scorer.prior, prior
        sims_by_prior[prior] = scorer.with_prior(raw, sents)
        scorer.prior = scorer_prior
    return {"p": eng.kinds.debate_probability(qv), "match": match, "dense": ev["dense_max"], "names": ev["names"],
            "texts": [s.text for s in sents], "sims": sims_by_prior[scorer.prior], "sims_by_prior": sims_by_prior,
            "is_name": svc.kb.retriever.is_name,
            "contexts": [{p.rank: p.text for p in passages}.get(s.passage_rank, s.text) for s in sents]}


def outcome(sig, case, t) -> bool:
    if "passage_prior" in t:
        sig = {**sig, "sims": sig["sims_by_prior"][t["passage_prior"]]}
    is_debate = sig["p"] >= t["debate_probability"] or sig["match"] >= t["debate_match"]
    if case.kind == "answerable":  # retrieval set, kind not labelled: it just must not be refused
        if is_debate:
            return True
        return sig["dense"] >= t["min_evidence"] and premise.check(
            sig["texts"], sig["sims"], sig["names"], case.question, cover_min=t["sentence_cover_min"],
            premise_min=t["premise_min"], contexts=sig["contexts"], is_name=sig["is_name"]).status != "not_covered"
    if case.kind == "debate":
        return is_debate
    if is_debate:
        return False
    if sig["dense"] < t["min_evidence"]:
        return case.kind == "no_answer"
    v = premise.check(sig["texts"], sig["sims"], sig["names"], case.question,
                      cover_min=t["sentence_cover_min"], premise_min=t["premise_min"], contexts=sig["contexts"], is_name=sig["is_name"])
    return {"no_answer": "not_covered", "false_premise": "contradicted"}.get(case.kind, "answer") == v.status


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--show", action="store_true", help="print each dev case's signals")
    args = ap.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="cp-route-"))
    svc = Contrepoint(settings_for(data_dir), root=ROOT)
    svc.ensure_ready()
    all_cases = load_cases(ROOT, {a.id: a for a in svc.kb.articles}, "dev")
    write_ref_examples(all_cases)
    refs = calibrate_refs(svc, all_cases)
    # article_missing is decided by article-reference resolution, not by these routing thresholds
    cases = [c for c in all_cases if c.kind != "article_missing"]
    write_examples(cases)
    # the classifier is fitted on these same dev examples: score it by leave-one-out so the grid is honest
    eng = engine_for(svc)
    sigs = [signals(svc, eng, c) for c in cases]
    loo = _leave_one_out(svc, eng, cases)  # unlabelled cases are not examples: their probability is the model's
    for s, p in zip(sigs, loo):
        s["p"] = p
    best = None
    for values in itertools.product(*GRID.values()):
        t = dict(zip(GRID, values))
        score, per_kind = macro_accuracy(sigs, cases, t)
        if best is None or score > best[0]:
            best = (score, t, per_kind)
    print(f"dev macro accuracy {best[0]:.3f} per kind {best[2]}")
    prior = fit_prior(sigs, cases, best[1], eng.scorer.prior)
    map_probability = calibrate_map(svc, eng, cases)
    print("routing:")
    for k, v in best[1].items():
        print(f"  {k}: {v}")
    print(f"  debate_map_probability: {map_probability}")
    print("scoring:")
    print(f"  passage_prior: {prior}")
    print("retrieval:")
    for k, v in refs.items():
        print(f"  {k}: {v}")
    if args.show:
        for s, c in zip(sigs, cases):
            ok = outcome(s, c, best[1])
            print(f"{'ok ' if ok else 'BAD'} {c.id:8} {c.kind:13} p={s['p']:.2f} match={s['match']:.3f} dense={s['dense']:.3f} "
                  f"best_sent={max(s['sims'], default=0):.3f} names={s['names']} | {c.question[:70]}")


def macro_accuracy(sigs, cases, t) -> tuple[float, dict]:
    per_kind: dict[str, list[bool]] = {}
    for s, c in zip(sigs, cases):
        per_kind.setdefault(c.kind, []).append(outcome(s, c, t))
    return sum(sum(v) / len(v) for v in per_kind.values()) / len(per_kind), {k: f"{sum(v)}/{len(v)}" for k, v in per_kind.items()}


def fit_prior(sigs, cases, thresholds: dict, current: float) -> float:
    """The rank prior that maximises dev macro accuracy with the fitted thresholds; ties keep the current one."""
    scored = [(macro_accuracy(sigs, cases, {**thresholds, "passage_prior": p})[0], p == current, p) for p in sorted({*PRIORS, current})]
    for acc, _, p in scored:
        print(f"  passage_prior {p}: dev macro accuracy {acc:.3f}")
    return max(scored)[2]


def _leave_one_out(svc, eng, cases) -> list[float]:
    from bot.core.answering.question_kind import QuestionKindModel, load_examples

    examples = load_examples()
    out = []
    for c in cases:
        model = QuestionKindModel(svc.kb.vectors, svc.kb.debates, [e for e in examples if e[0] != c.question])
        out.append(model.debate_probability(svc.kb.embedder.embed_query(c.question)))
    return out


if __name__ == "__main__":
    main()
