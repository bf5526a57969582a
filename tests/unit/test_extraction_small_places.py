"""The evidence tier's file (places.bin): the first-word filter never hides a name, a word that
starts no name opens no bucket, and a name's bucket is opened once (work counters, no timings)."""

from __future__ import annotations

import zlib

from streams.extraction.gazetteer import DEFAULT_GAZETTEER, SmallPlaces


def small() -> SmallPlaces:
    return SmallPlaces.read(DEFAULT_GAZETTEER.parent / "places.bin")


def test_every_first_word_passes_the_filter() -> None:
    places = small()
    firsts: set[str] = set()
    for b in range(places.buckets):
        blob = places.body[places.offsets[b] : places.offsets[b + 1]]
        if blob:
            firsts.update(line.partition("\t")[0] for line in zlib.decompress(blob).decode("utf-8").split("\n"))
    assert len(firsts) > 300_000
    assert all(places.may_start(w) for w in firsts)


def test_a_word_that_starts_no_name_opens_no_bucket() -> None:
    places = small()
    words = ["Bundesregierung", "Verteidigungsminister", "Waffenruhe", "Parliament", "Ceasefire"]
    assert [places.lookup(w) for w in words] == [()] * len(words)
    # the filter lets a few such words through (~1 %); these are not among them
    assert places.opened == 0


def test_a_name_opens_its_bucket_once() -> None:
    places = small()
    found = places.lookup("Inzigkofen")
    assert any(names == ("Inzigkofen",) for names, _entries, _flags in found)
    assert places.opened == 1
    assert places.lookup("Inzigkofen") is found
    assert places.opened == 1
