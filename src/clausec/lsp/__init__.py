"""The language server of ``clausec lsp``: navigation and the server around it."""
