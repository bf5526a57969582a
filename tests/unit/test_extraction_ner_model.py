"""Optional statistical NER: a tiny model trained here, merged with the gazetteer entities."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from streams.extraction.extractor import Extractor
from streams.models import Article

TRAIN = [
    ("Die Firma Kronwerk baut in Berlin ein Werk.", [(10, 18, "ORG")]),
    ("Kronwerk meldete Gewinne.", [(0, 8, "ORG")]),
    ("Der Chef von Kronwerk sprach in Kiew.", [(13, 21, "ORG")]),
    ("Mitarbeiter von Kronwerk streikten.", [(16, 24, "ORG")]),
    ("Kronwerk und Berlin einigten sich.", [(0, 8, "ORG"), (13, 19, "LOC")]),
    ("Die Stadt Berlin lobte Kronwerk.", [(10, 16, "LOC"), (23, 31, "ORG")]),
]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    random.seed(1)
    nlp = spacy.blank("de")
    ner = nlp.add_pipe("ner")
    for _, ents in TRAIN:
        for _, _, label in ents:
            ner.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": e}) for t, e in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.1)
    path = tmp_path_factory.mktemp("ner") / "tiny-de"
    nlp.to_disk(path)
    return path


def test_model_entities_are_merged(model_path: Path) -> None:
    ex = Extractor.from_settings(models={"de": str(model_path)})
    assert ex.pipelines["de"].model is not None and ex.pipelines["en"].model is None
    x = ex.extract_as([Article(id="m", text="Kronwerk baut ein Werk in Berlin.")], "de")[0]
    by_text = {e.text: e for e in x.entities}
    # the model's ORG has no gazetteer entry: added with source "model"
    assert by_text["Kronwerk"].source == "model"
    assert by_text["Kronwerk"].id == "model:ORG:kronwerk"
    assert by_text["Kronwerk"].type == "ORG"
    # the gazetteer wins where both found something
    assert by_text["Berlin"].source == "gazetteer" and by_text["Berlin"].id.startswith("city:geonames:")
    assert [e.start for e in x.entities] == sorted(e.start for e in x.entities)


def test_env_variable_names_the_model(model_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSALERT_NER_MODEL_DE", str(model_path))
    ex = Extractor.from_settings()
    assert ex.pipelines["de"].model_name == str(model_path)
