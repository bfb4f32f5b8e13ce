"""Name resolution and type checking: AST -> typed, normalized IR."""
