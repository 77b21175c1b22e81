"""backtrack: a terminal workout tracker for lifters rehabbing low back pain."""

__version__ = "0.1.0"
