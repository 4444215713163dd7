"""Number conflicts read number phrases with figures.numbers: intervals, number words, qualifiers."""

from __future__ import annotations

from dedupe.compare.divergence import number_conflict


def test_number_words_equal_their_digits() -> None:
    assert number_conflict("Nine doctors left the city.", "9 doctors left the city.") is None
    assert number_conflict("1.2 million people fled.", "1,200,000 people fled.") is None


def test_bounds_that_admit_each_other_are_no_conflict() -> None:
    assert number_conflict("At least 400 people were killed.", "500 people were killed.") is None
    assert number_conflict("At least 128 passengers were missing.", "Nearly 180 passengers are missing.") is None
    assert number_conflict("About 500 people were killed.", "480 people were killed.") is None


def test_disjoint_intervals_conflict_with_qualifiers_as_written() -> None:
    assert number_conflict("Fewer than 100 people were killed.", "At least 400 people were killed.") == \
        (("Fewer than 100 people",), ("At least 400 people",))
    assert number_conflict("About 500 people were killed.", "400 people were killed.") == \
        (("About 500 people",), ("400 people",))


def test_function_words_between_number_and_noun_are_skipped() -> None:
    assert number_conflict("29,400 had been evacuated.", "230,000 had been evacuated.") == \
        (("29,400 had been evacuated",), ("230,000 had been evacuated",))


def test_dates_times_and_ordinals_are_not_quantities() -> None:
    assert number_conflict("It struck at 9:59 p.m. on 28 September.",
                           "It struck at 10:02 p.m. on 29 September.") is None
    assert number_conflict("The 21st brigade moved.", "The 22nd brigade moved.") is None
