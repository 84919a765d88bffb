"""Discord extensions (one feature each). Loaded explicitly, in this order, by ContrepointBot."""

EXTENSIONS: list[str] = [
    "bot.exts.ask",
    "bot.exts.debate",
    "bot.exts.counter",
    "bot.exts.facts",
    "bot.exts.sources",
    "bot.exts.help",
    "bot.exts.mentions",
    "bot.exts.polls",
    "bot.exts.admin",
]
