"""Texts of the chat commands (Discord): refusals, answers' frame, buttons, debates, sources, facts."""

TEXTS: dict[str, tuple[str, str]] = {
    # refusals and errors
    "cooldown": (
        "Doucement 🙂 tu as atteint la limite de questions pour le moment. Réessaie dans {seconds} s.",
        "Easy 🙂 you have reached the question limit for now. Try again in {seconds} s.",
    ),
    "channel_refused": (
        "Je ne réponds pas dans ce salon. Retrouve-moi dans un des salons prévus pour Contrepoint.",
        "I don't answer in this channel. Find me in one of the channels set up for Contrepoint.",
    ),
    "error_generic": (
        "Oups, quelque chose s'est mal passé de mon côté. Réessaie dans un instant ; si ça continue, préviens un modérateur.",
        "Oops, something went wrong on my side. Try again in a moment; if it keeps happening, tell a moderator.",
    ),
    "discord_forbidden": (
        "Discord m'a refusé cette action : il me manque une permission dans ce salon (par exemple Envoyer des messages, "
        "Intégrer des liens, Créer des fils publics ou Envoyer des sondages). Demande à un administrateur de vérifier mes permissions.",
        "Discord refused this action: I am missing a permission in this channel (for example Send Messages, Embed Links, "
        "Create Public Threads or Send Polls). Ask an administrator to check my permissions.",
    ),
    "discord_gone": (
        "Ce salon ou ce message n'existe plus (il a peut-être été supprimé).",
        "This channel or message no longer exists (it may have been deleted).",
    ),
    "discord_rate_limited": (
        "Discord limite mes envois pour le moment. Réessaie dans quelques secondes.",
        "Discord is limiting my messages right now. Try again in a few seconds.",
    ),
    "discord_unavailable": (
        "Discord ne répond pas correctement pour le moment. Réessaie dans un instant.",
        "Discord is not responding properly right now. Try again in a moment.",
    ),
    "moderators_only": (
        "Cette action est réservée aux modérateurs.",
        "This action is for moderators only.",
    ),
    "missing_permissions": (
        "Tu n'as pas les permissions nécessaires pour cette commande.",
        "You don't have the permissions this command needs.",
    ),
    "bot_missing_permissions": (
        "Il me manque des permissions dans ce salon : {perms}. Demande à un administrateur de me les donner.",
        "I am missing permissions in this channel: {perms}. Ask an administrator to grant them.",
    ),
    "guild_only": (
        "Cette commande ne fonctionne que sur un serveur.",
        "This command only works in a server.",
    ),
    # answers
    "notice_debate": (
        "Plusieurs points de vue, chacun sourcé. Les numéros [n] renvoient aux passages cités (bouton « Sources »).",
        "Several viewpoints, each one sourced. Numbers [n] point to the quoted passages (\"Sources\" button).",
    ),
    "notice_factual": (
        "Réponse sourcée : les numéros [n] renvoient aux passages cités (bouton « Sources »).",
        "Sourced answer: numbers [n] point to the quoted passages (\"Sources\" button).",
    ),
    "notice_ungrounded": (
        "⚠️ Les articles disponibles étayent peu cette réponse.",
        "⚠️ The available articles give little support to this answer.",
    ),
    "no_answer": (
        "Je n'ai rien trouvé de solide dans les articles sur cette question. Essaie /debate pour voir les débats couverts.",
        "I found nothing solid in the articles on this question. Try /debate to see the debates covered.",
    ),
    "side_no_points": ("(aucun point sourcé)", "(no sourced point)"),
    "continued": ("suite", "cont."),
    "footer_sources": ("Sources : {titles}", "Sources: {titles}"),
    "page": ("Page {n}/{total}", "Page {n}/{total}"),
    "more_pages_notice": (
        "La suite de la réponse, que tu n'avais pas encore vue :",
        "The rest of the answer, which you had not seen yet:",
    ),
    "more_sides_notice": (
        "Les autres camps de ce débat, absents de la réponse :",
        "The other sides of this debate, missing from the answer:",
    ),
    "more_none": (
        "Tu as déjà vu tous les points de vue disponibles pour cette question.",
        "You have already seen every viewpoint available for this question.",
    ),
    "answer_expired": (
        "Je ne retrouve plus cette réponse. Repose la question avec /ask.",
        "I can no longer find this answer. Ask the question again with /ask.",
    ),
    # buttons and menus
    "btn_sources": ("Sources", "Sources"),
    "btn_more": ("Autres points de vue", "Counter-arguments"),
    "btn_poll": ("Sondage", "Poll"),
    "btn_prev": ("◀ Précédent", "◀ Previous"),
    "btn_next": ("Suivant ▶", "Next ▶"),
    "side_placeholder": ("Voir les arguments d'un camp…", "See one side's arguments…"),
    # polls hand-off
    "poll_no_debate": (
        "Cette réponse ne correspond à aucun débat répertorié : pas de sondage automatique. Un modérateur peut lancer un sondage libre avec /poll.",
        "This answer matches no listed debate, so there is no automatic poll. A moderator can start a free poll with /poll.",
    ),
    # sources
    "sources_title": ("Passages cités", "Quoted passages"),
    "sources_intro": (
        "Chaque passage est reproduit mot pour mot depuis l'article.",
        "Each passage is reproduced word for word from the article.",
    ),
    "no_citations": ("Cette réponse ne cite aucun passage.", "This answer quotes no passage."),
    # debates
    "debate_intro": (
        "Les camps en présence. Choisis-en un dans le menu pour lire ses arguments et leurs citations.",
        "The sides of this debate. Pick one in the menu to read its arguments and their quotes.",
    ),
    "debate_not_found": (
        "Aucun débat ne correspond à « {topic} ». Choisis un sujet dans la liste proposée en tapant /debate.",
        "No debate matches \"{topic}\". Pick a topic from the list offered when you type /debate.",
    ),
    "debate_none": (
        "Aucun débat n'est encore répertorié.",
        "No debate is listed yet.",
    ),
    "side_not_found": (
        "Ce camp n'existe plus dans ce débat (la base a changé). Relance /debate.",
        "This side no longer exists in this debate (the knowledge base changed). Run /debate again.",
    ),
    "side_arguments": ("Arguments", "Arguments"),
    "side_no_arguments": ("(aucun argument)", "(no argument)"),
    "argument_n": ("Argument {n}", "Argument {n}"),
    "side_summary": ("En bref", "In short"),
    # counter
    "counter_title": ("Contre-arguments : {claim}", "Counter-arguments: {claim}"),
    "counter_matched": (
        "Ton affirmation ressemble au camp « {label} ». Voici les arguments les plus solides des autres camps.",
        "Your claim is close to the side \"{label}\". Here are the strongest arguments of the other sides.",
    ),
    "counter_unmatched": (
        "Voici les arguments sourcés les plus solides qui s'y opposent ou la nuancent.",
        "Here are the strongest sourced arguments against or nuancing it.",
    ),
    "counter_none": (
        "Je n'ai pas trouvé de contre-argument sourcé à cette affirmation.",
        "I found no sourced counter-argument to this claim.",
    ),
    # facts
    "fact_title": ("Le saviez-vous ?", "Did you know?"),
    "fact_none": (
        "Aucun fait sourcé n'est disponible pour le moment.",
        "No sourced fact is available right now.",
    ),
    "fact_source": ("Source", "Source"),
    # articles
    "articles_title": ("Articles de la base", "Articles in the knowledge base"),
    "articles_empty": ("La base ne contient encore aucun article.", "The knowledge base has no article yet."),
    "articles_hint": (
        "Tape /source puis choisis un article pour lire ses passages.",
        "Type /source and pick an article to read its passages.",
    ),
    "article_not_found": (
        "Je ne connais pas l'article « {article} ». Tape /sources pour voir la liste.",
        "I don't know the article \"{article}\". Type /sources to see the list.",
    ),
    "article_id": ("Identifiant", "Id"),
    "article_outlet": ("Média", "Outlet"),
    "article_published": ("Date", "Date"),
    "article_tags": ("Mots-clés", "Tags"),
    "article_file": ("Fichier", "File"),
    "article_passages": ("Passages", "Passages"),
    "passage_n": ("Passage {n} · caractères {start}–{end}", "Passage {n} · characters {start}–{end}"),
    "article_page_hint": (
        "Les boutons ◀ ▶ parcourent les passages de l'article.",
        "The ◀ ▶ buttons browse the article's passages.",
    ),
    # mentions
    "mention_empty": (
        "Pose ta question après la mention, par exemple : @Contrepoint L'IA va-t-elle supprimer des emplois ?",
        "Ask your question after the mention, for example: @Contrepoint Will AI destroy jobs?",
    ),
}
