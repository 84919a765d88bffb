"""Texts of the input errors (bot.core.text_guard.InputError), by code; shared by every front end."""

TEXTS: dict[str, tuple[str, str]] = {
    "input.empty": (
        "Texte vide : il faut une question, par exemple « L'IA va-t-elle supprimer des emplois ? ».",
        "Empty text: a question is needed, for example \"Will AI destroy jobs?\".",
    ),
    "input.too_long": (
        "Texte trop long ({length} caractères, {limit} au plus) : il faut le raccourcir.",
        "Text too long ({length} characters, {limit} at most): please shorten it.",
    ),
    "input.invalid": (
        "Ce texte n'a pas pu être lu : il faut reformuler la question.",
        "That text could not be read: please rephrase the question.",
    ),
}
