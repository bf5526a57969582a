"""Rules: YAML rule files -> a validated, immutable RuleSet that turns an Extraction into Matches.

Plain Python, no asyncio and no Faust.

Contract (used by streams.pipeline, the worker and the CLI):

    ruleset = load_ruleset(Path("rules"))          # fail fast: raises RuleSetError (file:line)
    errors = check_rules(Path("rules"))            # collect all: list of RuleError (file:line)
    matches: list[Match] = ruleset.evaluate(extraction, article)   # streams.models.Match
    ruleset.version                                # content hash of the whole set
    len(ruleset), ruleset.rule_ids
"""
