"""Backends: code and data generated from the normalized IR."""
