"""The review file of `knowledge draft-debates` (knowledge/review/debates-draft-<date>.yaml), and
`knowledge merge-draft`, which validates a reviewed draft and adds its arguments to debates.yaml.

The review file has the schema of debates.yaml (debates > sides > arguments > quotes) plus scores.
Merging inserts the new arguments as text at the end of each side's `arguments:` list, so the rest of
debates.yaml (comments, quoting, order) is left exactly as the maintainers wrote it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.knowledge.curated import EntryError, _check_id, load_debates, locate_quote
from bot.core.knowledge.drafting import FIT_MIN, ArticleDraft
from bot.core.models import Article, Debate

REVIEW_DIR = "review"
TODO = "TODO"
ARGUMENT_KEYS = ("id", "text", "text_en", "quotes")  # what merge-draft keeps of a drafted argument
_HEADER = """\
# Draft debate map, written by `contrepoint knowledge draft-debates` on {date}. Nothing here is live.
# Review it: delete the arguments that do not belong, move one to another side if needed, and replace
# each TODO `text` with one neutral sentence that sums up its quote (add `text_en` if you can). Quotes are
# verbatim sentences of the article: never edit them, pick another sentence instead.
# Then: contrepoint knowledge merge-draft {path}
# (`fit`, `score` and `margin` are for the review only: merge-draft ignores them.)
"""


def _arg_id(article_id: str, side_id: str, n: int) -> str:
    tail = f"-{side_id}-{n}"
    return (article_id[: 64 - len(tail)].strip("-") + tail)[:64]


def draft_document(drafts: list[ArticleDraft], date: str) -> dict:
    debates: dict[str, dict] = {}
    articles, unmatched = [], []
    for draft in drafts:
        art = draft.article
        articles.append({"article": art.id, "source": art.source,
                         "fits": {f.debate.id: f.fit for f in draft.fits[:5]}})
        if not draft.proposed:
            best = draft.fits[0] if draft.fits else None
            unmatched.append({"article": art.id, "best_debate": best.debate.id if best else None,
                              "fit": best.fit if best else 0.0, "fit_needed": FIT_MIN,
                              "topics": [s.text for s in draft.topics()]})
            continue
        for fit in draft.proposed:
            d = fit.debate
            entry = debates.setdefault(d.id, {"id": d.id, "question": d.question, "fit": {}, "sides": {}})
            entry["fit"][art.id] = fit.fit
            for side in d.sides:
                found = fit.sides.get(side.id) or []
                if not found:
                    continue
                s_entry = entry["sides"].setdefault(side.id, {"id": side.id, "label": side.label, "arguments": []})
                for c in found:
                    n = sum(1 for a in s_entry["arguments"] if a["quotes"][0]["article"] == art.id) + 1
                    s_entry["arguments"].append({
                        "id": _arg_id(art.id, side.id, n), "text": f"{TODO}: une phrase neutre qui résume la citation",
                        "score": c.score, "margin": c.margin,
                        "quotes": [{"article": art.id, "text": c.sentence.text}]})
    out_debates = [{**e, "sides": list(e["sides"].values())} for e in debates.values()]
    return {"generated": date, "articles": articles, "debates": out_debates, "unmatched": unmatched}


def write_draft(drafts: list[ArticleDraft], knowledge_dir: Path, date: str, out: Path | None = None) -> Path:
    path = out or knowledge_dir / REVIEW_DIR / f"debates-draft-{date}.yaml"
    n = 2
    while out is None and path.exists():
        path = knowledge_dir / REVIEW_DIR / f"debates-draft-{date}-{n}.yaml"
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    # no line folding: a quote must come back from the file exactly as the article has it
    body = yaml.safe_dump(draft_document(drafts, date), allow_unicode=True, sort_keys=False, width=10_000)
    shown = Path(os.path.relpath(path, knowledge_dir.parent)).as_posix()
    path.write_text(_HEADER.format(date=date, path=shown) + body, encoding="utf-8")
    return path


# -- merging a reviewed draft -------------------------------------------------------------------
@dataclass
class MergeReport:
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (debate, side, argument) ids
    problems: list[str] = field(default_factory=list)


def _value(node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def _last_line(node) -> int:
    """0-based line where a block node's content ends."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, yaml.MappingNode) else node.value[-1]
    return node.end_mark.line if node.end_mark.column > 0 else node.end_mark.line - 1


