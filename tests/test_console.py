import io
import logging

import pytest

from bot.console import PROMPT, run_console
from bot.core.models import (
    Answer,
    Argument,
    Article,
    Chunk,
    Citation,
    CounterResult,
    Debate,
    DebateSide,
    Fact,
    FactResult,
    Quote,
)
from bot.settings import Settings

BODY = "Amazon investit dans Anthropic. " * 20
ARTICLE = Article(
    id="anthropic-automatiser-economie",
    title="Anthropic veut automatiser de larges pans de l'économie",
    body=BODY,
    source="knowledge/articles/anthropic-automatiser-economie.md",
    outlet="Le Média",
    published="2024-11-22",
    tags=("automatisation", "emploi"),
)
OTHER = Article(id="google-anthropic-2-milliards", title="Google mise 2 milliards", body="Google investit.", source="knowledge/articles/google.md")
CHUNKS = [Chunk(id=f"c{i}", article_id=ARTICLE.id, index=i, start=i * 32, end=i * 32 + 32, text=f"passage numéro {i + 1}") for i in range(12)]

QUOTE = Quote(article_id=ARTICLE.id, text="automatiser de larges pans de l'économie", start=10, end=50)
DEBATE = Debate(
    id="automatisation",
    question="L'IA va-t-elle automatiser de larges pans de l'économie ?",
    question_en="Will AI automate large parts of the economy?",
    sides=(
        DebateSide(
            id="pour",
            label="Oui, massivement",
            label_en="Yes, massively",
            summary="Les entreprises d'IA le disent.",
            summary_en="AI companies say so.",
            arguments=(Argument(id="a1", text="Anthropic vise l'automatisation.", text_en="Anthropic aims at automation.", quotes=(QUOTE,)),),
        ),
        DebateSide(
            id="contre",
            label="Non, c'est exagéré",
            label_en="No, it is overstated",
            arguments=(Argument(id="a2", text="Les critiques doutent.", quotes=(Quote(article_id="missing-article", text="les sommes sont-elles justifiées"),)),),
        ),
    ),
)
BAD_DEBATE = Debate(
    id="labels-trop-longs",
    question="Une question ?",
    question_en="A question?",
    sides=(
        DebateSide(id="a", label="x" * 60, label_en="x", arguments=()),
        DebateSide(id="b", label="Non", label_en="No", arguments=()),
    ),
)
CITATION = Citation(id=1, article_id=ARTICLE.id, title=ARTICLE.title, source=ARTICLE.source, quote="Amazon investit dans Anthropic.", start=0, end=31)


class FakeService:
    def __init__(self):
        self.calls: list[tuple] = []
        self.fail_next = False
        self.no_fact = False

    def ask(self, question, *, lang=None, history=()):
        self.calls.append(("ask", question, lang))
        if self.fail_next:
            raise RuntimeError("secret internal detail")
        return Answer(question=question, kind="debate", lang=lang or "fr", answer_markdown=f"RÉPONSE[{lang}] {question}",
                      sides=[], citations=[CITATION], grounded=True, mode="extractive")

    def counter(self, claim, *, lang=None):
        self.calls.append(("counter", claim, lang))
        return CounterResult(claim=claim, lang=lang or "fr", debate=DEBATE, matched_side=DEBATE.sides[0], others=[],
                             citations=[CITATION], answer_markdown=f"CONTRE[{lang}] {claim}")

    def fact(self, topic=None, *, lang=None):
        self.calls.append(("fact", topic, lang))
        if self.no_fact:
            return None
        fact = Fact(id="f1", text="Amazon investit 4 milliards.", text_en="Amazon invests 4 billion.", quote=QUOTE)
        return FactResult(fact=fact, lang=lang or "fr", text=fact.text_en if lang == "en" else fact.text, citation=CITATION)

    def debates(self):
        return [DEBATE, BAD_DEBATE]

    def debate(self, debate_id):
        return {d.id: d for d in self.debates()}.get(debate_id)

    def suggest_debates(self, text, limit=25):
        self.calls.append(("suggest", text))
        words = text.lower().split()
        return [d for d in self.debates() if any(w in d.question.lower() for w in words)][:limit]

    def articles(self):
        return [ARTICLE, OTHER]

    def article(self, article_id):
        return {a.id: a for a in self.articles()}.get(article_id)

    def article_chunks(self, article_id):
        return CHUNKS if article_id == ARTICLE.id else []


