"""Source text -> AST: the Lark grammar, the parser with error recovery, the AST nodes."""
