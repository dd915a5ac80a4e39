"""What the model is asked: the paper, the three parts, in one language, as one JSON object.

``PROMPT_VERSION`` is part of every stored summary's key: change the wording, bump it, and
papers are summarised afresh instead of mixing two prompts' answers.
"""

from __future__ import annotations

from bot.core.models import Paper

PROMPT_VERSION = "1"

_LANGUAGE = {
    "ko": "Korean (한국어). Keep technical terms, model, method and dataset names in English "
    "in parentheses after their Korean, as in 대형 언어 모델(LLM)",
    "en": "English",
}

SYSTEM = (
    "You summarise one AI research paper for researchers who read the day's papers on their "
    "phones. Answer with one JSON object and nothing else, with exactly these keys: "
    '"whats_new" (what the paper contributes), "technical_details" (how it works), '
    '"performance_highlights" (the results, with the numbers the abstract gives). '
    "Each value is 2 to 4 plain sentences: no markdown, no HTML. Use only what the title and "
    "abstract say; name this paper's own method, models and datasets."
)


def messages(paper: Paper, lang: str, complaints: list[str]) -> list[dict[str, str]]:
    """The chat messages for one paper; ``complaints`` say what was wrong with earlier answers."""
    parts = [f"Title: {paper.title}", f"Abstract: {paper.abstract or paper.summary_text}"]
    if paper.ai_summary:
        parts.append(f"One-line summary: {paper.ai_summary}")
    if paper.ai_keywords:
        parts.append(f"Keywords: {', '.join(paper.ai_keywords)}")
    parts.append(f"Write the three values in {_LANGUAGE[lang]}.")
    chat = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]
    for complaint in complaints:
        chat.append({"role": "user", "content": f"Your last answer was unusable: {complaint}"})
    return chat