class TTYStringIO(io.StringIO):
    def isatty(self):
        return True


def run(text: str, *, service=None, settings=None, stdin_cls=io.StringIO) -> tuple[str, FakeService, int]:
    service = service or FakeService()
    out = io.StringIO()
    code = run_console(service, settings or Settings(), stdin=stdin_cls(text), stdout=out)
    return out.getvalue(), service, code


def test_plain_text_and_ask_use_the_service_in_french():
    out, svc, code = run("L'IA va-t-elle\u200b remplacer les emplois ?\n/ask Et Google ?\n")
    assert code == 0
    assert svc.calls == [("ask", "L'IA va-t-elle remplacer les emplois ?", "fr"), ("ask", "Et Google ?", "fr")]
    assert "RÉPONSE[fr] L'IA va-t-elle remplacer les emplois ?" in out
    assert "RÉPONSE[fr] Et Google ?" in out
    assert PROMPT not in out  # not a TTY


def test_blank_lines_are_ignored_and_eof_ends():
    out, svc, code = run("\n   \n\u200b\n")
    assert (out, svc.calls, code) == ("", [], 0)


def test_prompt_and_banner_only_on_a_tty():
    out, _, code = run("/quit\n", stdin_cls=TTYStringIO)
    assert out.startswith("Contrepoint, console locale")
    assert PROMPT in out and "Au revoir." in out and code == 0


def test_quit_stops_reading():
    out, svc, _ = run("/quit\n/ask jamais lu\n")
    assert out == "Au revoir.\n" and svc.calls == []


def test_ask_without_question_and_too_long_input():
    out, svc, _ = run("/ask\n/ask " + "x" * 1200 + "\n/ask encore\n")
    assert "Erreur : écrivez une question après /ask" in out
    assert "Erreur : Texte trop long (1200 caractères, 1000 au plus)" in out  # the same text as on Discord
    assert svc.calls == [("ask", "encore", "fr")]


def test_unknown_command_suggests_a_close_one():
    out, _, _ = run("/debats\n/zzz\n")
    assert "commande inconnue /debats. Vouliez-vous dire /debate ?" in out
    assert "commande inconnue /zzz. Tapez /help" in out


def test_unexpected_error_is_short_logged_and_the_loop_goes_on(caplog):
    svc = FakeService()
    svc.fail_next = True
    with caplog.at_level(logging.DEBUG, logger="bot.console"):
        out, _, _ = run("/ask boum\n/help\n", service=svc)
    assert "la commande /ask a échoué (RuntimeError)" in out
    assert "secret internal detail" not in out and "Traceback" not in out
    assert "/counter <affirmation>" in out  # /help ran after the failure
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "/ask failed: RuntimeError" in errors[0].getMessage() and not errors[0].exc_info
    assert any(r.exc_info and r.levelno == logging.DEBUG for r in caplog.records)


def test_debate_list_and_detail_with_quotes_and_sources():
    out, _, _ = run("/debate\n/debate automatisation\n")
    assert "Débats disponibles (2) :" in out
    assert "1. [automatisation] L'IA va-t-elle automatiser de larges pans de l'économie ?" in out
    assert "2. [labels-trop-longs] Une question ?" in out
    assert "## L'IA va-t-elle automatiser de larges pans de l'économie ?" in out
    assert "### Oui, massivement" in out and "Les entreprises d'IA le disent." in out
    assert "- Anthropic vise l'automatisation." in out
    assert "> « automatiser de larges pans de l'économie »" in out
    assert f"— {ARTICLE.title} ({ARTICLE.source})" in out
    assert "— missing-article" in out  # unknown article: its id is shown
    assert "/poll debate automatisation" in out


