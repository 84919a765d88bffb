"""Retrieval: embeddings, Chroma store, lexical indexes, hybrid fusion."""
