"""The normalized IR of norms, its types and values."""
