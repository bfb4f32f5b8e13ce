"""clausec: a rules-as-code contract compiler.

Public API::

    from clausec import load, check_paths
    contract = load("contracts/soolife.clause")   # the normalized IR (clausec.ir.nodes)
"""

from clausec.diagnostics import CompileError, Diagnostic, Severity
from clausec.driver import CheckResult, InputError, check_paths, compile_text, load

__version__ = "0.1.0"

__all__ = [
    "CheckResult",
    "CompileError",
    "Diagnostic",
    "InputError",
    "Severity",
    "__version__",
    "check_paths",
    "compile_text",
    "load",
]
