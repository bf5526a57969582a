"""Rules: YAML rule files -> a validated, immutable RuleSet that turns an Extraction into Matches.

Plain Python, no asyncio and no Faust.

Contract (used by streams.pipeline, the worker and the CLI):

    ruleset = load_ruleset(Path("rules"))          # fail fast: raises RuleSetError (file:line)
    errors = check_rules(Path("rules"))            # collect all: list of RuleError (file:line)
    matches: list[Match] = ruleset.evaluate(extraction, article)   # streams.models.Match
    ruleset.version                                # content hash of the whole set
    len(ruleset), ruleset.rule_ids, ruleset.rules
    RuleWatcher(dir, on_change, on_error).start() / .stop()   # hot reload (streams.rules.watcher)

The language is documented in docs/rules.md; the JSON Schema ships as streams/rules/rule.schema.json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from streams.rules.errors import RuleError, RuleSetError
from streams.rules.loader import check_rules, load_ruleset
from streams.rules.model import Rule
from streams.rules.ruleset import RuleSet

if TYPE_CHECKING:
    from streams.rules.watcher import RuleWatcher

__all__ = ["Rule", "RuleError", "RuleSet", "RuleSetError", "RuleWatcher", "check_rules", "load_ruleset"]


def __getattr__(name: str) -> Any:
    if name == "RuleWatcher":  # imports watchfiles only when used
        from streams.rules.watcher import RuleWatcher

        return RuleWatcher
    raise AttributeError(name)
