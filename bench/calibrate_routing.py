"""Print the routing signals for tests/eval/answers.yaml and the accuracy of the configured thresholds."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml
from _common import ROOT, settings_for

from bot.core.answering.pipeline import engine_for
from bot.core.answering.router import evidence_score, has_debate_cue, route
from bot.core.service import Contrepoint


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="cp-route-"))
    svc = Contrepoint(settings_for(data_dir), root=ROOT)
    svc.ensure_ready()
    eng = engine_for(svc)
    cases = yaml.safe_load((ROOT / "tests/eval/answers.yaml").read_text(encoding="utf-8"))["questions"]
    ok = 0
    for c in cases:
        passages, ev = svc.kb.retriever.search_with_evidence(c["question"], 6)
        qv = svc.kb.embedder.embed_query(c["question"])
        d, score = eng.debate_index.match(c["question"], qv)
        r = route(c["question"], c["lang"], ev, (d, score), svc.settings.routing)
        good = r.kind == c["kind"] and (c["kind"] != "debate" or c.get("debate") is None or (r.debate and r.debate.id == c["debate"]))
        ok += good
        print(f"{'ok ' if good else 'BAD'} {c['id']:6} exp={c['kind']:9} got={r.kind:9} ev={evidence_score(ev):.2f} "
              f"dense={ev['dense_max']:.2f} cov={ev['coverage']:.2f} match={score:.2f}:{d.id if d else '-':28} cue={int(has_debate_cue(c['question']))} "
              f"names={ev['unknown_names']} | {c['question'][:60]}")
    print(f"routing accuracy: {ok}/{len(cases)}")


if __name__ == "__main__":
    main()
