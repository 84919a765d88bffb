"""Texts of /reload (the administrators' re-sync of the knowledge folder)."""

TEXTS: dict[str, tuple[str, str]] = {
    "admin.resynced": ("Connaissances resynchronisées en {s} s",
        "Knowledge re-synced in {s} s"),
    "admin.index_rebuilt": (" (index reconstruit)",
        " (index rebuilt)"),
    "admin.articles": ("Articles : {f}",
        "Articles: {f}"),
    "admin.passages": ("Passages indexés : {c} (dont {e} recalculés)",
        "Indexed passages: {c} ({e} re-embedded)"),
    "admin.unchanged": ("Aucun changement depuis la dernière synchronisation.",
        "Nothing changed since the last sync."),
    "admin.skipped": ("⚠️ {n} fichier(s) ignoré(s) :",
        "⚠️ {n} file(s) skipped:"),
    "admin.skipped_more": ("… et {n} autre(s) (voir `contrepoint knowledge check`).",
        "… and {n} more (see `contrepoint knowledge check`)."),
    "admin.reload_admins_only": ("Désolé, /reload est réservé aux administrateurs du serveur (Administrateur ou Gérer le serveur).",
        "Sorry, /reload is reserved for server administrators (Administrator or Manage Server)."),
    "admin.resync_failed": ("La resynchronisation a échoué ({e}). Le bot continue avec les connaissances précédentes ; détails dans les journaux.",
        "The re-sync failed ({e}). The bot keeps the previous knowledge; details in the logs."),
}
