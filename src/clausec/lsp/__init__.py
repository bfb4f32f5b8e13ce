"""`clausec lsp`: the language server (docs/editors.md), on pygls and lsprotocol (the extra
``lsp``): diagnostics as you type, outline, formatting, accepting findings, and the
navigation of :mod:`clausec.lsp.navigation`."""
