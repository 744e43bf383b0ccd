"""The golden regression baseline: a committed summary of fixed-seed runs (see README.md)."""