def _insertion_points(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(debate id, side id) -> (line after its last argument, column of the arguments' dashes)."""
    tree = yaml.compose(text)
    lines = text.splitlines()
    points = {}
    for d in getattr(_value(tree, "debates"), "value", []) or []:
        did = getattr(_value(d, "id"), "value", None)
        for s in getattr(_value(d, "sides"), "value", []) or []:
            args = _value(s, "arguments")
            if not isinstance(args, yaml.SequenceNode) or args.flow_style or not args.value:
                continue
            first = args.value[0]
            dash = lines[first.start_mark.line].rfind("-", 0, first.start_mark.column)
            points[(did, getattr(_value(s, "id"), "value", None))] = (_last_line(args) + 1, max(dash, 0))
    return points


def _reviewed_arguments(draft: dict, debates: dict[str, Debate], articles: dict[str, Article]) -> tuple[list, list[str]]:
    todo, problems = [], []
    for d in draft.get("debates") or []:
        debate = debates.get(d.get("id"))
        if debate is None:
            problems.append(f"debate {d.get('id')!r} is not in debates.yaml (a draft only adds to existing debates)")
            continue
        taken = {a.id for s in debate.sides for a in s.arguments}
        sides = {s.id for s in debate.sides}
        for s in d.get("sides") or []:
            if s.get("id") not in sides:
                problems.append(f"debate {debate.id!r}: no side {s.get('id')!r} (sides: {', '.join(sorted(sides))})")
                continue
            for a in s.get("arguments") or []:
                where = f"debate {debate.id!r} side {s['id']!r} argument {a.get('id')!r}"
                arg = {k: a[k] for k in ARGUMENT_KEYS if a.get(k) is not None}
                try:
                    _check_id(arg.get("id"), where, taken)  # new in this debate, well formed
                    if not str(arg.get("text", "")).strip() or str(arg["text"]).startswith(TODO):
                        raise EntryError(f"{where}: write its `text` (one neutral sentence) in place of the TODO")
                    if str(arg.get("text_en", "")).startswith(TODO):
                        arg.pop("text_en")
                    for q in arg.get("quotes") or [None]:
                        locate_quote(q, articles, where)
                except EntryError as exc:
                    problems.append(str(exc))
                    continue
                todo.append((debate.id, s["id"], arg))
    return todo, problems


def merge_draft(draft_path: Path, debates_path: Path, articles: dict[str, Article], root: Path, *, dry_run: bool = False) -> MergeReport:
    """Add the reviewed arguments of `draft_path` to `debates_path`; all or nothing."""
    report = MergeReport()
    try:
        draft = yaml.safe_load(draft_path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        report.problems.append(f"{draft_path}: cannot read the draft ({type(exc).__name__}: {exc})")
        return report
    debates, before = load_debates(debates_path, articles, root)
    todo, report.problems = _reviewed_arguments(draft if isinstance(draft, dict) else {}, {d.id: d for d in debates}, articles)
    if report.problems or not todo:
        if not todo and not report.problems:
            report.problems.append(f"{draft_path}: no argument to merge")
        return report
    text = debates_path.read_text(encoding="utf-8")
    points = _insertion_points(text)
    inserts: dict[int, list[str]] = {}
    for did, sid, arg in todo:
        if (did, sid) not in points:
            report.problems.append(f"debate {did!r} side {sid!r}: its `arguments:` is not a block list in debates.yaml; add the argument by hand")
            continue
        line, col = points[(did, sid)]
        block = yaml.safe_dump([arg], allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
        inserts.setdefault(line, []).extend(" " * col + row for row in block.splitlines())
        report.added.append((did, sid, arg["id"]))
    if report.problems:
        report.added = []
        return report
    lines = text.splitlines()
    for line in sorted(inserts, reverse=True):
        lines[line:line] = inserts[line]
    merged = "\n".join(lines) + "\n"
    tmp = debates_path.with_name(f".{debates_path.name}.merge")  # hidden: the watcher ignores it
    tmp.write_text(merged, encoding="utf-8")
    after_debates, after = load_debates(tmp, articles, root)
    if len(after) > len(before) or len(after_debates) != len(debates):
        tmp.unlink()
        report.problems = [f"the merged debates.yaml would not load cleanly: {p.reason}" for p in after[:3]] or ["a debate was lost"]
        report.added = []
        return report
    if dry_run:
        tmp.unlink()
    else:
        os.replace(tmp, debates_path)
    return report
