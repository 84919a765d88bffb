"""`contrepoint knowledge check`: validate the whole knowledge folder without touching the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.curated import _rel, load_debates, load_facts
from bot.core.knowledge.problems import Problem


@dataclass
class CheckReport:
    articles: int = 0
    debates: int = 0
    facts: int = 0
    problems: list[Problem] = field(default_factory=list)  # errors: `knowledge check` exits 1
    warnings: list[Problem] = field(default_factory=list)  # worth a look, never blocking

    def summary(self) -> str:
        status = "OK" if not self.problems else f"{len(self.problems)} problem(s)"
        if self.warnings:
            status += f", {len(self.warnings)} warning(s)"
        return f"knowledge check: {self.articles} articles, {self.debates} debates, {self.facts} facts: {status}"


def check_knowledge(folder: Path, root: Path) -> CheckReport:
    report = CheckReport()
    if not folder.is_dir():
        report.problems.append(Problem(str(folder), "knowledge folder not found (run from the project root or set knowledge.dir)"))
        return report
    loaded = load_articles(folder, root)
    by_id = {a.id: a for a in loaded.articles}
    debates, dp = load_debates(folder / "debates.yaml", by_id, root)
    facts, fp = load_facts(folder / "facts.yaml", by_id, root)
    report.articles, report.debates, report.facts = len(loaded.articles), len(debates), len(facts)
    report.problems = loaded.problems + dp + fp
    _maintainer_checks(report, loaded.articles, debates, facts, _rel(folder / "debates.yaml", root))
    return report


def _maintainer_checks(report: CheckReport, articles, debates, facts, debates_path: str) -> None:
    from bot.core.knowledge.fact_lint import unsupported_facts
    from bot.core.knowledge.lint import poll_limit_problems, unused_articles

    report.problems += poll_limit_problems(debates, debates_path)
    report.problems += unsupported_facts(facts, {a.id: a for a in articles}, debates_path.replace("debates.yaml", "facts.yaml"))
    report.warnings += unused_articles(articles, debates, facts)

