"""Query expansion: English -> French domain vocabulary, chat abbreviations, typo repair."""

from __future__ import annotations

from bot.core.retrieval.analysis import raw_words
from bot.core.text import fold

# Informal French ("cb amazon a mis ds anthropic") -> standard words.
ABBREVIATIONS = {
    "cb": "combien", "cmb": "combien", "ds": "dans", "pr": "pour", "pk": "pourquoi", "pq": "pourquoi",
    "pkoi": "pourquoi", "bcp": "beaucoup", "qd": "quand", "tt": "tout", "ts": "tous", "mm": "même",
    "tjs": "toujours", "qq": "quelque", "qqn": "quelqu'un", "kel": "quel", "kelle": "quelle", "ki": "qui",
    "koi": "quoi", "ke": "que", "c": "c'est", "vs": "contre", "md": "milliard", "mds": "milliards",
    "mrd": "milliards", "mrds": "milliards", "md$": "milliards", "m$": "millions", "ia": "ia", "ai": "ia",
    "boulots": "emplois", "taf": "emploi", "thune": "argent", "fric": "argent", "investi": "investissement",
    "valo": "valorisation", "vaut": "valorisation valeur", "mis": "investir", "mise": "investir", "balancé": "investir", "injecté": "injecter",
}

# English -> French (surface forms, analysed like the article text).
ENGLISH = {
    "invest": "investir investissement", "invested": "investi investissement", "investment": "investissement",
    "investments": "investissements", "investing": "investissant", "investor": "investisseur", "investors": "investisseurs",
    "billion": "milliards", "billions": "milliards", "million": "millions", "millions": "millions", "dollars": "dollars",
    "amount": "montant", "sum": "somme", "sums": "sommes", "money": "argent fonds", "funds": "fonds",
    "funding": "financement fonds", "raise": "lever", "raised": "levé", "valuation": "valorisation", "stake": "participation",
    "minority": "minoritaire", "share": "participation", "shares": "actions", "board": "conseil d'administration",
    "seat": "siège", "chips": "puces", "chip": "puces", "processors": "processeurs", "accelerators": "accélérateurs",
    "graphics": "graphiques", "cloud": "cloud", "computing": "computing calcul", "compute": "calcul", "power": "puissance",
    "infrastructure": "infrastructure", "train": "entraîner", "training": "entraîner formation", "model": "modèle",
    "models": "modèles", "frontier": "frontière", "language": "langage", "economy": "économie", "economic": "économie",
    "automate": "automatiser", "automating": "automatiser", "automation": "automatiser", "jobs": "emplois",
    "job": "emploi", "employment": "emploi", "unemployment": "chômage", "workers": "travailleurs", "worker": "travailleurs",
    "inequality": "inégalités", "inequalities": "inégalités", "social": "sociales", "poor": "pauvres",
    "rich": "riches", "monopoly": "monopole", "monopolies": "monopole", "antitrust": "antitrust", "competition": "concurrence",
    "regulator": "régulateur", "regulators": "régulateur", "uk": "royaume-uni", "british": "royaume-uni",
    "federal": "federal", "trade": "trade", "commission": "commission", "concerns": "inquiétudes", "worried": "inquiétudes",
    "critics": "critiques", "critic": "critique", "criticism": "critiques", "dystopian": "dystopique", "ethics": "éthique",
    "ethical": "éthique", "risk": "risques", "risks": "risques", "realistic": "réaliste", "ready": "prête",
    "safety": "sécurité", "safe": "sécurisées", "reliable": "fiables", "founded": "fondée", "founders": "fondée",
    "started": "fondée", "start": "fondée", "created": "fondée", "wrong": "perturber risques", "switch": "changer",
    "moves": "changer", "move": "changer", "worth": "valorisation valent", "value": "valorisation", "valued": "valorisation",
    "buy": "racheter", "bought": "racheté", "acquire": "racheter", "acquired": "racheté", "acquisition": "racheté",
    "led": "responsable lancement", "lead": "responsable avance", "much": "combien", "many": "combien", "paid": "versé versements", "expect": "prévoit anticipait", "expected": "anticipait",
    "partnerships": "partenariats", "commercially": "commercialisé", "month": "mois",
    "cost": "coût dépenses", "giants": "géants", "labs": "startups laboratoires", "sectors": "pans secteurs",
    "whole": "entiers", "handing": "confier", "controlling": "contrôle", "achievable": "réaliste", "said": "déclaré", "say": "déclaré", "boss": "pdg", "head": "pdg", "former": "anciens", "employees": "employés", "researchers": "chercheurs", "ceo": "pdg ceo", "bankruptcy": "faillite",
    "crypto": "cryptomonnaie", "exchange": "bourse", "silent": "silencieux", "voting": "vote", "sister": "sœur",
    "series": "série", "round": "tour", "pitch": "pitch", "deck": "deck", "assistant": "assistant", "voice": "vocaux",
    "shopping": "commerce", "commerce": "commerce", "online": "ligne", "retail": "vente détail", "customers": "clients",
    "partnership": "partenariat", "deal": "accord", "agreement": "accord", "condition": "condition", "conditions": "conditions",
    "talks": "pourparlers discussions", "burn": "brûler", "spend": "dépenses", "spending": "dépenses", "months": "mois",
    "years": "années", "year": "année", "next": "prochains", "generation": "génération", "constitutional": "constitutionnelle",
    "harmful": "nuisibles", "hallucinations": "hallucinations", "errors": "erreurs", "why": "pourquoi", "who": "qui",
    "when": "quand", "what": "quel", "google": "google", "microsoft": "microsoft", "amazon": "amazon", "war": "guerre",
    "proxy": "procuration", "race": "course", "arms": "armement", "ahead": "avance", "catch": "rattraper",
    "control": "contrôle", "idealism": "idéalisme", "independence": "indépendance", "enterprise": "entreprise",
    "business": "affaires", "profitable": "rentable", "consumer": "consommateur", "world": "mondiale", "global": "mondiale",
    "humanity": "humanité", "problems": "problèmes", "alternative": "alternatives", "alternatives": "alternatives",
    "necessary": "nécessaires", "justified": "nécessaires", "overbidding": "surenchère",
    "bidding": "surenchère", "first": "premier", "initial": "premier", "then": "ensuite", "later": "plus tard",
    "launch": "lancé", "launched": "commercialisé", "released": "commercialisé", "beta": "bêta", "partners": "partenaires",
    "disruption": "perturber", "disrupt": "perturber", "opportunity": "opportunité", "challenge": "défi",
}

