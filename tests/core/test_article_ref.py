"""References to an article: ordinals, outlets, metadata by meaning, missing articles; retrieval and
answers honour them. The classifier is fitted here on examples given by the test (not the dev file),
so the behaviour checked is the resolver's, whatever the shipped examples say."""

from __future__ import annotations

import pytest

from bot.core.models import Article
from bot.core.retrieval.article_ref import ArticleRefResolver, article_card, designates, load_examples, ordinal_in

EXAMPLES = [
    ("Dans l'article sur la valorisation, que dit-on d'OpenAI ?", True),
    ("in that piece about the antitrust worries, who complained?", True),
    ("le papier sur Google et les 2 milliards parle de quoi ?", True),
    ("dans le 2e article de la liste, pourquoi Amazon investit ?", True),
    ("the article on Amazon's chips: what did Anthropic use before?", True),
    ("ds l'article sur l'automatisation, c koi l'IA constitutionnelle", True),
    ("Combien Amazon a-t-il investi dans Anthropic ?", False),
    ("Who leads Anthropic?", False),
    ("Est-ce une bonne idée d'automatiser l'économie avec l'IA ?", False),
    ("Pourquoi Google mise sur Anthropic ?", False),
    ("Quelle est la valorisation d'Anthropic ?", False),
    ("Is Anthropic's plan realistic?", False),
    ("cb openai a leve", False),
    ("What did the regulators say about these partnerships?", False),
]


@pytest.mark.parametrize("text,expected", [
    ("le 3e article de /sources", 3), ("le troisième article", 3), ("the third one", 3), ("the 2nd piece", 2),
    ("article #4", 4), ("le 1er article", 1), ("Google a investi 2 milliards", None), ("en 2023, Amazon", None),
])
def test_ordinals_spelled_out_or_in_digits(text, expected):
    assert ordinal_in(text, "en" if text.startswith("the") else "fr") == expected


@pytest.fixture(scope="module")
def resolver(shared_kb):
    return ArticleRefResolver(shared_kb.articles, shared_kb.vectors, EXAMPLES, shared_kb.settings.retrieval,
                              shared_kb.retriever.mentions)


def _resolve(kb, resolver, question):
    return resolver.resolve(question, kb.embedder.embed_query(question))


def test_plain_questions_refer_to_no_article(shared_kb, resolver):
    for q in ("Combien Google a-t-il investi dans Anthropic ?", "Qui a fondé Anthropic ?", "Should AI run the economy?"):
        assert _resolve(shared_kb, resolver, q) is None, q


def test_sources_number_outlet_and_subject(shared_kb, resolver):
    ids = [a.id for a in shared_kb.articles]
    ref = _resolve(shared_kb, resolver, "dans le 3e article de /sources, que dit-on d'Amazon ?")
    assert (ref.article_id, ref.number, ref.how) == (ids[2], 3, "number")
    outlet_article = next(a for a in shared_kb.articles if a.outlet)
    ref = _resolve(shared_kb, resolver, f"the {outlet_article.outlet} one, what does it say about Microsoft?")
    assert (ref.article_id, ref.how) == (outlet_article.id, "outlet")
    ref = _resolve(shared_kb, resolver, "Dans l'article sur les puces d'Amazon, pourquoi Anthropic utilisait Nvidia ?")
    assert ref.article_id == "amazon-anthropic-puces" and ref.how == "meaning"


def test_missing_articles(shared_kb, resolver):
    assert _resolve(shared_kb, resolver, "dans le 9e article de la liste, que dit-on ?").missing
    assert _resolve(shared_kb, resolver, "Dans l'article du Monde sur Mistral, que dit-on des salaires ?").missing


def test_search_puts_the_referenced_article_first(shared_kb):
    q = "dans l'article sur les 2 milliards de Google, pourquoi parler de guerre par procuration ?"
    retr = shared_kb.retriever
    passages = retr.search(q, k=5, article_id="google-anthropic-2-milliards")
    assert {p.article_id for p in passages} == {"google-anthropic-2-milliards"}
    assert all(p.text == shared_kb.article(p.article_id).body[p.start:p.end] for p in passages)
    assert [p.rank for p in passages] == [1, 2, 3, 4, 5]


def test_cards_carry_metadata(shared_kb):
    a = next(a for a in shared_kb.articles if a.outlet)
    card = article_card(a)
    assert a.title in card and a.outlet in card


def test_answers_report_the_article_and_refuse_a_missing_one(shared_service, monkeypatch):
    from bot.core.retrieval import article_ref

    kb = shared_service.kb
    monkeypatch.setattr(article_ref, "load_examples", lambda path=None: EXAMPLES)
    kb._refs = shared_service._answer_engine = None
    try:
        ans = shared_service.ask("Dans l'article sur les puces d'Amazon, quelles puces Anthropic utilisait avant ?")
        assert ans.article_ref == "amazon-anthropic-puces"
        assert ans.to_json()["article_ref"] == "amazon-anthropic-puces"
        assert ans.citations and ans.citations[0].article_id == "amazon-anthropic-puces"
        missing = shared_service.ask("Dans l'article du Monde sur Mistral, que dit-on des salaires ?")
        assert missing.kind == "no_answer" and not missing.citations and missing.reason_code == "article_missing"
        for number, a in enumerate(kb.articles, 1):
            assert f"{number}. {a.title}" in missing.answer_markdown
        plain = shared_service.ask("Combien Amazon a-t-il investi dans Anthropic ?")
        assert plain.article_ref is None and "article_ref" not in plain.to_json()
    finally:
        kb._refs = shared_service._answer_engine = None


def test_shipped_examples_come_from_dev_and_have_both_labels():
    examples = load_examples()
    assert {refers for _, refers in examples} == {True, False}


def test_only_the_outlet_designates_an_article():
    art = Article("a", "Google injecte 2 milliards dans Anthropic", "Source : Techcrunch", "a.md", outlet="TechCrunch")
    assert designates(art, "Techcrunch") and not designates(art, "Google") and not designates(art, "Tech")
    assert not designates(Article("b", "Titre", "Corps", "b.md"), "Techcrunch")


def test_the_outlet_naming_the_article_is_not_required_in_the_answer(shared_service):
    """The outlet points at the article; its sentences never name it, which is no reason to refuse (dev question)."""
    answer = shared_service.ask("Dans l'article Techcrunch, pourquoi les géants préfèrent-ils investir plutôt que construire eux-mêmes ?")
    assert answer.kind == "factual" and answer.article_ref == "google-anthropic-2-milliards"
    assert answer.citations and answer.citations[0].article_id == "google-anthropic-2-milliards"
