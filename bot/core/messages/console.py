"""Texts of `contrepoint console` (the local terminal chat)."""

TEXTS: dict[str, tuple[str, str]] = {
    "console.poll_usage": ("usage : /poll create <question> | <réponse 1; réponse 2; …> | <heures> [| multiple]  ou  /poll debate <sujet> [heures]",
        "usage: /poll create <question> | <answer 1; answer 2; …> | <hours> [| multiple]  or  /poll debate <topic> [hours]"),
    "console.error": ("Erreur : {m}",
        "Error: {m}"),
    "console.did_you_mean": (" Vouliez-vous dire /{c} ?",
        " Did you mean /{c}?"),
    "console.unknown_command": ("commande inconnue /{n}.{h} Tapez /help pour la liste.",
        "unknown command /{n}.{h} Type /help for the list."),
    "console.debate_poll_hint": ("Sondage sur ce débat : /poll debate {id} [heures]",
        "Poll on this debate: /poll debate {id} [hours]"),
    "console.sources": ("Sources ({n}) :",
        "Sources ({n}):"),
    "console.sources_hint": ("Détail et passages : /source <id>",
        "Details and passages: /source <id>"),
    "console.passages": ("Passages ({n}) :",
        "Passages ({n}):"),
    "console.poll_preview": ("Aperçu du sondage (la console ne publie rien ; sur Discord il serait créé ainsi) :",
        "Poll preview (the console publishes nothing; on Discord it would be created like this):"),
    "console.days": (" ({n} jours)",
        " ({n} days)"),
    "console.duration": ("Durée : {h} h{d}",
        "Duration: {h} h{d}"),
    "console.language_set": ("Langue : français.",
        "Language: English."),
    "console.welcome": ("Contrepoint, console locale. Posez une question, ou tapez /help. /quit pour sortir.",
        "Contrepoint, local console. Ask a question, or type /help. /quit to leave."),
    "console.goodbye": ("Au revoir.",
        "Goodbye."),
    "console.ask_usage": ("écrivez une question après /ask, par exemple : /ask L'IA va-t-elle automatiser l'économie ?",
        "write a question after /ask, e.g. /ask Will AI automate the economy?"),
    "console.counter_usage": ("écrivez l'affirmation à contrer après /counter, par exemple : /counter L'IA va créer plus d'emplois qu'elle n'en détruit",
        "write the claim to counter after /counter, e.g. /counter AI will create more jobs than it destroys"),
    "console.no_fact": ("Aucun fait disponible : knowledge/facts.yaml est vide ou invalide (lancez `contrepoint knowledge check`).",
        "No fact available: knowledge/facts.yaml is empty or invalid (run `contrepoint knowledge check`)."),
    "console.debate_not_found": ("aucun débat ne correspond à « {t} ». Tapez /debate pour la liste.",
        "no debate matches \"{t}\". Type /debate for the list."),
    "console.available_debates": ("Débats disponibles ({n}) :",
        "Available debates ({n}):"),
    "console.debates_hint": ("Détail : /debate <id, numéro ou sujet>",
        "Details: /debate <id, number or topic>"),
    "console.other_close_debates": ("Autres débats proches : {l}",
        "Other close debates: {l}"),
    "console.no_article": ("Aucun article dans knowledge/.",
        "No article in knowledge/."),
    "console.source_usage": ("indiquez l'id d'un article : /source <id> (liste : /sources).",
        "give an article id: /source <id> (list: /sources)."),
    "console.did_you_mean_article": (" Vouliez-vous dire {c} ?",
        " Did you mean {c}?"),
    "console.unknown_article": ("article inconnu « {i} ».{h} Tapez /sources pour la liste.",
        "unknown article \"{i}\".{h} Type /sources for the list."),
    "console.no_passage": ("(aucun passage indexé : lancez `contrepoint ingest`)",
        "(no indexed passage: run `contrepoint ingest`)"),
    "console.outlet": ("Média",
        "Outlet"),
    "console.published": ("Publié",
        "Published"),
    "console.language": ("Langue",
        "Language"),
    "console.file": ("Fichier",
        "File"),
    "console.tags": ("Mots-clés",
        "Tags"),
    "console.passages_more": ("({s}/{n} passages affichés, /more pour la suite)",
        "({s}/{n} passages shown, /more for the next ones)"),
    "console.passages_end": ("({n} passages, fin)",
        "({n} passages, end)"),
    "console.nothing_more": ("Rien de plus à afficher (utilisez d'abord /source <id>).",
        "Nothing more to show (use /source <id> first)."),
    "console.debate": ("Débat : {d}",
        "Debate: {d}"),
    "console.language_current": ("Langue actuelle : français. /lang en pour l'anglais.",
        "Current language: English. /lang fr for French."),
    "console.unknown_language": ("langue inconnue « {v} » : /lang fr ou /lang en.",
        "unknown language \"{v}\": /lang fr or /lang en."),
    "console.poll_refused": ("Sondage impossible : {m}",
        "Cannot create the poll: {m}"),
    "console.command_failed": ("la commande /{c} a échoué ({e}). Vous pouvez continuer ; `contrepoint -v console` affiche les détails.",
        "the /{c} command failed ({e}). You can go on; `contrepoint -v console` shows the details."),
    "console.no_debate": ("Aucun débat : knowledge/debates.yaml est vide ou absent.",
        "No debate: knowledge/debates.yaml is empty or missing."),
    "console.unknown_poll_option": ("option inconnue « {f} » : écrivez « multiple » pour un choix multiple, ou rien.",
        "unknown option \"{f}\": write \"multiple\" for multiple choice, or nothing."),
    "console.interrupted": ("(interrompu)",
        "(interrupted)"),
    "console.multiple_choice": ("Choix multiple", "Multiple choice"),
    "console.single_choice": ("Choix unique", "Single choice"),
    "console.help": (
        """Commandes (comme sur Discord) :
  /ask <question>        réponse sourcée, avec plusieurs points de vue (ou tapez simplement la question)
  /debate [sujet]        liste des débats, ou un débat : camps, arguments et citations
  /counter <affirmation> les meilleurs contre-arguments sourcés
  /fact [sujet]          un fait sourcé (au hasard, ou sur un sujet)
  /sources               les articles de la base
  /source <id>           un article : informations et passages (5 à la fois, /more pour la suite)
  /poll create <question> | <a; b; c> | <heures> [| multiple]
                         aperçu d'un sondage (durée {lo} à {hi} h, {d} h par défaut)
  /poll debate <sujet> [heures]
                         aperçu du sondage d'un débat
  /lang fr|en            langue des réponses
  /help                  cette aide
  /quit                  quitter (ou Ctrl-D)""",
        """Commands (same as on Discord):
  /ask <question>        sourced answer with several viewpoints (or just type the question)
  /debate [topic]        list debates, or show one: sides, arguments and quotes
  /counter <claim>       the strongest sourced counter-arguments
  /fact [topic]          a sourced fact (random, or on a topic)
  /sources               the articles in the knowledge base
  /source <id>           one article: metadata and passages (5 at a time, /more for the next ones)
  /poll create <question> | <a; b; c> | <hours> [| multiple]
                         preview a poll ({lo} to {hi} h, default {d} h)
  /poll debate <topic> [hours]
                         preview the poll of a debate
  /lang fr|en            answer language
  /help                  this help
  /quit                  leave (or Ctrl-D)""",
    ),
}
