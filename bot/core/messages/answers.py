"""Texts of answers: the router's reason codes (`reason.<code>`), the frame of debate, factual and
no-answer replies, stance headings and /counter intros."""

TEXTS: dict[str, tuple[str, str]] = {
    # why a question gets no plain answer (Answer.reason_code, from the router and the premise check)
    "reason.out_of_scope": ("Cette demande ne porte pas sur les sources (instructions, secrets ou configuration) : Contrepoint n'y répond pas.",
        "This request is not about the sources (instructions, secrets or configuration): Contrepoint does not answer it."),
    "reason.not_covered": ("Les sources ne traitent pas ce point.", "The sources do not cover this point."),
    "reason.not_mentioned": ("Les articles ne mentionnent pas {names}.", "The articles do not mention {names}."),
    "reason.premise_name": ("⚠️ Prémisse à vérifier : les sources ne mentionnent pas {names} ; sur ce point, voici ce qu'elles disent.",
                     "⚠️ Check the premise: the sources do not mention {names}; on this point, here is what they say."),
    "reason.premise_link": ("⚠️ Prémisse à vérifier : les sources ne relient pas {names} à ce point ; voici ce qu'elles disent.",
                     "⚠️ Check the premise: the sources do not link {names} to this; here is what they say."),
    "reason.premise_quantity": ("⚠️ Prémisse à vérifier : les sources ne donnent pas {values} ; voici les chiffres qu'elles donnent.",
                         "⚠️ Check the premise: the sources do not give {values}; here are the figures they give."),
    "reason.article_missing": ("Aucun article de la base ne correspond à cet article. Voici les articles (numéros de /sources) : {titles}.",
        "No article in the knowledge base matches that article. Here are the articles (numbered as in /sources): {titles}."),
    "reason.covered_topics": ("Les articles de la base portent sur : {titles}.", "The articles in the knowledge base are about: {titles}."),
    "reason.other_language": ("Réponse en français (question détectée en « {iso} »).", "Answering in English (question detected as “{iso}”)."),
    # an extractive answer given instead of an LLM draft (Answer.fallback_reason: "fallback.<reason>")
    "answer.fallback": ("ℹ️ Réponse de secours, faite de citations directes : {why}.", "ℹ️ Fallback answer made of direct quotes: {why}."),
    "fallback.timeout": ("le modèle de langage n'a pas répondu à temps", "the language model did not answer in time"),
    "fallback.rate_limited": ("le modèle de langage est saturé (trop de requêtes)", "the language model is overloaded (too many requests)"),
    "fallback.error": ("le modèle de langage est indisponible", "the language model is unavailable"),
    "fallback.circuit_open": ("le modèle de langage est indisponible pour le moment", "the language model is unavailable for now"),
    "fallback.config": ("le modèle de langage est mal configuré", "the language model is misconfigured"),
    "fallback.malformed": ("le modèle de langage a donné une réponse illisible", "the language model gave an unreadable reply"),
    "fallback.ungrounded": ("le modèle de langage n'a pas appuyé sa réponse sur les sources",
                            "the language model did not base its reply on the sources"),
    # frame of an answer
    "answer.debate_intro": ("**Question débattue.** Les sources présentent plusieurs points de vue ; Contrepoint n'en prend aucun et vous laisse juger.",
                            "**This question is debated.** The sources present several points of view; Contrepoint takes no side and lets you judge."),
    "answer.sides_assembled": ("(Points de vue reconstitués à partir des passages retrouvés.)", "(Points of view assembled from the retrieved passages.)"),
    "answer.factual_intro": ("**Réponse factuelle**, d'après les articles de la base :", "**Factual answer**, according to the articles in the knowledge base:"),
    "answer.sources_diverge": ("⚠️ Les sources divergent : chaque version est donnée avec sa source.", "⚠️ The sources disagree: each version is given with its source."),
    "answer.none": ("Aucune source de la base ne couvre cette question ; Contrepoint préfère ne pas inventer de réponse.",
                    "No source in the knowledge base covers this question; Contrepoint would rather not invent an answer."),
    "answer.none_hint": ("Essayez `/sources` pour voir les articles disponibles, ou reformulez.", "Try `/sources` to see the available articles, or rephrase."),
    "answer.sources": ("**Sources**", "**Sources**"),
    "answer.what_sources_say": ("Ce que disent les sources", "What the sources say"),
    "answer.according_to": ("Selon « {t} » : {s}", "According to “{t}”: {s}"),
    # headings of the sides built for a debate no map covers, by stance
    "stance.favorable": ("Arguments favorables", "Arguments in favour"),
    "stance.critique": ("Arguments critiques", "Critical arguments"),
    "stance.nuance": ("Position nuancée ou conditionnelle", "Nuanced or conditional view"),
    # /counter
    "counter.unmatched": ("Aucun point de vue cartographié ne correspond clairement à cette affirmation ; voici ce que disent les sources.",
                          "No mapped point of view clearly matches this claim; here is what the sources say."),
    "counter.matched": ("Votre affirmation est proche du point de vue **{m}** dans le débat « {q} ». Voici les arguments les plus forts des autres points de vue, avec leurs sources :",
                        "Your claim is closest to the **{m}** view in the debate “{q}”. Here are the strongest arguments of the other views, with their sources:"),
}
