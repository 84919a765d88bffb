"""Build a synthetic knowledge folder of N near-duplicate articles from the five real ones.

Deterministic (seeded) recombination: each synthetic article starts from one real article,
keeps/shuffles its paragraphs, swaps in sentences from the other four, and renames companies,
people, products, amounts and years from small lists. Every synthetic sentence differs from
every real sentence (an exact copy of a gold passage would make the eval unanswerable), but
the vocabulary is the real one, so the corpus is full of near-duplicates: hard distractors.

The five real articles (and debates.yaml / facts.yaml) are copied in unchanged, so the gold
passages of tests/eval/retrieval.yaml stay findable under their ids.

Layout written:  TARGET/articles/<real>.md, TARGET/articles/synthetic/synth-00000.md, ...
Article i depends only on (seed, i): a smaller --articles is a prefix of a larger one.

    python bench/synthetic_corpus.py /tmp/cp-synth --articles 5000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.knowledge.articles import load_articles  # noqa: E402
from bot.core.text import sentence_spans  # noqa: E402

MARKER = ".contrepoint-synthetic-corpus"

# Entity groups: every name found in the real articles -> pool of replacements of the same kind.
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lab": (("Anthropic", "Anthropique", "OpenAI"),
            ("Mistral AI", "Cohere", "Inflection", "Aleph Alpha", "xAI", "Hugging Face", "Stability AI", "Adept", "LightOn", "Anthropic", "OpenAI")),
    "bigtech": (("Amazon", "Google", "Microsoft", "Nvidia", "Meta", "Apple"),
                ("Oracle", "IBM", "Salesforce", "Samsung", "Alibaba", "Tencent", "SoftBank", "Intel", "Amazon", "Google", "Microsoft", "Nvidia", "Meta")),
    "cloud": (("AWS", "Amazon Web Services"), ("Azure", "Google Cloud", "Oracle Cloud", "IBM Cloud", "Alibaba Cloud", "AWS")),
    "investor": (("Alameda", "FTX"), ("Sequoia", "Tiger Global", "Andreessen Horowitz", "Lightspeed", "Spark Capital", "Menlo Ventures")),
    "product": (("ChatGPT", "Claude", "Bard", "Alexa"), ("Gemini", "Copilot", "Le Chat", "Grok", "Command R", "Pi", "Siri", "Claude", "ChatGPT")),
    "person": (("Dario Amodei", "Andy Jassy", "Jeff Bezos", "Sam Bankman-Fried", "Sam Altman"),
               ("Arthur Mensch", "Satya Nadella", "Sundar Pichai", "Marc Benioff", "Lisa Su", "Aidan Gomez", "Mustafa Suleyman", "Jensen Huang")),
}
KEEP_PROBABILITY = 0.25  # another entity keeps its real name in an article (realistic overlap)
# The subject of every real article is always renamed: synthetic articles are about *other* labs,
# so a question that names Anthropic stays answerable, while the rest of each sentence (amounts,
# partners, wording) makes the synthetic passages near-duplicates of the gold ones.
ALWAYS_RENAME = frozenset({"Anthropic", "Anthropique"})
_NUMBER = re.compile(r"(?<![\w])\d+(?:,\d+)?(?![\w])")
_YEAR = re.compile(r"^(19|20)\d\d$")


def _entity_pattern() -> re.Pattern:
    names = sorted({n for src, _ in GROUPS.values() for n in src}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


_ENTITY = _entity_pattern()


def _entity_map(rng: random.Random) -> dict[str, str]:
    out: dict[str, str] = {}
    for sources, pool in GROUPS.values():
        kept = {n for n in sources if n not in ALWAYS_RENAME and rng.random() < KEEP_PROBABILITY}
        free = [p for p in pool if p not in kept and p not in ALWAYS_RENAME]
        rng.shuffle(free)
        for name in sources:
            if name in kept:
                out[name] = name
            else:
                out[name] = next(p for p in free if p != name)
                free.remove(out[name])
    out["Anthropique"] = out["Anthropic"]  # the source's own typo follows Anthropic
    return out


def _number(rng: random.Random, text: str) -> str:
    if _YEAR.match(text):
        return str(rng.choice([y for y in range(2014, 2031) if str(y) != text]))
    whole, _, frac = text.partition(",")
    new_whole = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(len(whole) - 1))
    new_frac = "".join(str(rng.randint(0, 9)) for _ in range(len(frac))) if frac else ""
    out = new_whole + ("," + new_frac if frac else "")
    return out if out != text else _number(rng, text)


def _rewrite(sentence: str, emap: dict[str, str], rng: random.Random) -> str:
    s = _ENTITY.sub(lambda m: emap.get(m.group(1), m.group(1)), sentence)
    return _NUMBER.sub(lambda m: _number(rng, m.group(0)), s)


def _splice(a: str, b: str, rng: random.Random) -> str:
    """First part of `a` (up to a comma or mid-sentence) + second part of `b`."""
    def cut(s: str) -> int:
        commas = [m.end() for m in re.finditer(r",\s", s)]
        if commas:
            return rng.choice(commas)
        spaces = [m.start() for m in re.finditer(r"\s", s)] or [len(s) // 2]
        return spaces[len(spaces) // 2]
    left = a[:cut(a)].rstrip()
    right = b[cut(b):].lstrip()
    return f"{left} {right}".strip()


class Recombiner:
    def __init__(self, articles, seed: int):
        self.seed = seed
        self.articles = sorted(articles, key=lambda a: a.id)
        self.paragraphs = {}  # article id -> list of paragraphs, each a list of sentences
        for a in self.articles:
            paras = []
            for line in a.body.split("\n"):
                sents = [line[s:e] for s, e in sentence_spans(line)]
                if sents:
                    paras.append(sents)
            self.paragraphs[a.id] = paras
        self.pool = [s for a in self.articles for p in self.paragraphs[a.id] for s in p]
        self.real = {s.strip() for s in self.pool}

    def _fresh(self, sentence: str, emap: dict[str, str], rng: random.Random) -> str | None:
        """`sentence` rewritten so that it is not a verbatim real sentence (None: give up)."""
        s = _rewrite(sentence, emap, rng)
        for _ in range(4):
            if s.strip() not in self.real:
                return s
            s = _rewrite(_splice(s, rng.choice(self.pool), rng), emap, rng)
        return None

    def article(self, i: int) -> tuple[str, str]:
        """(title, body) of synthetic article `i`."""
        rng = random.Random(f"{self.seed}:{i}")
        base = rng.choice(self.articles)
        emap = _entity_map(rng)
        paras = [list(p) for p in self.paragraphs[base.id] if rng.random() < 0.8] or [list(self.paragraphs[base.id][0])]
        for _ in range(rng.randint(0, 3)):  # local reordering
            a = rng.randrange(len(paras))
            b = min(len(paras) - 1, a + rng.randint(1, 3))
            paras[a], paras[b] = paras[b], paras[a]
        for _ in range(rng.randint(0, 2)):  # a paragraph made of sentences of the other articles
            paras.insert(rng.randrange(len(paras) + 1), [rng.choice(self.pool) for _ in range(rng.randint(2, 4))])
        out_paras = []
        for para in paras:
            sents = []
            for s in para:
                r = rng.random()
                if r < 0.08 and len(para) > 1:
                    continue  # dropped
                if r < 0.30:
                    s = rng.choice(self.pool)  # swapped in from anywhere
                fresh = self._fresh(s, emap, rng)
                if fresh:
                    sents.append(fresh)
            if sents:
                out_paras.append(" ".join(sents))
        if not out_paras:
            out_paras = [self._fresh(self.pool[0], emap, rng) or f"Article de synthèse {i}."]
        title = _rewrite(base.title, emap, rng)
        return f"{title} (dossier {i:05d})", "\n".join(out_paras) + "\n"


def _front_matter(art_id: str, title: str, language: str) -> str:
    return f"---\nid: {art_id}\ntitle: {json.dumps(title, ensure_ascii=False)}\nlanguage: {language}\n---\n"


def build(target: Path, n: int, seed: int = 7, knowledge: Path | None = None) -> dict:
    """Write the corpus into `target` (replacing a corpus this script wrote there before)."""
    knowledge = Path(knowledge or ROOT / "knowledge")
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        if not (target / MARKER).exists():
            raise SystemExit(f"{target} is not empty and was not written by this script; pick another folder")
        shutil.rmtree(target)
    (target / "articles" / "synthetic").mkdir(parents=True)
    (target / MARKER).write_text(json.dumps({"articles": n, "seed": seed}), encoding="utf-8")
    for name in ("debates.yaml", "facts.yaml"):
        if (knowledge / name).exists():
            shutil.copy2(knowledge / name, target / name)
    real_files = sorted((knowledge / "articles").glob("*.md"))
    for f in real_files:
        shutil.copy2(f, target / "articles" / f.name)
    loaded = load_articles(knowledge / "articles", ROOT)
    if loaded.problems:
        raise SystemExit(f"the real articles have problems: {loaded.problems}")
    rec = Recombiner(loaded.articles, seed)
    total_chars = 0
    for i in range(n):
        title, body = rec.article(i)
        total_chars += len(body)
        (target / "articles" / "synthetic" / f"synth-{i:05d}.md").write_text(
            _front_matter(f"synth-{i:05d}", title, "fr") + body, encoding="utf-8")
    return {"target": str(target), "synthetic": n, "real": len(real_files), "seed": seed,
            "synthetic_chars": total_chars}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", type=Path, help="folder to write (TARGET/articles/..., debates.yaml, facts.yaml)")
    ap.add_argument("--articles", type=int, default=5000, help="number of synthetic articles (default 5000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(json.dumps(build(args.target, args.articles, args.seed)))


if __name__ == "__main__":
    main()