def test_debate_by_topic_number_and_no_match():
    out, svc, _ = run("/debate automatiser économie\n/debate 2\n/debate blockchain\n")
    assert ("suggest", "automatiser économie") in svc.calls
    titles = [line for line in out.splitlines() if line.startswith("## ")]
    assert titles == ["## L'IA va-t-elle automatiser de larges pans de l'économie ?", "## Une question ?"]
    assert "aucun débat ne correspond à « blockchain »" in out


def test_counter_and_fact():
    out, svc, _ = run("/counter L'IA créera plus d'emplois\n/counter\n/fact\n/fact puces\n")
    assert "CONTRE[fr] L'IA créera plus d'emplois" in out
    assert "écrivez l'affirmation à contrer après /counter" in out
    assert ("fact", None, "fr") in svc.calls and ("fact", "puces", "fr") in svc.calls
    assert "Amazon investit 4 milliards.\n> « Amazon investit dans Anthropic. »\n— " + ARTICLE.title in out


def test_fact_unavailable():
    svc = FakeService()
    svc.no_fact = True
    out, _, _ = run("/fact\n", service=svc)
    assert "Aucun fait disponible" in out


def test_sources_and_source_paging():
    out, _, _ = run("/sources\n/source anthropic-automatiser-economie\n/more\n/more\n/more\n")
    assert "Sources (2) :" in out
    assert f"1. [{ARTICLE.id}] {ARTICLE.title} (Le Média · 2024-11-22)" in out
    assert f"2. [{OTHER.id}] {OTHER.title}\n" in out
    assert "Média : Le Média" in out and "Publié : 2024-11-22" in out and f"Fichier : {ARTICLE.source}" in out
    assert "Mots-clés : automatisation, emploi" in out
    for i in range(1, 13):
        assert f"[{i}] ({(i - 1) * 32}-{(i - 1) * 32 + 32}) passage numéro {i}\n" in out
    assert "(5/12 passages affichés, /more pour la suite)" in out
    assert "(10/12 passages affichés, /more pour la suite)" in out
    assert "(12 passages, fin)" in out
    assert "Rien de plus à afficher" in out
    # pages come in order
    assert out.index("passage numéro 5\n") < out.index("(5/12") < out.index("passage numéro 6\n")


def test_source_errors():
    out, _, _ = run("/source\n/source anthropic-automatiser\n/source " + OTHER.id + "\n/more\n")
    assert "indiquez l'id d'un article" in out
    assert "article inconnu « anthropic-automatiser ». Vouliez-vous dire anthropic-automatiser-economie ?" in out
    assert "aucun passage indexé" in out
    assert "Rien de plus à afficher" in out


def test_poll_create_preview():
    out, svc, _ = run("/poll create L'IA va-t-elle tout changer ? | Oui; Non ; Ça dépend | 48 | multiple\n")
    assert "Aperçu du sondage" in out
    assert "📊 L'IA va-t-elle tout changer ?\n  1. Oui\n  2. Non\n  3. Ça dépend\n" in out
    assert "Durée : 48 h (2 jours)" in out and "Choix multiple" in out
    assert svc.calls == []


def test_poll_create_default_duration_and_single_choice():
    out, _, _ = run("/poll create Question ? | a; b\n")
    assert "Durée : 24 h" in out and "Choix unique" in out


@pytest.mark.parametrize(
    "line, expected",
    [
        ("/poll create Q ? | seule réponse | 24", "Sondage impossible : Il faut au moins 2 réponses (reçu : 1)"),
        ("/poll create Q ? | a; b | 1000", "Sondage impossible : Durée de 1000 h hors limites"),
        ("/poll create Q ? | a; A | 5", "Sondage impossible : Réponse en double : « A »"),
        ("/poll create Q ? | a; b | deux", "Sondage impossible : Durée invalide : « deux »"),
        ("/poll create " + "q" * 301 + " | a; b | 5", "La question fait 301 caractères ; la limite de Discord est de 300"),
        ("/poll create Q ? | a; b | 5 | peut-être", "option inconnue « peut-être »"),
        ("/poll create Q ?", "usage : /poll create"),
        ("/poll", "usage : /poll create"),
        ("/poll vote x", "usage : /poll create"),
    ],
)
def test_poll_errors_are_clear_and_the_loop_goes_on(line, expected):
    out, svc, _ = run(line + "\n/ask suite\n")
    assert expected in out
    assert svc.calls[-1] == ("ask", "suite", "fr")


