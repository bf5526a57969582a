"""Extraction: article text -> what a rule can see (language, sentences, tokens with lemmas,
entities with canonical ids and countries, concept matches from lexicons, counts).

Plain Python, no asyncio and no Faust: the worker and `newsalert check` call the same code.

Contract (used by streams.pipeline, the worker and the rules engine):

    extractor = Extractor.from_settings(lexicon_dir=Path("rules/lexicon"))   # load once, reuse
    extraction: Extraction = extractor.extract(article)                    # streams.models
    extractions: list[Extraction] = extractor.extract_many(articles)       # batched (nlp.pipe)
"""
