"""The knowledge folder: articles, debate maps, facts."""
