"""Rules and computed fields of declared actions: small expressions, checked when saved, never `eval`-ed.

An expression reads the action's input fields by name and a few helpers:

    amount > 1000 and country != "GB"
    count("CarReserved") >= 3            # this service's own records with that outcome
    records < 100                        # how many records this service keeps
    round(amount * 0.02, 2)              # a computed output field

`expression_problem` refuses at save time everything but names, literals, arithmetic, comparisons,
boolean logic, conditional expressions and calls of the helpers below: no attribute access, no
subscripts, no imports, no lambdas or comprehensions, no `**`, nothing nested deeper than MAX_DEPTH.
`expression_eval` then evaluates the checked tree with simpleeval, whose own guards (string sizes,
allowed operators and functions) stay on.
"""

import ast
import operator
from collections.abc import Callable

from simpleeval import EvalWithCompoundTypes

MAX_LENGTH = 500
MAX_DEPTH = 12
MAX_NODES = 120
MAX_CONSTANT = 10**12
MAX_STRING = 200

# The helpers an expression may call, with how many arguments each takes.
HELPERS = {
    "abs": 1,
    "round": (1, 2),
    "min": (2, 8),
    "max": (2, 8),
    "len": 1,
    "int": 1,
    "float": 1,
    "str": 1,
    "lower": 1,
    "upper": 1,
    "count": 1,
}
SAFE_FUNCTIONS: dict[str, Callable] = {
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "len": len,
    "int": int,
    "float": float,
    "str": str,
    "lower": lambda text: str(text).lower(),
    "upper": lambda text: str(text).upper(),
}
OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Tuple,
    ast.List,
    *OPERATORS,
)
# Names every expression may read besides the action's inputs.
CONTEXT_NAMES = ("records", "visit", "attempt", "true", "false", "none")


class ExpressionError(ValueError):
    pass


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(child) for child in children), default=0)


def _node_problem(node: ast.AST, names: set[str]) -> str:
    if not isinstance(node, ALLOWED_NODES):
        what = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Pow: "powers (**)"}
        return f"{what.get(type(node), type(node).__name__)} is not allowed"
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str) and len(value) > MAX_STRING:
            return f"a text longer than {MAX_STRING} characters"
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_CONSTANT:
            return f"a number beyond {MAX_CONSTANT:,}"
        if not isinstance(value, str | int | float | bool | type(None)):
            return "only numbers, texts, true/false and none may be written"
    if isinstance(node, ast.Name) and node.id not in names and node.id not in HELPERS:
        return f"unknown name '{node.id[:40]}' (known: {', '.join(sorted(names))})"
    if isinstance(node, ast.Call):
        return _call_problem(node)
    return ""


def _call_problem(node: ast.Call) -> str:
    if not isinstance(node.func, ast.Name) or node.func.id not in HELPERS:
        return f"only these functions may be called: {', '.join(HELPERS)}"
    if node.keywords:
        return "functions take no named arguments"
    arity = HELPERS[node.func.id]
    low, high = arity if isinstance(arity, tuple) else (arity, arity)
    if not low <= len(node.args) <= high:
        return f"{node.func.id}() takes {low if low == high else f'{low} to {high}'} argument(s)"
    if node.func.id == "count" and not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return 'count() takes an outcome name in quotes: count("CarReserved")'
    return ""


def expression_parse(text, names: set[str]) -> ast.Expression:
    """The checked syntax tree of an expression over `names`; raises ExpressionError saying what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("must be a non-empty expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"at most {MAX_LENGTH} characters")
    if text.count("(") + text.count("[") > MAX_DEPTH * 2:
        raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ExpressionError(f"not an expression: {str(error)[:120]}") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"too long: at most {MAX_NODES} parts")
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels")
    allowed = set(names) | set(CONTEXT_NAMES)
    for node in nodes:
        problem = _node_problem(node, allowed)
        if problem:
            raise ExpressionError(problem)
    return tree


def expression_problem(text, names: set[str]) -> str:
    """What is wrong with an expression over `names`, or "" when it may be saved."""
    try:
        expression_parse(text, names)
    except ExpressionError as error:
        return str(error)
    return ""


def expression_eval(text: str, values: dict, *, count: Callable[[str], int] | None = None):
    """The value of a (saved, so checked) expression; raises ExpressionError when it cannot be computed."""
    tree = expression_parse(text, set(values))
    evaluator = EvalWithCompoundTypes(
        operators=OPERATORS,
        functions={**SAFE_FUNCTIONS, "count": count or (lambda outcome: 0)},
        names={**values, "true": True, "false": False, "none": None},
    )
    try:
        return evaluator.eval(text.strip(), previously_parsed=tree.body)
    except Exception as error:  # noqa: BLE001 - a wrong type or a division by zero is the rule's problem
        raise ExpressionError(f"{type(error).__name__}: {str(error)[:160]}") from None
