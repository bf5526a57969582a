"""Event frames: per clause, what happened, who did it, to whom, where, and how it is reported.

A frame is built for every trigger concept (deployment, withdrawal, kill/injure, attack) from
what extraction already has: tokens with lemmas, sentences, entities, concepts and counts. There is
no parser; clause-level patterns written for German and English word order stand in for one:

- **Clauses** end at ``; : ( ) – —``, at a comma, and before words that open a clause
  ("but", "aber", "während"). Roles are looked for in the trigger's clause first.
- **Actor**: a demonym or state attached to the theme ("nordkoreanische Soldaten", "North Korean
  troops"), the agent of a passive ("by Israeli troops", "von russischen Drohnen"), a state
  that is neither a place nor an origin in the clause ("Nordkorea schickt ..."), or the origin
  ("troops from North Korea").
- **Theme**: what moves (forces, with their kind) or who is harmed (civilians, people, soldiers,
  police ...); for harm, the patient side of the verb (after an active verb, before a passive one).
- **Location**: a place entity that follows a place preposition in the clause and is not where
  someone spoke; then the sentence; for harm also the lead and the dateline.
- **Polarity, modality, time, cause**: cue words (``data/frame_cues.yaml``) in the clause, the
  sentence, or the article, in that order of strength.

``FrameBuilder.build`` is called once per article by the Extractor, after counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from streams.extraction.frames.article import (
    german_participle,
    inherit_actors,
    latest_year,
    merge_harm,
    most_specific,
    relate_counts,
    resolve_harmed,
)
from streams.extraction.frames.cues import (
    ACTIVE_KILL,
    ACTOR_KINDS,
    AFTER_PARTICIPLE,
    BORDER_LINKS,
    BORDER_NOUNS,
    CAUSE_ORDER,
    COUNT_FOLLOWERS_EN,
    FORCE_KINDS,
    FUNCTION_WORDS_EN,
    HARM_EVENTS,
    HARMED_KINDS,
    INTO,
    INTO_TRIGGERS,
    MAX_FRAMES_PER_SENTENCE,
    MODAL_ORDER,
    NON_PLACE_KINDS,
    NOT_ATTRIBUTIVE_EN,
    PLACE_PREPS,
    PLACE_TYPES,
    SPONSOR_WORDS,
    SPORT_CONCEPTS_PER_ARTICLE,
    TRIGGERS,
    cues_for,
    year_of,
)
from streams.extraction.frames.sentence import ClauseSentence, SentenceContext
from streams.extraction.roles import has_role
from streams.models import ConceptMatch, Count, Entity, Extraction, Frame


class FrameBuilder:
    """Builds the frames of one article (see the module docstring). One per language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.cues = cues_for(lang)
        self.place_preps = PLACE_PREPS.get(lang, PLACE_PREPS["en"])

    def build(self, ex: Extraction, dateline: Entity | None = None, published_year: int | None = None) -> tuple[Frame, ...]:
        if not ex.tokens or not ex.sentences:
            return ()
        ref_year = published_year or latest_year(ex)
        by_sentence: dict[int, list[ConceptMatch]] = {}
        concepts_in: dict[int, list[ConceptMatch]] = {}
        for c in ex.concepts:
            concepts_in.setdefault(c.sentence, []).append(c)
            if c.concept in TRIGGERS:
                by_sentence.setdefault(c.sentence, []).append(c)
        entities_in: dict[int, list[Entity]] = {}
        for e in ex.entities:
            entities_in.setdefault(e.sentence, []).append(e)
        counts_in: dict[int, list[Count]] = {}
        for k in ex.counts:
            counts_in.setdefault(k.sentence, []).append(k)
        lead_place = self._lead_place(ex, entities_in)
        sport = sum(1 for c in ex.concepts if c.concept == "sport") >= SPORT_CONCEPTS_PER_ARTICLE
        frames: list[Frame] = []
        shared: dict[str, bool] = {}  # article-wide answers, computed once
        sentences: dict[int, ClauseSentence] = {}  # built on first need, shared by the contexts

        def sentence(si: int) -> ClauseSentence:
            if si not in sentences:
                sentences[si] = ClauseSentence(ex, si, self.cues, self.lang)
            return sentences[si]

        for si, triggers in sorted(by_sentence.items()):
            sent = sentence(si)
            ctx = SentenceContext(ex, sent, concepts_in.get(si, []), entities_in.get(si, []), counts_in.get(si, []),
                                  ref_year, lead_place, dateline, sport, sentence, concepts_in, shared)
            seen: set[tuple[str, int]] = set()
            withdrawn = {sent.clause_at(t.token_start) for t in triggers if t.concept == "withdrawal"}
            for trig in sorted(triggers, key=lambda c: c.token_start):
                kind = TRIGGERS[trig.concept]
                clause = sent.clause_at(trig.token_start)
                if not self._is_event(ctx, trig, kind, clause):
                    continue
                if kind == "deployment" and clause in withdrawn:
                    continue  # "the mission ended", "Soldaten aus Mali zurückgekehrt": no deployment
                if (kind, clause) in seen:
                    continue
                if len(seen) >= MAX_FRAMES_PER_SENTENCE:
                    break  # a "sentence" of hundreds of clauses is a list, not news: bounded work
                seen.add((kind, clause))
                frames.append(self._frame(ctx, trig, kind, clause))
                if kind == "attack" and ("harm", clause) not in seen and self._deadly(sent, trig):
                    # "last week's deadly embassy bombing": deaths reported by the attack's adjective
                    seen.add(("harm", clause))
                    frames.append(self._deadly_harm(ctx, trig, clause))
        frames = [self._unnamed_mover(f, concepts_in, entities_in) for f in frames]
        return tuple(relate_counts(inherit_actors(resolve_harmed(merge_harm(frames, ex.text))), ex.counts))

    def _unnamed_mover(self, f: Frame, concepts_in: dict[int, list[ConceptMatch]],
                       entities_in: dict[int, list[Entity]]) -> Frame:
        """"The Black Watch moved towards Baghdad. ... soldiers from the Scottish regiment were
        leaving their base": a move whose mover the lexicon does not know, and whose clause names no
        state, takes the forces and their state that the next two sentences name."""
        if f.kind != "deployment" or f.theme_kind is not None or f.actor is not None or f.polarity != "affirmed":
            return f
        for si in (f.sentence + 1, f.sentence + 2):
            for c in concepts_in.get(si, []):
                kind = self.cues.theme_concepts.get(c.concept)
                if kind not in FORCE_KINDS:
                    continue
                for e in entities_in.get(si, []):
                    near = 0 <= c.token_start - e.token_end <= 1 or 0 < e.token_start - c.token_end <= 3
                    if near and e.country and e.kind in ("demonym", "armed_forces", "country"):
                        return replace(f, theme_kind=kind, theme_kinds=(kind,), theme_text=c.text, actor=e,
                                       cues=f.cues + ("mover named after",))
        return f

    def _deadly_harm(self, ctx: SentenceContext, trig: ConceptMatch, clause: int) -> Frame:
        """The harm an attack named deadly reports: the harmed are those it was aimed at ("a deadly
        attack on a police convoy", "ein tödlicher Anschlag auf Soldaten"), else unnamed."""
        f = self._frame(ctx, trig, "harm", clause)
        sent = ctx.sent
        t = trig.token_end - sent.first
        aimed = [i for i in range(t, min(t + 2, len(sent.low))) if sent.low[i] in self.cues.words["aimed_at"]]
        for c in ctx.concepts:
            kind = self.cues.theme_concepts.get(c.concept)
            if kind is not None and aimed and 0 < c.token_start - sent.first - aimed[0] <= 4:
                return replace(f, theme_kind=kind, theme_kinds=(kind,), theme_text=c.text)
        return replace(f, theme_kind="unspecified", theme_kinds=(), theme_text=None)

    def _deadly(self, sent: ClauseSentence, trig: ConceptMatch) -> bool:
        """"a deadly car bombing", "der tödliche Anschlag": an adjective of death up to two words
        before the attack word."""
        t = trig.token_start - sent.first
        if sent.low[t] in self.cues.words["combat"]:
            return False
        deadly = self.cues.words["deadly"]
        return any(sent.low[i] in deadly for i in range(max(0, t - 3), t))

    def _shot_person(self, ctx: SentenceContext, trig: ConceptMatch) -> bool:
        """"girl shot", "was shot", "shot three civilians", not "shot a film about refugees": one of
        the harmed right before "shot", or its object with only articles and numbers between."""
        sent = ctx.sent
        t = trig.token_start - sent.first
        fillers = self.cues.words["determiners"] | {"at", "least", "dozens", "of"}  # and numbers (like_num)
        for c in ctx.concepts:
            if self.cues.theme_concepts.get(c.concept) not in HARMED_KINDS:
                continue
            i = c.token_start - sent.first
            if 0 <= t - (c.token_end - sent.first) <= 1:
                return True
            if i > t and all(sent.low[j] in fillers or sent.tokens[j].like_num or not sent.tokens[j].text.isalpha()
                             for j in range(t + 1, i)):
                return i - t <= 4
        return False

    def _cyber(self, sent: ClauseSentence, token: int) -> bool:
        """"Phishing-Attacken", "cyber attack", "Hackerangriff": an attack on computers."""
        prefixes = tuple(self.cues.words["not_violence_prefixes"])
        t = token - sent.first
        word = sent.low[t]
        before = sent.low[t - 1] if t > 0 else ""
        return word.startswith(prefixes) or before.startswith(prefixes) and before not in ("in", "on")

    def _is_event(self, ctx: SentenceContext, trig: ConceptMatch, kind: str, clause: int) -> bool:
        """False for trigger words that name no event here: "death threats", "Die Toten Hosen",
        "verletzte Gefühle", a bare "victims" without a number of harmed."""
        sent = ctx.sent
        t = trig.token_end - sent.first
        nxt = sent.low[t] if t < len(sent.low) else ""
        if nxt in self.cues.words["not_before"]:
            return False
        low = sent.low[trig.token_start - sent.first]
        if low in self.cues.words["not_triggers"] or low.endswith(tuple(self.cues.words["not_trigger_endings"])):
            return False
        if kind == "attack" and self._cyber(sent, trig.token_start):
            return False
        t0 = trig.token_start - sent.first
        if kind == "deployment" and t0 >= 2 and sent.low[t0] in self.cues.words["circumstance_triggers"] \
                and sent.low[t0 - 1] in self.cues.words["determiners"] \
                and sent.low[t0 - 2] in self.cues.words["circumstance_prepositions"]:
            return False  # "captured a lieutenant in a raid": how something else was done, no movement
        word = sent.tokens[trig.token_start - sent.first].text
        if kind == "harm" and self.lang == "de" and t < len(sent.tokens) and sent.tokens[t].text[:1].isupper():
            # an adjective before a noun: "die Toten Hosen", "verletzte Gefühle"; a noun of the
            # harmed ("getötete Zivilisten") keeps the frame
            name_part = word[:1].isupper() and word.lower() in ("tote", "toten", "totes")
            adjective = word.islower() and word.endswith(("e", "en", "er", "es"))
            harmed_noun = any(c.token_start == sent.first + t and c.concept in self.cues.theme_concepts
                              for c in ctx.concepts)
            if name_part or (adjective and not harmed_noun):
                return False
        weak = self.cues.words["weak_triggers"]
        if kind == "harm" and (word.lower() in weak or sent.lemma[trig.token_start - sent.first] in weak):
            t0 = trig.token_start - sent.first
            if t0 > 0 and sent.hits("cause:violence", t0 - 1, t0):
                return True  # "shot dead", "stabbed to death" name the act
            lo, hi = sent.span(clause)
            if self._harm_counts(ctx, lo, hi):
                return True  # a number of harmed, not "Opfer ... in 17 Staaten"
            if word.lower() == "shot":
                return self._shot_person(ctx, trig)
            # "the killing of a journalist": the harmed named right after; "the Beslan massacre",
            # "das Massaker in Srebrenica": a place next to it
            return any((0 < c.token_start - trig.token_end <= 3 or 0 <= trig.token_start - c.token_end <= 1)
                       and self.cues.theme_concepts.get(c.concept) in HARMED_KINDS for c in ctx.concepts) or any(
                e.type in PLACE_TYPES and e.kind not in NON_PLACE_KINDS
                and (0 <= e.token_start - trig.token_end <= 2 or 0 <= trig.token_start - e.token_end <= 1)
                for e in ctx.entities)
        return True

    # ------------------------------------------------------------------ one frame

    def _frame(self, ctx: SentenceContext, trig: ConceptMatch, kind: str, clause: int) -> Frame:
        sent = ctx.sent
        lo, hi = sent.span(clause)
        t_lo, t_hi = trig.token_start - sent.first, trig.token_end - sent.first
        cues: list[str] = []
        own = self._own_start(sent, lo, t_lo, t_hi)
        polarity = self._polarity(sent, lo if own is None else own, hi, t_lo, t_hi, cues, own is not None)
        modality = self._modality(sent, lo if own is None else own, hi, t_hi, cues, own is not None)
        time = self._time(ctx, lo, hi, t_lo, cues, t_hi)
        passive = self._passive(sent, lo, t_lo, t_hi)
        agent = self._agent(ctx, lo, hi)
        # a participle as a modifier ("a filmmaker slain by ..."): the harmed is the noun it modifies
        # and in a relative clause with an active verb ("gunmen who killed a family") the one it
        # hangs on is the agent: the harmed come after the pronoun
        theme_lo = lo
        if own == t_lo and kind == "harm":
            theme_lo = max(lo, t_lo - 2)
        elif own is not None and kind == "harm" and not passive:
            theme_lo = max(lo, own)
        theme_kind, theme_kinds, theme_text = self._theme(ctx, kind, clause, theme_lo, hi, t_lo, passive)
        actor, origin = self._actor(ctx, kind, clause, lo, hi, t_lo, agent, passive)
        location, source = self._location(ctx, kind, clause, lo, hi, actor, t_hi)
        if kind == "deployment" and actor is not None and location is not None and actor.country == location.country:
            # "US and Iraqi troops stormed ... in Mosul": of the forces named together, the foreign one
            actor = self._coordinated_actor(ctx, actor, location) or actor
        forces = actor if actor is not None and actor.kind == "armed_forces" else next(
            (e for e in ctx.entities if actor is not None and e.kind == "armed_forces"
             and e.token_start == actor.token_end and e.country == actor.country), None)
        if kind == "deployment" and theme_kind is None and forces is not None \
                and lo <= forces.token_start - sent.first and 0 <= t_lo - (forces.token_end - sent.first) <= 2:
            # "a growing Russian military build-up", "die Bundeswehr verlegt", "the army has moved": the
            # forces by name move when the trigger follows them (not "Army deserter ... left"); the
            # forces' adjective may be the actor ("Russian" in "Russian military", rule 24)
            theme_kind, theme_kinds, theme_text = "troops", ("troops",), forces.text
        counts = self._counts(ctx, kind, lo, hi)
        cause = self._cause(ctx, kind, lo, hi, trig, actor, cues) if kind in ("harm", "attack") else None
        first, last = sent.first + lo, sent.first + hi - 1
        start, end = ctx.ex.tokens[first].start, ctx.ex.tokens[last].end
        return Frame(
            kind=kind, trigger=trig.text, trigger_concept=trig.concept, text=ctx.ex.text[start:end], start=start,
            end=end, token_start=first, token_end=last + 1, sentence=sent.index, polarity=polarity,
            modality=modality, time=time, cause=cause, theme_kind=theme_kind, theme_kinds=theme_kinds,
            theme_text=theme_text, actor=actor, location=location, location_source=source, origin=origin,
            counts=counts, cues=tuple(cues),
        )

    def _own_start(self, sent: ClauseSentence, lo: int, t_lo: int, t_hi: int) -> int | None:
        """Where the trigger's own reading starts when it sits in a relative clause ("the siege that
        killed 340 people", ", where 500 people have been killed", "a filmmaker slain by ...", "the
        body of a slain ..."): the modality, negation and denial of the clause it hangs on are not
        its own. None when the trigger reads with its whole clause."""
        rel = self.cues.words["relative_openers"]
        aux = self.cues.words["relative_aux"]
        first = lo + 1 if sent.low[lo] == "," else lo
        # "expected to attend a rally following the Beslan massacre", "nach dem Anschlag": an event
        # named as what came before is told as a fact
        determiners = self.cues.words["determiners"]
        for r in range(t_lo - 1, max(first, t_lo - 4) - 1, -1):
            if sent.low[r] in self.cues.words["event_after"] and sent.low[r + 1] in determiners:
                return r + 1  # "nach dem Anschlag", not "nach Belarus verlegt"
        if self.lang == "de":
            # a relative pronoun after a comma that follows a noun ("die Region, wo ...", "der Angriff,
            # der ..."), not an article after a verb ("bestritt, das Umspannwerk beschossen zu haben")
            after_noun = lo > 0 and sent.tokens[lo - 1].text[:1].isupper()
            return first + 1 if (first < t_lo and sent.low[lo] == "," and sent.low[first] in rel
                                 and (after_noun or sent.low[first] in ("wo", "welche", "welcher", "welches"))) else None
        for r in range(t_lo - 1, first - 1, -1):
            w = sent.low[r]
            if w == "that":
                # "that killed", "that has killed", "that led to the deaths of": a verb right after
                # "that" (not a subject: "warned that troops could ...")
                nxt = sent.low[r + 1] if r + 1 < t_lo else ""
                if all(x in aux for x in sent.low[r + 1 : t_lo]) or (
                        t_lo - r <= 5 and (nxt in aux or nxt.endswith("ed") or nxt in ("led", "left", "saw", "took"))):
                    return r + 1
                break
            if w in rel:
                return r + 1
        # an English participle as a modifier: "a slain filmmaker", "a filmmaker slain by"
        word = sent.low[t_lo]
        if t_hi - t_lo == 1 and t_lo > lo and (word.endswith("ed") or word in ("slain", "shot")):
            before = sent.low[t_lo - 1]
            after = sent.low[t_hi] if t_hi < len(sent.low) else ""
            passive = self.cues.words["passive_aux"]
            if before in self.cues.words["determiners"] or (
                    after == "by" and sent.tokens[t_lo - 1].text.isalpha() and before not in passive
                    and before not in aux):
                return t_lo
        return None

    def _polarity(self, sent: ClauseSentence, lo: int, hi: int, t_lo: int, t_hi: int, cues: list[str],
                  own: bool = False) -> str:
        fake = {i for i, _ in sent.hits("not_negation", lo, hi)}
        # German puts the negation late ("Verletzt wurde niemand", "verlegt ... nicht"): the clause
        end = hi if self.lang == "de" else min(hi, t_hi + 4)
        for i, w in sent.hits("negation", lo, end):
            if i not in fake:
                cues.append(w)
                return "negated"
        breaks = self.cues.words["clause_breaks"]
        for d, w in sent.hits("denial", lo if own else 0, hi):
            if d < t_lo and any(x in breaks for x in sent.low[d + 1 : t_lo]):
                continue  # "rejected the request ... after deadly bombings": the denial is not about them
            cues.append(w)
            return "negated"
        return "affirmed"

    def _modality(self, sent: ClauseSentence, lo: int, hi: int, t_hi: int, cues: list[str], own: bool = False) -> str:
        """The first category (in MODAL_ORDER) with a cue in the clause up to just after the
        trigger; an earlier clause governs only a clause it introduces ("warned that troops could
        ...", "fordert, dass ..."). "attempted" needs its cue right before the trigger ("tried to
        kill", "Mordversuch"): an attempt elsewhere in the clause is about something else."""
        openers = self.cues.words["clause_openers"]
        governed = not own and (sent.low[lo] in openers or (
            sent.low[lo] == "," and lo + 1 < len(sent.low) and sent.low[lo + 1] in openers))
        t_lo = t_hi - 1
        found_cat = self._modal_category(sent, lo, hi, t_lo, t_hi, governed, cues)
        if found_cat == "fact" and t_lo > 0 and sent.low[t_lo - 1] in self.cues.words["infinitive_marker"] and (
                sent.low[t_lo] in self.cues.words["infinitive_verbs"]
                or sent.lemma[t_lo] in self.cues.words["infinitive_verbs"]):
            cues.append(sent.low[t_lo - 1])
            return "speculated"  # "willing to die", "für ihre Sache zu sterben": no death reported
        return found_cat

    def _modal_category(self, sent: ClauseSentence, lo: int, hi: int, t_lo: int, t_hi: int, governed: bool,
                        cues: list[str]) -> str:
        for cat in MODAL_ORDER:
            if cat == "attempted":
                found = sent.hits(f"modality:{cat}", max(lo, t_lo - 3), t_hi)
            else:
                found = sent.hits(f"modality:{cat}", lo, min(hi, t_hi + 3))
                if not found and governed and cat != "alleged":
                    a, _b = sent.span(sent.clause_of[lo] - 1) if lo > 0 else (0, 0)
                    found = [(i, w) for i, w in sent.hits(f"modality:{cat}", a, lo) if sent.tokens[i].text.isalpha()]
            if found:
                if cat == "demanded":
                    # "agreed to meet a request for troops", "kam der Bitte nach": the demand is granted
                    granted = sent.hits("modality:announced", lo, found[0][0])
                    if granted:
                        cues.append(granted[0][1])
                        return "announced"
                cues.append(found[0][1])
                return cat
        return "fact"

    def _time(self, ctx: SentenceContext, lo: int, hi: int, t_lo: int, cues: list[str], t_hi: int = 0) -> str:
        sent = ctx.sent
        # English: the auxiliary of the trigger itself ("had sent", "had previously been killed"), not
        # of an earlier verb of the clause ("had made an arrest linked to last week's bombing")
        aux = sent.hits("past_perfect_aux", lo if self.lang == "de" else max(lo, t_lo - 4), t_lo + 1)
        if self.lang == "de":  # verb-final: "angegriffen und verletzt hatte"
            aux += sent.hits("past_perfect_aux", t_lo + 1, min(hi, t_lo + 4))
        # German: the trigger is the participle, or a phrase ends in it or right before it ("waren
        # ... ums Leben gekommen", "hatte ... das Leben gekostet")
        participle = self.lang == "en" or any(german_participle(sent.low[k]) for k in {t_lo, t_hi - 1, t_hi}
                                              if 0 <= k < min(hi, len(sent.low)))
        if aux and participle:
            cues.append(aux[0][1])
            return "background"
        since = {i for i, _ in sent.hits("since", 0, hi)}
        for i in range(0, hi):
            if i >= t_lo and i < lo:
                continue
            w = sent.low[i]
            year = year_of(w)
            if year is not None:
                if (i - 1) in since or (i - 2) in since:
                    cues.append(f"{sent.low[i - 1]} {w}")
                    return "background"
                if ctx.ref_year is not None and ctx.ref_year - year >= 2:
                    cues.append(w)
                    return "background"
        for key in ("background", "trial"):
            found = sent.hits(key, 0, len(sent.tokens)) if key == "trial" else sent.hits(key, 0, hi)
            if found:
                cues.append(found[0][1])
                return "background"
        old = self._narrated_year(ctx)
        if old is not None and not sent.hits("current_markers", 0, len(sent.tokens)):
            cues.append(old)
            return "background"
        return "current"

    def _narrated_year(self, ctx: SentenceContext) -> str | None:
        """"... im Jänner 1945 mit dem Leben bezahlen. Als es klingelte, versuchte er zu fliehen. Er
        wurde erschossen.": after the lead, a sentence with no time of its own goes on with the year
        told in the two sentences before it, when that year is two or more before the article's."""
        si = ctx.sent.index
        if si < 3 or ctx.ref_year is None:
            return None
        for prev in (si - 1, si - 2):
            s_ = ctx.ex.sentences[prev]
            for t in ctx.ex.tokens[s_.token_start : s_.token_end]:
                year = year_of(t.text) if t.like_num else None
                if year is not None and ctx.ref_year - year >= 2:
                    return str(year)
        return None

    def _passive(self, sent: ClauseSentence, lo: int, t_lo: int, t_hi: int | None = None) -> bool:
        if sent.hits("passive_aux", lo, t_lo) or sent.hits("passive_aux", t_lo + 1, t_lo + 3):
            return True
        # "militant gunned down", "Hamas chief killed in strike": a participle with no object
        # after it, as headlines and reduced clauses write the passive
        end = t_hi if t_hi is not None else t_lo + 1
        if self.lang == "en" and sent.low[end - 1].endswith(("ed", "slain", "down", "dead", "shot")):
            nxt = sent.low[end] if end < len(sent.low) else ""
            # a number after it is its object, as a number word is ("gunmen killed 23 villagers")
            return nxt in AFTER_PARTICIPLE or not (nxt.isalpha() or nxt[:1].isdigit())
        return False

    def _theme(self, ctx: SentenceContext, kind: str, clause: int, lo: int, hi: int, t_lo: int,
               passive: bool) -> tuple[str | None, tuple[str, ...], str | None]:
        sent = ctx.sent
        if kind == "harm":
            counted = self._harmed_counts(ctx, lo, hi, t_lo)
            if counted:
                # "three soldiers and a civilian": the harmed words the clause names beside the numbers
                named = [self.cues.theme_concepts[c.concept] for c in ctx.concepts
                         if c.concept in self.cues.theme_concepts and lo <= c.token_start - sent.first < hi
                         and self._patient_side(ctx, c.token_start - sent.first, t_lo, passive)
                         and not self._modifier(sent, c)]
                kinds = tuple(dict.fromkeys([k for _, k, _ in counted] + named))
                return counted[0][1], kinds, counted[0][2]
            nxt = t_lo + 1
            if nxt < len(sent.low) and sent.low[nxt] in self.cues.words["reflexive"]:
                return "self", ("self",), sent.tokens[nxt].text  # "kills himself"
        found: list[tuple[int, str, str, int]] = []  # distance, kind, text, position
        transitive = sent.low[t_lo] in self.cues.words["transitive"] and bool(
            [c for c in ctx.concepts if c.token_start - sent.first > t_lo and lo <= c.token_start - sent.first < hi]
            or any(t_lo < k.token_start - sent.first < hi for k in ctx.counts)
            or (t_lo + 1 < hi and sent.tokens[t_lo + 1].text.isalpha() and sent.low[t_lo + 1] not in self.place_preps))
        theme_starts = {c.token_start for c in ctx.concepts if c.concept in self.cues.theme_concepts}
        for c in ctx.concepts:
            k = self.cues.theme_concepts.get(c.concept)
            i = c.token_start - sent.first
            if k is None or not lo <= i < hi or self._modifier(sent, c):
                continue
            if c.token_end in theme_starts:
                continue  # "child killer": the head names the kind
            if kind == "harm" and not self._patient_side(ctx, i, t_lo, passive):
                continue
            if kind == "deployment" and i < t_lo and not passive and transitive:
                continue  # "US troops ... sending passers-by scurrying": the object moves
            found.append((abs(i - t_lo), k, c.text, i))
        for cnt in ctx.counts:
            i = cnt.token_start - sent.first
            ck = self.cues.count_kinds.get(cnt.counted or "")
            if lo <= i < hi and ck and kind != "harm":
                found.append((abs(i - t_lo), ck, cnt.text, i))
        if kind == "harm":
            for e in ctx.entities:
                i = e.token_start - sent.first
                if lo <= i < hi and e.type in ("PERSON", "NORP") and self._patient_side(ctx, i, t_lo, passive) \
                        and not ctx.is_place_word(e):
                    found.append((abs(i - t_lo) + 1, "person" if e.type == "PERSON" else "people", e.text, i))
        if not found and kind == "deployment" and clause > 0 and not transitive:
            # "North Korea has sent troops, which arrived in Kursk": the troops of the clause before
            return self._theme(ctx, kind, clause - 1, *sent.span(clause - 1), t_lo, passive)
        if not found and kind == "harm" and clause > 0 and lo > 0:
            # "Dutzende Soldaten, die in Kursk eingesetzt sind, sind ... getötet worden": the harmed
            # named in the clause before
            a, b = sent.span(clause - 1)
            prev = self._theme(ctx, kind, clause - 1, a, b, t_lo, passive)
            if prev[0] != "unspecified":
                return prev
        if not found:
            return ("unspecified", (), None) if kind == "harm" else (None, (), None)
        found.sort(key=lambda f: (f[0], f[1] not in FORCE_KINDS))
        if kind == "deployment":
            # the mover nearest the verb: "police and U.N. troops moved into" -> troops; "refugees
            # ... before they enter" -> refugees
            # "Afghan refugees ... before they enter" with troops elsewhere in the clause: only the
            # movers named together with the nearest ("police and U.N. troops") are the theme
            best = found[0]
            return best[1], tuple(dict.fromkeys(f[1] for f in found if abs(f[3] - best[3]) <= 3)), best[2]
        # harm without a number: the one harmed nearest the verb ("a journalist was shot dead")
        return found[0][1], (found[0][1],), found[0][2]

    def _harmed_counts(self, ctx: SentenceContext, lo: int, hi: int, t_lo: int) -> list[tuple[int, str, str]]:
        """The kinds of the harmed that the clause counts: "four civilians", "three Egyptian troops",
        "kills 5 in Gaza" (unspecified); a count of something else ("18 feet") gives none."""
        sent = ctx.sent
        out: list[tuple[int, str, str]] = []
        for k in self._harm_counts(ctx, lo, hi):
            out.append((abs(k[0].token_start - sent.first - t_lo), k[1], k[0].text))
        out.sort(key=lambda f: f[0])
        return out

    def _harm_counts(self, ctx: SentenceContext, lo: int, hi: int) -> list[tuple[Count, str]]:
        """The counts of harmed in the clause with the kind of harmed each counts: the category
        the count finder gave ("four civilians"), else the harmed word right after the number
        ("two American soldiers", "12 Iraqis"), else the kind of the number before it when the
        only noun is the harm word ("two soldiers were killed and three wounded")."""
        sent = ctx.sent
        if ctx.harm_counts is None:
            ctx.harm_counts = self._sentence_harm_counts(ctx)
        return [(k, ck) for k, ck in ctx.harm_counts if lo <= k.token_start - sent.first < hi]

    def _sentence_harm_counts(self, ctx: SentenceContext) -> list[tuple[Count, str]]:
        """The kind of harmed each count of the sentence counts, in text order; a kind carries over
        to the next count ("two soldiers were killed and two others wounded"). Once per sentence:
        a sentence of 500 numbers and 500 harm words asks for it 500 times."""
        sent = ctx.sent
        out: list[tuple[Count, str]] = []
        last: str | None = None
        for k in sorted(ctx.counts, key=lambda c: c.token_start):
            if k.event not in HARM_EVENTS:
                continue
            ck = self.cues.count_kinds.get(k.counted or "")
            if ck is not None and self._counted_across_relative(sent, k):
                ck = None  # "gunmen who killed a family of five": the five are no gunmen
            j = k.token_end - sent.first
            anaphoric = j < len(sent.low) and sent.low[j] in self.cues.words["anaphoric_counted"]
            if anaphoric and last is not None:
                ck = last  # "two soldiers were killed and two others wounded"
            elif ck is None or ck == "people":
                after = self._kind_after(ctx, k)
                elliptic = k.counted_text is None or any(
                    c.concept in ("kill", "injure") and c.start <= (k.counted_start or -1) < c.end
                    for c in ctx.concepts)
                if after is not None:
                    ck = after
                elif elliptic and last is not None:
                    ck = last
                elif ck is None or elliptic:
                    ck = self._uncounted_kind(ctx, k)
            if ck is None:
                continue
            last = ck
            out.append((k, ck))
        return out

    def _counted_across_relative(self, sent: ClauseSentence, k: Count) -> bool:
        """The count finder took a noun before the number, and a relative pronoun stands between."""
        if k.counted_end is None or k.counted_end > k.start:
            return False
        rel = self.cues.words["relative_openers"]
        j = k.token_start - sent.first - 1  # back from the number to the counted noun
        while j >= 0 and sent.tokens[j].start >= k.counted_end:
            if sent.low[j] in rel:
                return True
            j -= 1
        return False

    def _kind_after(self, ctx: SentenceContext, k: Count) -> str | None:
        """The kind of the harmed word up to two words after a number, if there is one."""
        sent = ctx.sent
        j = k.token_end - sent.first
        # the noun phrase after the number ends at a function word: "100 Palestinians since tanks"
        stop = j + 1
        while stop < min(j + 3, len(sent.low)) and sent.tokens[stop].text.isalpha() \
                and sent.low[stop] not in FUNCTION_WORDS_EN | self.place_preps | {"since", "seit", "und", "als"}:
            stop += 1
        for c in ctx.concepts:
            if 0 <= c.token_start - sent.first - j < stop - j and c.concept in self.cues.theme_concepts:
                return self.cues.theme_concepts[c.concept]
        for e in ctx.entities:
            if 0 <= e.token_start - sent.first - j <= 1 and e.type in ("NORP", "PERSON"):
                return "people"
        return None

    def _uncounted_kind(self, ctx: SentenceContext, k: Count) -> str | None:
        """A count without a known noun: "unspecified" when no noun follows ("killed 5 in Gaza"),
        None when it counts a thing ("18 feet", "17 verschiedenen Staaten")."""
        sent = ctx.sent
        j = k.token_end - sent.first
        if self.lang == "de":
            while j < len(sent.tokens) and sent.tokens[j].text.isalpha() and sent.tokens[j].text.islower() \
                    and sent.low[j] not in ("und", "oder", "bei", "in", "im", "am", "an", "auf", "nach", "durch"):
                j += 1  # adjectives before the noun
        if j >= len(sent.tokens):
            return "unspecified"
        nxt = sent.tokens[j].text
        if self.lang == "de":
            return None if nxt[:1].isupper() and nxt.isalpha() else "unspecified"
        if nxt.lower() in COUNT_FOLLOWERS_EN or not nxt.isalpha():
            return "unspecified"
        return None

    def _modifier(self, sent: ClauseSentence, c: ConceptMatch) -> bool:
        """"military" in "military jet", "military funeral": an adjective, not the forces."""
        if self.lang != "en" or c.token_end - c.token_start != 1:
            return False
        word = sent.low[c.token_start - sent.first]
        j = c.token_end - sent.first
        if word not in ("military", "army", "militia", "rebel", "police") or j >= len(sent.tokens):
            return False
        nxt = sent.tokens[j].text
        # "military funeral" (a noun follows) but not "army demolished", "army moves" (a verb)
        return nxt.isalpha() and nxt.islower() and nxt not in FUNCTION_WORDS_EN and not nxt.endswith(("ed", "ing"))

    def _patient_side(self, ctx: SentenceContext, i: int, t_lo: int, passive: bool) -> bool:
        """For harm: is the word at ``i`` on the side of the harmed (not of the one who harms)?"""
        if i in ctx.agent_tokens:
            return False
        if i == t_lo:  # "Tote", "casualties": the trigger names the harmed
            return True
        tok = ctx.sent.low[t_lo]
        if tok in self.cues.words["intransitive"] or ctx.sent.lemma[t_lo] in self.cues.words["intransitive"]:
            return True  # "marines die", "Menschen starben"
        noun_trigger = ctx.sent.tokens[t_lo].text[:1].isupper() and self.lang == "de"
        verbal = t_lo > 0 and bool(ctx.sent.hits("cause:violence", t_lo - 1, t_lo))  # "shot dead"
        # "the wounded", "five injured" name the harmed; "a civilian was wounded when troops ..." is
        # a passive, whose harmed stand before it
        adjectival = tok in ("dead", "deaths", "death", "casualties", "victims", "toll") or (
            tok in ("wounded", "injured") and not passive)
        if not verbal and (noun_trigger or adjectival):
            return True
        if self.lang == "de" and german_participle(tok):
            # verb-final: subject and object both stand before the participle ("Soldaten haben
            # Zivilisten getötet", "Söldner im Krieg getötet"); the nearest word is taken
            return True
        return (i < t_lo) == passive or (not passive and i > t_lo)

    def _agent(self, ctx: SentenceContext, lo: int, hi: int) -> Entity | None:
        """The agent of a passive: the entity after "by", "von", "durch" in the clause."""
        sent = ctx.sent
        preps = {i for i, _ in sent.hits("agent_prepositions", lo, hi)}
        if not preps:
            return None
        for e in ctx.entities:
            i = e.token_start - sent.first
            if any(0 < i - p <= 3 for p in preps) and e.type not in PLACE_TYPES | {"PERSON"} or (
                    any(0 < i - p <= 3 for p in preps) and e.kind in ACTOR_KINDS and e.type != "LOC"):
                # the agent's whole noun phrase: "by a suspected Muslim radical"
                j = e.token_end - sent.first
                while j < min(hi, e.token_end - sent.first + 3) and sent.tokens[j].text.isalpha() \
                        and sent.low[j] not in self.place_preps | self.cues.words["clause_openers"] | {"and", "und"}:
                    j += 1
                ctx.agent_tokens.update(range(i, j))
                return e
        for p in preps:
            ctx.agent_tokens.update(range(p + 1, min(p + 4, hi)))
        return None

    def _actor(self, ctx: SentenceContext, kind: str, clause: int, lo: int, hi: int, t_lo: int,
               agent: Entity | None, passive: bool) -> tuple[Entity | None, Entity | None]:
        sent = ctx.sent
        origin: Entity | None = None
        candidates: list[tuple[int, Entity]] = []
        themes = [c.token_start - sent.first for c in ctx.concepts
                  if self.cues.theme_concepts.get(c.concept) in FORCE_KINDS and lo <= c.token_start - sent.first < hi]
        harmed_after = [c.token_end for c in ctx.concepts if c.concept in ("kill", "injure")]
        for e in ctx.entities:
            i = e.token_start - sent.first
            if not lo <= i < hi:
                continue
            if self._attributed(sent, i, e.token_end - sent.first):
                continue  # "nach Angaben der ukrainischen Regierung": who says so, not who acts
            if self._border_of(sent, i):
                continue  # "an die Grenze zur Ukraine", "the border with Iraq": whose border, not who
            j = e.token_end - sent.first
            if j + 1 < len(sent.low) and sent.low[j] == "-" and sent.low[j + 1] in SPONSOR_WORDS:
                continue  # "Chadian-backed rebels": who backs them, not who moves
            if kind == "deployment" and any(0 <= e.token_start - end <= 4 for end in harmed_after):
                continue  # "has killed more than 100 Palestinians since tanks rolled in": the harmed act not
            if e.country is None:
                # "U.N. troops", "NATO-Truppen": a multinational force has no one country
                if e.type == "ORG" and any(0 <= th - (e.token_end - sent.first) <= 1 for th in themes):
                    return e, None
                continue
            # attached to the forces ("North Korean troops"), or forces by name ("Israeli army")
            attached = any(0 <= th - (e.token_end - sent.first) <= 2 or i <= th < e.token_end - sent.first
                           for th in themes) or (e.kind == "armed_forces" and kind == "deployment")
            if attached and (e.type == "NORP" or e.kind in ("demonym", "armed_forces")):
                return e, None  # "nordkoreanische Soldaten", "North Korean troops"
            if ctx.is_origin(e):
                origin = origin or e
                continue
            if ctx.is_place(e) or e.type == "LOC":
                continue
            if e.type == "PERSON" and kind != "harm":
                candidates.append((abs(i - t_lo) + 2, e))
                continue
            if e.type in ("GPE", "NORP", "ORG") and (e.kind in ACTOR_KINDS or e.type == "NORP"):
                candidates.append((abs(i - t_lo), e))
        if agent is not None and agent.country:
            return agent, origin
        if kind == "harm" and passive:
            return None, origin  # the subject of a passive is the harmed
        if kind == "harm":
            candidates = [(d, e) for d, e in candidates if e.token_start - sent.first < t_lo]
        if candidates:
            subject = self._german_subject(sent, lo, [e for _, e in candidates]) if kind == "deployment" else None
            if subject is not None:
                return subject, origin
            candidates.sort(key=lambda c: c[0])
            return candidates[0][1], origin
        if origin is not None and kind == "deployment":
            return origin, origin
        if kind == "deployment" and clause > 0:
            # the state named in an earlier clause of the sentence ("Russland, so heißt es, schickt ...")
            for c in range(clause - 1, -1, -1):
                a, b = sent.span(c)
                if sent.hits("speech", a, b):
                    continue
                for e in ctx.entities:
                    i = e.token_start - sent.first
                    if a <= i < b and e.country and e.kind in ACTOR_KINDS and not ctx.is_place(e):
                        return e, origin
        return None, origin

    def _coordinated_actor(self, ctx: SentenceContext, actor: Entity, location: Entity) -> Entity | None:
        """The other state of "US and Iraqi troops", "britische und französische Soldaten" when it is
        not the location's."""
        sent = ctx.sent
        a = actor.token_start - sent.first
        for e in ctx.entities:
            if e is actor or not e.country or e.country == location.country or e.kind not in ACTOR_KINDS:
                continue
            i, j = e.token_start - sent.first, e.token_end - sent.first
            between = sent.low[j:a] if j <= a else sent.low[actor.token_end - sent.first:i]
            if 0 < len(between) <= 2 and between[-1 if j <= a else 0] in ("and", "und", ",", "&"):
                return e
        return None

    def _deictic(self, sent: ClauseSentence, lo: int, hi: int) -> bool:
        """"in this northern city", "here", "in dieser Stadt": the place the article is written from."""
        nouns = self.cues.words["deictic_nouns"]
        for i in range(lo, hi):
            w = sent.low[i]
            if w in self.cues.words["deictic"]:
                return True
            if w in self.cues.words["deictic_determiners"] and any(x in nouns for x in sent.low[i + 1 : i + 3]):
                return True
        return False

    def _lead_country(self, ctx: SentenceContext, actor: Entity | None) -> Entity | None:
        """A state named in the headline or first sentence that is not the actor's ("Haiti moves on
        militants": U.N. troops "moved into a slum in the capital")."""
        for e in ctx.ex.entities:
            if e.sentence > 1:
                break
            if e.type == "GPE" and e.kind == "country" and e.country and (actor is None or e.country != actor.country):
                return e
        return None

    def _location(self, ctx: SentenceContext, kind: str, clause: int, lo: int, hi: int,
                  actor: Entity | None, t_hi: int = 0) -> tuple[Entity | None, str | None]:
        sent = ctx.sent
        speech_spans = [i for i, _ in sent.hits("speech", 0, len(sent.tokens))]

        def ok(e: Entity) -> bool:
            if e.type not in PLACE_TYPES or e.kind in NON_PLACE_KINDS or e is actor or self._attributive(sent, e):
                return False
            i = e.token_start - sent.first
            if self._border_of(sent, i):
                return False  # "an die Grenze zur Ukraine": the border, on either side
            # "said in Kyiv", "told reporters in Ankara": where someone spoke
            return not any(0 < i - s <= 4 for s in speech_spans) and (ctx.is_place(e) or self._after_prep(sent, i))

        in_clause = [e for e in ctx.entities if lo <= e.token_start - sent.first < hi and ok(e)]
        if kind == "deployment":
            # where the forces go: a place after the trigger and its preposition ("a U.S. request for
            # British troops to be moved into volatile central Iraq")
            ahead = [e for e in in_clause if e.token_start - sent.first >= t_hi and self._after_prep(sent, e.token_start - sent.first)]
            in_clause = ahead or in_clause
        if in_clause:
            return most_specific(in_clause), "clause"
        if self._deictic(sent, lo, hi):
            if ctx.dateline is not None:
                return ctx.dateline, "dateline"
            if ctx.lead_place is not None and ctx.lead_place is not actor:
                return ctx.lead_place, "lead"
        others = [e for e in ctx.entities if ok(e) and not sent.hits("speech", *sent.span(sent.clause_at(e.token_start)))]
        if others:
            return most_specific(others), "sentence"
        # harm happened where the article is: the lead's place or the dateline. Forces moved "into
        # the streets here", "into a district", "in die Stadt": where the article is, too
        window = sent.low[lo:hi] if self.lang == "de" else sent.low[t_hi:t_hi + 3]
        moved_into = kind == "deployment" and bool(set(window) & INTO or sent.low[t_hi - 1] in INTO_TRIGGERS)
        if kind in ("harm", "attack") or moved_into:
            if ctx.lead_place is not None and ctx.lead_place.sentence <= sent.index and ctx.lead_place is not actor:
                return ctx.lead_place, "lead"
            if ctx.dateline is not None:
                return ctx.dateline, "dateline"
            if moved_into:
                lead_country = self._lead_country(ctx, actor)
                if lead_country is not None:
                    return lead_country, "lead"
        return None, None

    @staticmethod
    def _border_of(sent: ClauseSentence, i: int) -> bool:
        """The entity at ``i`` follows "Grenze zu(r)", "border with": the state whose border it is."""
        return i >= 2 and sent.low[i - 1] in BORDER_LINKS and sent.low[i - 2] in BORDER_NOUNS

    def _german_subject(self, sent: ClauseSentence, lo: int, entities: list[Entity]) -> Entity | None:
        """German main clause: a state first in the clause, an article at most before it, and a
        verb right after it ("Russland hat ... verlegt", "Die USA schicken") is the subject, however
        far the participle stands at the end."""
        if self.lang != "de":
            return None
        for e in entities:
            i, j = e.token_start - sent.first, e.token_end - sent.first
            first = i == lo or (i == lo + 1 and sent.low[lo] in self.cues.words["determiners"])
            if first and j < len(sent.tokens) and sent.tokens[j].text.isalpha() and sent.tokens[j].text.islower():
                return e
        return None

    def _attributed(self, sent: ClauseSentence, i: int, j: int) -> bool:
        """The entity at tokens [i, j) names a source: an attribution word up to four lower-case
        words before it ("according to Iraqi officials") or after it ("der Regierung zufolge")."""
        before = sent.hits("attribution_before", max(0, i - 4), i)
        # only articles, adjectives and "to" between: "nach Angaben der ukrainischen Regierung", not
        # "Laut ungarischen Medien hat Serbien"
        if before and all(t.text.isalpha() and t.text.islower() for t in sent.tokens[before[-1][0] + 1:i]):
            return True
        after = sent.hits("attribution_after", j, j + 4)
        return bool(after) and "," not in sent.low[j:after[0][0]]

    def _attributive(self, sent: ClauseSentence, e: Entity) -> bool:
        """English: a country's name between a determiner or "of" and a noun names whose it is, not
        where ("in a series of US air strikes", "the US embassy"); right after a place preposition
        it is a place ("to Ukraine next month", "in Iraq today")."""
        if self.lang != "en" or e.kind != "country":
            return False
        i, j = e.token_start - sent.first, e.token_end - sent.first
        if j >= len(sent.tokens) or i == 0 or sent.low[i - 1] in self.place_preps:
            return False
        nxt = sent.tokens[j].text
        return (nxt.isalpha() and nxt.islower() and not nxt.endswith("ed") and nxt not in FUNCTION_WORDS_EN
                and nxt not in AFTER_PARTICIPLE and nxt not in self.place_preps and nxt not in NOT_ATTRIBUTIVE_EN)

    def _after_prep(self, sent: ClauseSentence, i: int) -> bool:
        """A place preposition up to four words before token ``i`` with no comma or verb-like word
        between ("toward Baghdad", "into volatile central Iraq", "in die umkämpfte Region")."""
        for j in range(i - 1, max(i - 5, -1), -1):
            w = sent.low[j]
            if w in self.place_preps:
                return True
            if not w.isalpha() or w in self.cues.words["speech"]:
                return False
        return False

    def _counts(self, ctx: SentenceContext, kind: str, lo: int, hi: int) -> tuple[Count, ...]:
        sent = ctx.sent
        out = [k for k, _ in self._harm_counts(ctx, lo, hi)] if kind == "harm" else []
        for k in ctx.counts:
            if not lo <= k.token_start - sent.first < hi:
                continue
            if kind == "harm":
                continue
            if kind in ("deployment", "withdrawal") and (k.counted in ("soldiers", "fighters")
                                                           or k.event in ("deployed", "withdrawn")) or kind == "attack" and k.event in ("killed", "injured", "launched"):
                out.append(k)
        return tuple(out)

    def _cause(self, ctx: SentenceContext, kind: str, lo: int, hi: int, trig: ConceptMatch, actor: Entity | None,
               cues: list[str]) -> str:
        sent = ctx.sent
        if kind == "attack":
            return "violence"

        def decide(a: int, b: int, concepts: Iterable[ConceptMatch], s: ClauseSentence,
                   explosion: bool = False) -> str | None:
            present = {c.concept for c in concepts if not self._cyber(s, c.token_start)}
            for cat, name in CAUSE_ORDER:
                if (cat == "explosion") != explosion:
                    continue
                hit = s.hits(f"cause:{cat}", a, b)
                if hit or present & self.cues.cause_concepts.get(cat, frozenset()):
                    cues.append(hit[0][1] if hit else sorted(present & self.cues.cause_concepts[cat])[0])
                    return name
            return None

        clause_concepts = [c for c in ctx.concepts if lo <= c.token_start - sent.first < hi]
        found = decide(lo, hi, clause_concepts, sent)
        if found:
            return found
        if ctx.sport:
            cues.append("sport")
            return "sport"  # "der verletzte Kapitän": an article about a match
        t_lo = trig.token_start - sent.first
        armed = [c for c in clause_concepts if self.cues.theme_concepts.get(c.concept) in FORCE_KINDS | {"police"}
                 and not self._patient_side(ctx, c.token_start - sent.first, t_lo, self._passive(sent, lo, t_lo))]
        if armed:
            cues.append(armed[0].text)
            return "violence"  # "soldiers killed three", "wurden von Polizisten erschossen"
        if (actor is not None and actor.kind in ("country", "armed_forces", "armed_group")
                and trig.text.lower() in ACTIVE_KILL and actor.token_start < trig.token_start):
            cues.append(actor.text)
            return "violence"  # "Israel kills five in Gaza"
        found = decide(0, len(sent.tokens), ctx.concepts, sent)
        if found:
            return found
        # the sentence before, and the lead: "A car bomb exploded in ... Four people were killed."
        others = [ctx.sentence(si) for si in dict.fromkeys((sent.index - 1, sent.index + 1, 0, 1))
                  if 0 <= si < len(ctx.ex.sentences) and si != sent.index]
        for other in others:
            found = decide(0, len(other.tokens), ctx.concepts_of(other.index), other)
            if found:
                return found
        # an explosion, and no accident named near it (the sentence after, the lead): a bomb's
        nearby = [sent, *others] + [ctx.sentence(si) for si in dict.fromkeys((sent.index + 2, 2))
                                    if si < len(ctx.ex.sentences)
                                    and si not in (sent.index, *[o.index for o in others])]
        for s_ in [sent, *others]:
            if decide(0, len(s_.tokens), (), s_, explosion=True):
                if any(s2.hits("cause:accident", 0, len(s2.tokens)) for s2 in nearby):
                    cues.append("accident nearby")
                    return "accident"
                if self._accident_article(ctx):
                    cues.append("accident in the article")
                    return "accident"
                return "violence"
        return "unknown"

    def _accident_article(self, ctx: SentenceContext) -> bool:
        """An accident named somewhere in the article and no violence anywhere ("explosions in the
        port ... hazardous chemicals stored in a warehouse"): an explosion there is an accident's."""
        if "accident_article" not in ctx.shared:  # once per article
            accident = False
            for si in range(len(ctx.ex.sentences)):
                s_ = ctx.sentence(si)
                if s_.hits("cause:violence", 0, len(s_.tokens)):
                    accident = False
                    break
                accident = accident or bool(s_.hits("cause:accident", 0, len(s_.tokens)))
            ctx.shared["accident_article"] = accident
        return ctx.shared["accident_article"]

    def _lead_place(self, ex: Extraction, entities_in: dict[int, list[Entity]]) -> Entity | None:
        """The place the lead (headline and first sentence) is about: a place after a place
        preposition, or a city or region; a country only after a preposition ("US Marines" is no
        place)."""

        for si in range(min(2, len(ex.sentences))):
            places = [e for e in entities_in.get(si, []) if e.type in PLACE_TYPES and e.kind not in NON_PLACE_KINDS
                      and (e.kind in ("city", "region", "district", "feature") or has_role(ex, e, "place"))]
            if places:
                return most_specific(places)
        return None
