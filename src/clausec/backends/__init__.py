"""Backends: code and data generated from the normalized IR."""


def module_name(contract_id: str) -> str:
    """The name of a contract's generated module, file or package module (``a.b``: ``a_b``)."""
    return contract_id.replace(".", "_")