def test_poll_debate_preview_and_errors():
    out, _, _ = run("/poll debate automatisation 72\n/poll debate automatisation\n/poll debate labels-trop-longs\n/poll debate inconnu 5\n/poll debate automatisation 0\n")
    assert "📊 L'IA va-t-elle automatiser de larges pans de l'économie ?\n  1. Oui, massivement\n  2. Non, c'est exagéré\n" in out
    assert "Durée : 72 h (3 jours)" in out and "Durée : 24 h\n" in out
    assert "Débat : automatisation" in out
    assert "Le débat « labels-trop-longs » ne peut pas devenir un sondage" in out and "60 caractères" in out
    assert "aucun débat ne correspond à « inconnu »" in out
    assert "Durée de 0 h hors limites" in out


def test_lang_switch_to_english():
    out, svc, _ = run("/lang en\n/ask Will AI take jobs?\n/debate automatisation\n/poll debate automatisation 24\n/poll create Q? | yes; YES | 2\n/fact\n/nope\n/lang\n/lang de\n")
    assert "Language: English." in out
    assert ("ask", "Will AI take jobs?", "en") in svc.calls and ("fact", None, "en") in svc.calls
    assert "## Will AI automate large parts of the economy?" in out
    assert "### Yes, massively" in out and "AI companies say so." in out and "- Anthropic aims at automation." in out
    assert "- Les critiques doutent." in out  # no English text: French fallback
    assert "📊 Will AI automate large parts of the economy?\n  1. Yes, massively\n  2. No, it is overstated\n" in out
    assert "Cannot create the poll: Duplicate answer" in out
    assert "Amazon invests 4 billion." in out
    assert "Error: unknown command /nope." in out
    assert "Current language: English." in out
    assert "Error: unknown language \"de\"" in out


def test_settings_language_en_is_the_default():
    out, svc, _ = run("/help\n/ask x\n", settings=Settings(language="en"))
    assert "Commands (same as on Discord):" in out
    assert svc.calls == [("ask", "x", "en")]


def test_help_lists_every_command():
    out, _, _ = run("/help\n")
    for cmd in ("/ask", "/debate", "/counter", "/fact", "/sources", "/source <id>", "/more", "/poll create", "/poll debate", "/lang", "/help", "/quit"):
        assert cmd in out


# -- against the real facade (runs once the answering pipeline is in place) -----------------------

def test_console_with_the_real_service(tmp_path):
    import shutil
    from pathlib import Path

    pytest.importorskip("bot.core.answering.pipeline")
    from bot.core.service import Contrepoint
    from bot.settings import load_settings

    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "knowledge", tmp_path / "knowledge")
    base = load_settings(root=tmp_path, env={})
    settings = base.model_copy(update={
        "store": base.store.model_copy(update={"data_dir": tmp_path / "data"}),
        "embeddings": base.embeddings.model_copy(update={"backend": "hashing"}),
    })
    service = Contrepoint(settings, root=tmp_path)
    service.ensure_ready()
    debate = service.debates()[0]
    question = "Les milliards investis dans Anthropic sont-ils justifiés ?"
    expected = service.ask(question, lang="fr").answer_markdown

    out, _, code = run(
        f"/debate\n/debate {debate.id}\n/sources\n/source anthropic-automatiser-economie\n"
        f"/poll debate {debate.id} 24\n{question}\n/quit\n",
        service=service,
        settings=settings,
    )
    assert code == 0 and "Erreur" not in out
    assert f"1. [{debate.id}] {debate.question}" in out
    assert f"### {debate.sides[0].label}" in out
    assert service.article("anthropic-automatiser-economie").title in out
    assert "(5/" in out  # passages are paged
    assert "\n".join(f"  {i}. {s.label}" for i, s in enumerate(debate.sides, 1)) in out
    assert expected.splitlines()[0] in out
