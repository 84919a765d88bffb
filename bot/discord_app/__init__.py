"""Discord front-end: a thin layer that calls the `Contrepoint` facade and renders its results.

Nothing here is imported by bot.core; submodules are imported explicitly (no side effects here).
"""
