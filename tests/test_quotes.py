"""Checked quotes (issue 29): whitespace, hyphenation and typography differences are
accepted; an invented quote, a changed word or a quote from another paper is refused."""

from __future__ import annotations

import pytest

from bot.core.fulltext import Section
from bot.summarize.quotes import check_quote, fold

PAPER = [
    Section("Abstract", "We present Oryx, a unified multi-modal architecture for the spatial-"
            "temporal understanding of images, videos, and multi-view 3D scenes."),
    Section("3 Method › 3.1 OryxViT", "The encoder adapts positional embeddings to arbitrary\n"
            "resolutions; it is trained on 4.3M image–text pairs with a ﬁxed learning rate."),
    Section("4 Experiments", "On VideoMME, Oryx-7B reaches 58.3% accuracy, outperforming "
            "LLaVA-Video by 2.1 points."),
]  # fmt: skip
OTHER_PAPER = [Section("Abstract", "LVCD colorizes lineart videos with a diffusion model.")]


@pytest.mark.parametrize(
    "quote",
    [
        "Oryx-7B reaches 58.3% accuracy",  # as written
        "adapts positional embeddings to arbitrary resolutions",  # across a line break
        "the spatial-temporal understanding of images",  # hyphen at a line end, kept
        "trained on 4.3M image-text pairs with a fixed learning rate",  # en dash, ligature
        "ORYX, A UNIFIED MULTI-MODAL ARCHITECTURE",  # case
        "  outperforming   LLaVA-Video by 2.1 points.  ",  # spaces
    ],
)
def test_a_faithful_quote_is_found_with_its_section(quote):
    checked = check_quote(quote, PAPER)
    assert checked.section is not None, checked


def test_the_section_is_where_the_quote_is():
    assert check_quote("reaches 58.3% accuracy", PAPER).section == "4 Experiments"
    assert check_quote("arbitrary resolutions", PAPER).section == "3 Method › 3.1 OryxViT"


@pytest.mark.parametrize(
    ("quote", "reason"),
    [
        ("Oryx-7B reaches 61.3% accuracy", "not in the paper"),  # a changed number
        ("Oryx outperforms GPT-4o on every benchmark", "not in the paper"),  # invented
        ("colorizes lineart videos with a diffusion model", "not in the paper"),  # another paper
        ("Oryx", "too short to show anything"),
        ("x" * 500, "too long to be a quote"),
    ],
)
def test_a_quote_the_paper_does_not_hold_is_refused(quote, reason):
    checked = check_quote(quote, PAPER)
    assert checked.section is None and checked.reason == reason
    assert check_quote("colorizes lineart videos with a diffusion model", OTHER_PAPER).section


def test_hyphenation_across_a_break_joins_the_word():
    assert fold("repre-\nsentation learning") == "representation learning"
    assert fold("state-of-the-art") == "state-of-the-art"  # a real hyphen stays


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        # a model's added full stop, a quote cut mid-sentence
        ("The encoder adapts positional embeddings to arbitrary.", True),
        ("The encoder adapts positional embeddings; trained.", False),  # words changed
        # an ellipsis for words left out: each piece in order, in one section
        ("The encoder adapts … embeddings to arbitrary", True),
        ("The encoder adapts ... positional embeddings", True),
        ("positional embeddings … The encoder adapts", False),  # out of order
        ("The encoder … arbitrary", False),  # a piece too short to mean anything
    ],
)
def test_added_full_stops_and_ellipses(quote: str, found: bool):
    assert (check_quote(quote, PAPER).section is not None) is found


def test_citation_marks_do_not_count():
    sections = [Section("2 Related Work", "Back-translation is standard for text [3]. It helps.")]
    assert check_quote("Back-translation is standard for text.", sections).section
    assert check_quote("Back-translation is standard for text [3, 4].", sections).section
