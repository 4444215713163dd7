"""Tests of dedupe.compare.claims: claims versus page furniture, on rules and on the seed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.compare.claims import (
    ClaimConfig,
    claim_content,
    extract_claims,
    furniture_reason,
    is_credit,
    lead_speaker,
    quotation_open,
)
from dedupe.corpus.load import load_corpus
from dedupe.corpus.documents import Document, Origin
from dedupe.errors import ConfigError
from dedupe.segment import segment_document

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def seeds():  # type: ignore[no-untyped-def]
    return [segment_document(d) for d in load_corpus([str(DATA)]).documents]


@pytest.mark.parametrize(("text", "reason"), [
    ("PHOTO: US Secretary of State John Kerry and Russian Foreign Minister Sergei Lavrov", "caption"),
    ("Pressure: Russian Foreign Minister Sergey Lavrov, left, called on Syria to comply", "caption"),
    ("US Secretary of State John Kerry (left) and Russian Foreign Minister Sergei Lavrov holding talks", "caption"),
    ("Tags: US | Russia | Operation | Aleppo | assault |", "tags"),
    ("By TOM GARDNER", "byline"),
    ("Join our new commenting forum", "call to action"),
    ("No comments:", "call to action"),
    ("RELATED STORIES:", "link"),
    ("See Syria Daily, Sept 29: Kerry Warns Russia, But Moscow Keeps Bombing Aleppo", "link"),
    ("Battlefield After Bombardment", "heading"),
    ("Lazuardy Fahmi AP Photo", "credit"),
    ("WASHINGTON, September 28, 2016", "heading"),
    ("Tuesday 23 July 2024", "heading"),   # a date is no count: still a heading
    ("Pressure: Lavrov (left) met Kerry.", "caption"),
    ("busra-al-sham-protest-09-16", "too short"),
    ("And what\u2019s happening?\u201d", "too short"),  # a quoted question states nothing
    ("All but one were British.", "too short"),   # two content words and no count of people
    ("Two people", "too short"),                   # a count without a verb or a full stop
    # a wire photo caption ends with its picture's date (toba-02, tune)
    ("Indonesian search and rescue team on the boat search for a ferry which sank on Monday, in Toba lake, North "
     "Sumatera, Indonesia, Tuesday, June 19, 2018.", "caption"),
    ("Members of a search and rescue team look for victims on Lake Toba, Indonesia, June 19, 2018.", "caption"),
])
def test_furniture_rules(text: str, reason: str) -> None:
    assert ("credit" if is_credit(text) else furniture_reason(text)) == reason


@pytest.mark.parametrize("text", [
    "He added: 'We are calling on the Syrian leadership to agree on placing chemical weapons under control.'",
    "- .Kerry: 'We have no better partner than Great Britain'",
    "Kerry again spoke with Lavrov on Thursday.",
    "US warns Russia it will ‘cut ties’ over Syria unless bombing in Aleppo stops",
    "Red Cross: 14 Doctors Left in Opposition Areas of Aleppo",   # a sub-heading that states a claim
    "White House: Options Being Considered",
    "Russia: We Will Continue Bombing",
    "Jakarta: At least 56 people are still missing after a ferry accident in Lake Toba yesterday afternoon.",
    "WASHINGTON: Secretary of State John Kerry told Sergei Lavrov that Washington was preparing to end talks.",
    "Jakarta: At least 56 people are still missing.",   # a short dateline lead that counts people
    "Death Toll Rises to 72 in Cebu Quake",             # a title-case headline that counts people
    "Over 160 Missing After Ferry Sinks",
    "What I can see are all ruins.\u201d",   # a quotation states a claim with one content word fewer
    "\u201cBut there is still hope.\u201d",
    "That\u2019s a fact.\u201d",        # a quoted statement needs one content word (seed 003's gold claim)
    "\u201cI was desperate.",           # toba-03 (tune): what a survivor said
    "The ferry sank on Monday, June 18, 2018, the police said.",   # a date inside a sentence
    "Rescuers resumed the search for the missing passengers on Wednesday, June 20, 2018",
    "A further 856 people were rescued.",   # Reuters 2958 (tune): a short sentence that counts people
    "32 people died.",
])
def test_claims_are_not_furniture(text: str) -> None:
    assert furniture_reason(text) is None


def test_a_sentence_inside_a_quotation_is_quoted_speech() -> None:
    # toba-03 (tune); the last sentence alone in its paragraph
    text = ("A survivor said the vessel was rocked by high waves before suddenly sinking.\n"
            "\u201cI was desperate. I was scared to death.\n\nI was scared to death.")
    segmented = segment_document(Document("d", "o", "", "", None, text, Origin("d")))
    result = extract_claims([segmented])
    assert [c.text for c in result.claims][1:] == ["\u201cI was desperate.", "I was scared to death."]
    assert [(f.reason, f.text) for f in result.furniture] == [("too short", "I was scared to death.")]
    assert furniture_reason("I was scared to death.") == "too short"
    assert furniture_reason("I was scared to death.", in_quotation=True) is None


@pytest.mark.parametrize(("text", "before", "after"), [
    ("\u201cI was desperate.", False, True),
    ("I was scared to death,\u201d she said.", True, False),
    ('"We will not stop," he said.', False, False),
    ('He said: "We will not stop.', False, True),
    ("It\u2019s the survivors\u2019 word.", True, True),  # single quotes are apostrophes
])
def test_quotation_open(text: str, before: bool, after: bool) -> None:
    assert quotation_open(text, before) is after


def test_seed_furniture_golden(seeds) -> None:  # type: ignore[no-untyped-def]
    furniture = {(f.doc_id[:3], f.start, f.end, f.line): f.reason for f in extract_claims(seeds).furniture}
    assert furniture[("001", 3528, 3630, 28)] == "repeated"   # the doubled al-Moallem line: the first is the claim
    assert furniture[("001", 1195, 1398, 15)] == "caption"
    assert furniture[("003", 4461, 4490, 47)] == "call to action"
    assert furniture[("004", 0, 82, 1)] == "caption"
    assert furniture[("000", 2011, 2027, 13)] == "link"


def test_the_sentence_before_a_picture_credit_is_a_caption() -> None:
    text = ("Relatives wait for news at the port on Wednesday.\n(Binsar Bakkara / Associated Press)\n"
            "The boat was five times over its passenger capacity of 43, the minister said.")
    segmented = segment_document(Document("d", "o", "", "", None, text, Origin("d")))
    result = extract_claims([segmented])
    assert [(f.reason, f.text[:9]) for f in result.furniture] == [("caption", "Relatives"), ("credit", "(Binsar B")]
    assert [c.text[:7] for c in result.claims] == ["The boa"]


def test_long_sentence_is_cut_into_clauses_with_exact_offsets(seeds) -> None:  # type: ignore[no-untyped-def]
    claims = [c for c in extract_claims(seeds).claims if c.doc_id.startswith("004") and c.sentence == 8]
    assert [(c.start, c.end, c.line, c.clause) for c in claims] == [(804, 909, 17, 0), (911, 1024, 17, 1)]
    assert claims[1].text.startswith("and said that the US holds Russia responsible")
    assert len(extract_claims(seeds, ClaimConfig(clause_min_words=0)).claims) < len(extract_claims(seeds).claims)


def test_every_claim_is_its_text(seeds) -> None:  # type: ignore[no-untyped-def]
    texts = {d.doc.id: d.doc.text for d in seeds}
    result = extract_claims(seeds)
    assert result.claims
    for claim in result.claims:
        assert texts[claim.doc_id][claim.start:claim.end] == claim.text
    outlets = {c.outlet for c in result.claims}
    assert outlets == {"The Sun", "Daily Mail", "Reuters", "The Independent", "EA WorldView"}


def test_boilerplate_recurring_in_one_outlet() -> None:
    footer = "Sign-up today for exclusive offers from our partners across the whole region."
    texts = [f"Story number {i} says prices rose sharply.\n{footer}" for i in range(3)]
    docs = [segment_document(Document(f"d{i}", "Site", "", "", None, text, Origin(f"d{i}")))
            for i, text in enumerate(texts)]
    result = extract_claims(docs)
    assert {f.reason for f in result.furniture} == {"boilerplate"}
    assert len(result.claims) == 3
    assert len(extract_claims(docs[:2]).claims) == 4


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_furniture_reason_never_raises(text: str) -> None:
    reasons = {None, "tags", "byline", "call to action", "link", "caption", "heading", "too short"}
    assert furniture_reason(text) in reasons


def test_claim_config_validation() -> None:
    with pytest.raises(ConfigError, match="min content words"):
        ClaimConfig(min_content_words=0)
    with pytest.raises(ConfigError, match="boilerplate"):
        ClaimConfig(boilerplate_min_docs=1)


@pytest.mark.parametrize(("text", "content"), [
    ("Kerry said on Monday that the US would suspend talks with Russia.", "the US would suspend talks with Russia."),
    ("According to Xinhua, 589 people were killed in the quake.", "589 people were killed in the quake."),
    ("At least 56 people are missing, according to the rescue agency.", "At least 56 people are missing"),
    ("The quake struck Ludian county on Sunday, killing 367 people, the ministry said on Monday.",
     "The quake struck Ludian county on Sunday, killing 367 people"),
    ("Transportation, electricity and telecommunications were cut off in Ludian county, CCTV said.",
     "Transportation, electricity and telecommunications were cut off in Ludian county"),
    ('"We will not stop," he said.', '"We will not stop," he said.'),  # too little left: kept whole
    ("The boat was five times over its capacity.", "The boat was five times over its capacity."),
    # toba (tune): what follows the verb is the claim, not a speaker; the speaker's apposition is the attribution's
    ("Budiawan, who uses one name, said the vessel did not have a passenger manifest.",
     "the vessel did not have a passenger manifest."),
    ("It released the names of 94 people confirmed as missing but said the figure is expected to rise.",
     "It released the names of 94 people confirmed as missing but said the figure is expected to rise."),
    ("Authorities have been relying on families who have reported that missing relatives may have been aboard.",
     "Authorities have been relying on families who have reported that missing relatives may have been aboard."),
    ("Authorities had previously said at least 80 people were thought to be on board.",
     "at least 80 people were thought to be on board."),
    ("Police said in a statement that 18 people were rescued and one body was recovered.",
     "18 people were rescued and one body was recovered."),
    ("Ma Liya, a resident of Zhaotong, told Xinhua that the streets there were like a battlefield.",  # ludian (tune)
     "the streets there were like a battlefield."),
    ("It\u2019s possible many victims were inside the sunken ferry, said police chief Paulus Waterpauw.",
     "It\u2019s possible many victims were inside the sunken ferry"),
    ("Officials said the number that was reported had risen.", "the number that was reported had risen."),
    # MRPC train sentences: a relative clause describes the speaker; an opening conjunction is no part of the name;
    # a claim between commas is no apposition
    ('"It was a brazen attempt at intimidation," said a Republican legislator who attended the meeting.',
     '"It was a brazen attempt at intimidation'),
    ("A rebel who was captured said more than 2,000 insurgents were involved in the attack.",
     "more than 2,000 insurgents were involved in the attack."),
    ("But it said that the Danish ban had been effective in reducing the spread among food animals.",
     "the Danish ban had been effective in reducing the spread among food animals."),
    ("Before yesterday, 19 firefighters had died on duty this year, said Tracey Powers, a spokeswoman.",
     "Before yesterday, 19 firefighters had died on duty this year, said Tracey Powers, a spokeswoman."),
    ("Tony winners will be announced June 8 in televised ceremonies from Radio City Music Hall.",
     "Tony winners will be announced June 8 in televised ceremonies from Radio City Music Hall."),
    # Reuters (tune): when it was said after the verb, a number in the apposition, an apposition in the tail
    ("The ferry was sinking off the Belgian coast with 463 people on board, the Dutch newsagency ANP reported today.",
     "The ferry was sinking off the Belgian coast with 463 people on board"),
    ("Townsend Thorensen, owners of the 7,951 tonne Herald of Free Enterprise, said the ferry was carrying 543 people.",
     "the ferry was carrying 543 people."),
    ("He said Iraq lost at least 3,000 men killed or wounded, IRNA, monitored by the British Broadcasting Corp, said.",
     "Iraq lost at least 3,000 men killed or wounded"),
    # Reuters 1938 (tune): ", said the troops ..." is the lead's verb, not a tail "said <speaker>"
    ('The Iranian news agency IRNA, received in London, said the troops "continued their successful advance',
     'the troops "continued their successful advance'),
])
def test_claim_content_strips_attribution(text: str, content: str) -> None:
    assert claim_content(text) == content


@pytest.mark.parametrize(("text", "speaker"), [
    ("A U.S. official said that the use of such weapons could open Russia up to charges.", {"u", "s", "official"}),
    ("The State Department said that it told Moscow it holds Russia responsible.", {"state", "department"}),
    ("Mr. Kerry told his counterpart the US was preparing to suspend talks.", {"mr", "kerry"}),
    ("According to the Ministry of Civil Affairs, the quake has also injured 1,400 people.",
     {"ministry", "civil", "affairs"}),
    ("Xinhua reported that 12,000 homes collapsed.", {"xinhua"}),  # the verb is no speaker
    ("He said the talks would go on.", set()),  # a pronoun names nobody
    ("and said that the US holds Russia responsible.", set()),
    ("The quake struck. Then officials said that 12 died.", set()),  # never across a sentence's end
    ("The US holds Russia responsible for the bombing.", set()),
    ("Kerry said on Monday that the US would suspend talks.", {"kerry"}),  # when is not who
    ("Officials late on Sunday said the toll had risen to 40.", {"officials"}),
    ("It released the names of 94 people but said the figure would rise.", set()),  # a clause, no speaker
    ("Budiawan, who uses one name, said the vessel did not have a manifest.", {"budiawan"}),
    ("Tehran radio said last night Iranian forces were in control of four mountain areas.", {"tehran", "radio"}),
])
def test_lead_speaker(text: str, speaker: set[str]) -> None:
    assert lead_speaker(text) == speaker


def test_adding_that_starts_a_clause() -> None:
    text = ("Many of the homes that collapsed in Ludian, which has a population of about 429,000, were old and made "
            "of brick, Xinhua said, adding that electricity and telecommunications were cut off in the county.")
    segmented = segment_document(Document("d", "o", "", "", None, text, Origin("d")))
    claims = extract_claims([segmented]).claims
    assert [c.text for c in claims][1] == "adding that electricity and telecommunications were cut off in the county."
    assert all(text[c.start:c.end] == c.text for c in claims)


@pytest.mark.parametrize(("text", "clauses"), [
    # Reuters 2955 and 3280 (tune gold, reuters21578): a "but" after a dash, a place's "where" after a comma
    ("About 200 people are feared dead after a British cross-channel ferry rolled on its side off the Belgian coast "
     "last night -- but almost 350 passengers were plucked to safety from the ice-cold sea.",
     ["About 200 people are feared dead after a British cross-channel ferry rolled on its side off the Belgian "
      "coast last night", "but almost 350 passengers were plucked to safety from the ice-cold sea."]),
    ("The head of the defence ministry political department, Abdul Jabbar Muhsen told Reuters in a telephone "
     "interview that fighting continues in the Kurdistan mountain region, where Iran launched its northern offensive "
     "last Tuesday night.",
     ["The head of the defence ministry political department, Abdul Jabbar Muhsen told Reuters in a telephone "
      "interview that fighting continues in the Kurdistan mountain region",
      "where Iran launched its northern offensive last Tuesday night."]),
    # Reuters 10220 (tune): a sentence that opens with a contrasting clause is cut at that clause's comma
    ("While bankworkers are demanding a 100 per cent pay rise, the private bankers would rather wait until next "
     "Monday, when a labour court is due to judge the legality of the stoppage, the spokesman said.",
     ["While bankworkers are demanding a 100 per cent pay rise",
      "the private bankers would rather wait until next Monday, when a labour court is due to judge the legality of "
      "the stoppage, the spokesman said."]),
    # a short sentence, or a part with too little content, is not cut
    ("The ferry sank, but nobody knows why.", ["The ferry sank, but nobody knows why."]),
    ("Rescue workers searched the collapsed houses of the mountain villages all through the night and the next day, "
     "but in vain.", ["Rescue workers searched the collapsed houses of the mountain villages all through the night "
                      "and the next day, but in vain."]),
])
def test_but_where_and_a_leading_contrast_start_a_clause(text: str, clauses: list[str]) -> None:
    segmented = segment_document(Document("d", "o", "", "", None, text, Origin("d")))
    claims = extract_claims([segmented]).claims
    assert [c.text for c in claims] == clauses
    assert all(text[c.start:c.end] == c.text for c in claims)
