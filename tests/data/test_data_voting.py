"""Aligned per-character voting over hand-made reads: majorities, confidences, ties, and
reads that drop or add characters."""

import random

import pytest

from plateplug.data.voting import align, edit_distance
from plateplug.readers import ScoredText
from plateplug.reading import Read, ReadingError, vote


def test_majority_per_character_beats_every_single_read():
    result = vote([Read("XB123"), Read("A8123"), Read("AB723")])
    assert result.text == "AB123" and result.reads == 3  # each read has one error


def test_confidence_weights_the_vote():
    reads = [Read("AB1", 0.9), Read("A81", 0.3), Read("A81", 0.3)]
    assert vote(reads).text == "AB1"  # 0.9 for B outweighs 0.6 for 8
    reads.append(Read("A81", 0.4))
    assert vote(reads).text == "A81"  # 1.0 for 8 now


def test_text_is_normalised_and_empty_reads_do_not_vote():
    result = vote([Read("ab-12 3", 0.8), Read("--", 1.0), Read("AB123", 0.6)])
    assert result.text == "AB123" and result.reads == 2
    assert vote([Read(""), Read(" - ")]) is None
    assert vote([]) is None


def test_reads_that_drop_a_character_still_vote_on_the_others():
    reads = [Read("AB123", 0.5), Read("AB23", 0.9), Read("XB123", 0.6), Read("AB12", 0.3)]
    result = vote(reads)
    # centre AB123 (weighted distance 0.9 + 0.6 + 0.3); AB23 and AB12 vote A over X
    assert result.text == "AB123"
    assert result.char_confidences == pytest.approx((1.7 / 4, 2.3 / 4, 1.4 / 4, 2.3 / 4,
                                                     2.0 / 4))


def test_a_lost_first_character_and_an_added_one_are_outvoted():
    reads = [Read("HHW650", 0.95), Read("1HHW650", 0.64), Read("1H7W650", 0.67),
             Read("HH7W650", 0.69), Read("HW650", 0.87)]  # five reads, five lengths
    assert vote(reads).text == "HHW650"
    # a dropped or an added character is outvoted by the reads without the change
    assert vote([Read("AB12", 0.9), Read("AB12", 0.8), Read("AB1", 0.7)]).text == "AB12"
    assert vote([Read("AB1", 0.9), Read("AB1", 0.8), Read("AB12", 0.7)]).text == "AB1"


def test_characters_added_to_the_centre_are_kept_when_their_reads_outweigh_the_others():
    # centre B12 (weighted distance 2.0 against 2.3); A is added by 0.5 + 0.5 against 0.9
    result = vote([Read("B12", 0.9), Read("AB13", 0.5), Read("AB14", 0.5)])
    assert result.text == "AB12"
    assert result.char_confidences == pytest.approx((1.0 / 3, 1.9 / 3, 1.9 / 3, 0.9 / 3))


def test_centre_tie_goes_to_more_confidence_then_more_reads_then_the_longer_text():
    assert vote([Read("AB12", 0.8), Read("AB1", 0.4), Read("AB1", 0.4)]).text == "AB1"
    assert vote([Read("AB12", 0.5), Read("AB1", 0.5)]).text == "AB12"


def test_character_tie_goes_to_the_most_confident_read_then_the_first():
    # B: 0.45 + 0.45 = 0.9 ties with 8: 0.9, and the single most confident read says 8
    assert vote([Read("AB", 0.45), Read("AB", 0.45), Read("A8", 0.9)]).text == "A8"
    assert vote([Read("AB", 0.7), Read("A8", 0.7)]).text == "AB"
    assert vote([Read("A8", 0.7), Read("AB", 0.7)]).text == "A8"


def test_confidence_is_the_weakest_character_over_all_reads():
    assert vote([Read("AB1", 0.8)]).confidence == pytest.approx(0.8)  # a lone read keeps it
    result = vote([Read("AB1", 0.9), Read("AB1", 0.7), Read("A81", 0.8)])
    assert result.char_confidences == pytest.approx((0.8, 1.6 / 3, 0.8))
    assert result.confidence == pytest.approx(1.6 / 3)
    # a read without the last character lowers that character's confidence
    result = vote([Read("AB1", 0.9), Read("AB1", 0.7), Read("AB", 0.8)])
    assert result.char_confidences == pytest.approx((0.8, 0.8, 1.6 / 3))


def test_zero_confidence_reads_count_but_do_not_weigh():
    result = vote([Read("AB", 0.0), Read("AB", 0.0), Read("CD", 0.2)])
    assert result.text == "CD" and result.confidence == pytest.approx(0.2 / 3)


def test_edit_distance_and_alignment():
    assert edit_distance("HHW650", "1H7W650") == 2
    assert edit_distance("", "AB") == 2 and edit_distance("AB", "AB") == 0
    aligned = align("ABC", "XABCY")  # added before the start and after the end
    assert aligned.chars == ("A", "B", "C") and aligned.inserted == ("X", "", "", "Y")
    aligned = align("AB123", "AB23")  # dropped: nothing at that position
    assert aligned.chars == ("A", "B", "", "2", "3") and set(aligned.inserted) == {""}
    assert align("AB", "A8").chars == ("A", "8")  # same length: position by position
    shifted = align("ABCD", "BCDE")  # unless a shift takes fewer edits (2 against 4)
    assert shifted.chars == ("", "B", "C", "D") and shifted.inserted == ("", "", "", "", "E")


def test_any_reads_vote_a_text_with_one_confidence_per_character():
    rng = random.Random(0)  # short texts of few characters: many drops, adds and ties
    for _ in range(3000):
        reads = [Read("".join(rng.choice("AB1") for _ in range(rng.randint(1, 4))),
                      rng.choice([0.0, 0.5, 1.0, rng.random()]))
                 for _ in range(rng.randint(1, 6))]
        result = vote(reads)
        assert result.text and len(result.char_confidences) == len(result.text)
        assert 0.0 <= result.confidence == min(result.char_confidences) <= 1.0


@pytest.mark.parametrize("confidence", [-0.1, 1.5, float("nan")])
def test_impossible_confidence_is_refused(confidence):
    with pytest.raises(ReadingError, match=r"confidence must be in \[0, 1\]"):
        Read("AB1", confidence)


def test_read_from_text_boxes_joins_them_and_keeps_the_lowest_score():
    read = Read.from_texts([ScoredText("ab", 0.9), ScoredText("-", 0.1),
                            ScoredText("12", 0.7)], frame=3)
    assert read == Read("AB12", 0.7, 3)
    assert Read.from_texts(["XY 9"]) == Read("XY9", 1.0)  # readers without scores count 1
    assert Read.from_texts([ScoredText("·", 0.9)]) is None
    assert Read.from_texts([]) is None
