"""The gym-floor app: Textual screens over the same store and rules as the command line."""