# Words that mean the same thing in these articles (French side, both directions).
SYNONYMS = {
    "combien": "montant milliards millions", "argent": "fonds financement", "emplois": "chômage travailleurs",
    "boulot": "emplois", "chomage": "emplois", "puces": "processeurs", "valorisation": "milliards",
    "racheté": "acquisition prise contrôle participation minoritaire", "racheter": "prise contrôle participation minoritaire",
    "dirige": "pdg ceo", "dirigeant": "pdg ceo", "dirigeants": "pdg ceo", "rachat": "prise contrôle", "patron": "pdg ceo", "chef": "pdg ceo",
    "dit": "déclaré affirme", "direction": "contrôle conseil administration", "décider": "contrôle conseil",
    "valeur": "valorisation", "vaut": "valorisation", "fondateurs": "fondée", "fondé": "fondée", "créé": "fondée",
    "créée": "fondée", "inquiets": "inquiétudes", "dangers": "risques", "boss": "pdg ceo", "fonds": "financement",
}


def _folded_map(d: dict[str, str]) -> dict[str, str]:
    return {fold(k): v for k, v in d.items()}


_ABBR = _folded_map(ABBREVIATIONS)
_EN = _folded_map(ENGLISH)
_SYN = _folded_map(SYNONYMS)


def expand(query: str, *, synonyms: bool = True) -> str:
    """Extra words (space-separated) to add to the lexical query with a reduced weight.

    Abbreviations and English words are translated first; synonyms then apply to the original
    and translated words. `synonyms=False` keeps only the translations (used to tell whether a
    word is known to the corpus)."""
    words = [fold(w) for w in raw_words(query)]
    extra: list[str] = []
    for f in words:
        for table in (_ABBR, _EN):
            if f in table:
                extra.append(table[f])
    if synonyms:
        for f in words + [fold(w) for w in raw_words(" ".join(extra))]:
            if f in _SYN:
                extra.append(_SYN[f])
    return " ".join(extra)


def trigram_set(word: str) -> set[str]:
    padded = f"<{word}>"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def closest_terms(word: str, vocabulary: dict[str, set[str]], limit: int = 2, threshold: float = 0.45) -> list[str]:
    """Vocabulary words sharing most trigrams with `word` (typo repair, e.g. 'investisement')."""
    grams = trigram_set(word)
    scored = []
    for cand, cgrams in vocabulary.items():
        if abs(len(cand) - len(word)) > 3:
            continue
        inter = len(grams & cgrams)
        if inter:
            j = inter / len(grams | cgrams)
            if j >= threshold:
                scored.append((j, cand))
    scored.sort(reverse=True)
    return [c for _, c in scored[:limit]]
