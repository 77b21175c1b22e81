"""Widgets that more than one screen uses, or that are big enough to stand alone."""
