"""Contrepoint: sourced, multi-sided answers to AI-and-economy debate questions."""

__version__ = "0.1.0"
