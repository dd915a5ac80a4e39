"""Topics a chat can subscribe to, and which papers of a digest match them.

A topic is a built-in slug (``llm``, ``vision`` ... each a set of English and Korean
keywords) or free text (``gaussian splatting``), optionally with exclusions (``-survey``).
A topic is matched with the same phrase quoting as search (Hangul bigrams, porter stemming,
accents folded); ``bot.understand.topics`` matches them against a digest's papers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.limits import TOPIC_CHARS
from bot.core.query import match_expression, split_terms
from bot.core.user_text import clean

EVERYTHING = "*"

# slug -> keywords (English and Korean). Each keyword is one phrase; any of them matches. Lists
# widened in issue 12 where the hand-labelled tune half showed misses (tests/data/topic_labels.tsv).
BUILTIN: Mapping[str, tuple[str, ...]] = {
    "llm": ("llm", "large language model", "language model", "gpt", "llama", "qwen",
        "instruction tuning", "retrieval-augmented", "대형 언어 모델", "대규모 언어 모델",
        "언어 모델"),
    "multimodal": ("multimodal", "multi-modal", "vision-language", "vlm", "mllm", "lmm",
        "audio-visual", "visual question answering", "vqa", "any-to-any", "omni", "멀티모달",
        "다중 모달", "비전-언어"),
    "vision": ("vision", "image", "visual", "segmentation", "object detection",
        "image generation", "image editing", "text-to-image", "이미지", "비전", "시각"),
    "video": ("video", "비디오", "동영상", "spatio-temporal", "spatiotemporal", "spatial-temporal",
        "시공간"),
    "3d": ("3d", "nerf", "gaussian splatting", "splatting", "radiance field", "point cloud",
        "mesh", "avatar", "novel view synthesis", "4d", "cad", "3차원", "3D"),
    "audio": ("audio", "speech", "music", "sound", "voice", "tts", "asr", "text-to-speech",
        "vocoder", "waveform", "오디오", "음성", "음악"),
    "robotics": ("robot", "robotics", "embodied", "manipulation", "vla",
        "vision-language-action", "autonomous driving", "humanoid", "locomotion", "quadruped",
        "drone", "uav", "navigation", "로봇", "로보틱스", "자율 주행", "휴머노이드"),
    "rl": ("reinforcement learning", "rlhf", "reward model", "policy optimization", "ppo",
        "grpo", "dpo", "preference optimization", "rlvr", "on-policy", "off-policy",
        "policy gradient", "강화 학습", "강화학습", "보상 모델"),
    "agents": ("agent", "agentic", "tool use", "tool-use", "gui", "harness", "multi-agent",
        "에이전트"),
    "code": ("code generation", "coding", "programming", "software engineering", "software",
        "code", "swe", "repository", "program synthesis", "compiler", "terminal", "코드 생성",
        "코딩", "프로그래밍", "소프트웨어"),
    "reasoning": ("reasoning", "chain-of-thought", "chain of thought", "mathematical", "math",
        "theorem", "proof", "logical", "추론", "수학"),
    "safety": ("safety", "jailbreak", "red teaming", "red-teaming", "harmful", "guardrail",
        "privacy", "unlearning", "watermark", "watermarking", "adversarial attack",
        "adversarial robustness", "attack", "deepfake", "toxic", "moderation",
        "prompt injection", "backdoor", "안전", "탈옥", "개인정보", "언러닝", "워터마크", "공격"),
    "efficiency": ("efficient", "efficiency", "quantization", "pruning", "distillation",
        "inference speed", "sparse", "kv cache", "speculative decoding", "compression",
        "lightweight", "low-rank", "lora", "parameter-efficient", "peft", "on-device",
        "mobile", "acceleration", "latency", "real-time", "one-step", "few-step",
        "linear attention", "효율", "양자화", "경량화", "증류", "가속", "압축"),
    "diffusion": ("diffusion", "denoising", "score-based", "flow matching",
        "consistency model", "score distillation", "rectified flow", "dit",
        "diffusion transformer", "ddpm", "확산 모델", "디퓨전"),
    "data": ("dataset", "data curation", "synthetic data", "benchmark", "corpus",
        "data mixture", "annotation", "testbed", "data engine", "데이터셋", "데이터 세트",
        "합성 데이터", "벤치마크"),
}  # fmt: skip


class TopicError(ValueError):
    """The topic text holds nothing to match (only punctuation, only exclusions)."""


class TopicTooLong(TopicError):
    """A topic over ``TOPIC_CHARS``: refused whole, nothing stored."""


@dataclass(frozen=True)
class Topic:
    """One subscription topic, stored as ``key`` (its normalized text)."""

    key: str

    @property
    def is_everything(self) -> bool:
        return self.key == EVERYTHING

    def expression(self) -> str:
        """The FTS5 expression: any keyword (or all words of free text), minus exclusions."""
        terms, excluded = split_terms(self.key)
        if not terms:
            raise TopicError(self.key)
        if len(terms) == 1 and terms[0] in BUILTIN:
            return match_expression(list(BUILTIN[terms[0]]), excluded, any_of=True, exact=True)
        return match_expression(terms, excluded)


def parse_topics(text: str) -> list[Topic]:
    """``/subscribe`` arguments → topics.

    Built-in slugs are separate topics (``llm vision`` is two); other text is one topic
    (``gaussian splatting``) unless commas separate several. Exclusions (``-survey``) apply to
    each topic they are written with. Nothing → everything. Invisible characters are dropped
    (``user_text.clean``); a topic over ``TOPIC_CHARS`` raises ``TopicTooLong``.
    """
    text = clean(text)
    if not text:
        return [Topic(EVERYTHING)]
    topics: list[Topic] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        terms, excluded = split_terms(part.lower())
        if not terms:
            raise TopicError(part)
        minus = "".join(f" -{e}" for e in excluded)
        if all(t in BUILTIN for t in terms):
            topics.extend(Topic(f"{t}{minus}") for t in terms)
        else:
            topics.append(Topic(f"{' '.join(terms)}{minus}"))
    if not topics:
        raise TopicError(text)
    for topic in topics:
        if len(topic.key) > TOPIC_CHARS:
            raise TopicTooLong(topic.key)
    return list(dict.fromkeys(topics))  # in order, without repeats
