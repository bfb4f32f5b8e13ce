"""Decision plans: each question of a contract lowered once to a short program over a small
set of operations (``plan.nodes``), from which the evaluators are printed and the analyses
build their solver terms (docs/architecture.md, "The decision plan").

    from clausec import plan
    contract_plan = plan.lower(contract)
"""

from clausec.plan.lower import lower, lower_question
from clausec.plan.program import ContractPlan, QuestionPlan

__all__ = ["ContractPlan", "QuestionPlan", "lower", "lower_question"]
