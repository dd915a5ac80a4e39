"""Basic Korean ML terms over the English-only papers that arrive now.

Run: ``python -m bench.korean_terms [--words]`` (needs ../shared/corpus; ``--words`` skips
the sentence encoder). The archive is the shared 2026 Hugging Face API days, English-only.
Each of 24 Korean terms a reader types is searched as ``/search`` would; a hit is relevant
when the paper's title or abstract says the term's English form (a regular expression: a
proxy a person would mostly agree with, written before any search ran). Prints, per term and
mode, how many papers the answer holds and its precision@5, and for the English form the same:
issue 26 found 9 of 20 such terms answered nothing and a mean precision@5 of 0.27.
``--subscriptions`` subscribes each term in both languages instead and prints what share of
the English form's papers the Korean form brings (issue 26: 0.25).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.source.ingest import IngestReport, store_text
from bot.understand.search import MeaningRank, search
from bot.understand.semantic import Semantic
from storage.db import Database, connect

ROOT = Path(__file__).resolve().parents[1]
API_DAYS = ROOT.parent / "shared" / "corpus" / "hf_api"
# (Korean as typed, English query, what a relevant paper's title or abstract says)
TERMS = [
    ("강화학습", "reinforcement learning", r"reinforcement learning|\brl\b"),
    ("벤치마크", "benchmark", r"benchmark"),
    ("양자화", "quantization", r"quantiz"),
    ("환각", "hallucination", r"hallucinat"),
    ("코드 생성", "code generation", r"\bcode\b|coding"),
    ("확산 모델", "diffusion model", r"diffusion"),
    ("에이전트", "agent", r"agent"),
    ("로봇", "robot", r"robot"),
    ("추론", "reasoning", r"reason|inference"),
    ("멀티모달", "multimodal", r"multi-?modal|vision-language"),
    ("비디오 생성", "video generation", r"video"),
    ("음성 인식", "speech recognition", r"speech|\basr\b|audio"),
    ("지식 증류", "knowledge distillation", r"distill"),
    ("검색 증강 생성", "retrieval-augmented generation", r"retriev|\brag\b"),
    ("대형 언어 모델", "large language model", r"language model|\bllms?\b"),
    ("이미지 편집", "image editing", r"edit"),
    ("3차원 재구성", "3D reconstruction", r"\b3d\b|reconstruct"),
    ("데이터셋", "dataset", r"dataset|data"),
    ("미세 조정", "fine-tuning", r"fine-?tun"),
    ("안전성", "safety", r"safe|jailbreak|harm"),
    ("트랜스포머", "transformer", r"transformer"),
    ("어텐션", "attention", r"attention"),
    ("긴 문맥", "long context", r"long[- ]context|long[- ]horizon|long sequence"),
    ("텍스트 이미지 생성", "text-to-image generation", r"text-to-image|image generation"),
]

# Written 2026-12-07 before any search ran on them; even rows may guide changes, odd rows only
# report (bench.korean_terms --later).
LATER_TERMS = [
    ("자율주행", "autonomous driving", r"autonomous driving|self-driving|driving"),
    ("연합 학습", "federated learning", r"federated"),
    ("적대적 공격", "adversarial attack", r"adversarial|attack"),
    ("점군", "point cloud", r"point cloud"),
    ("객체 탐지", "object detection", r"detect"),
    ("의미 분할", "semantic segmentation", r"segment"),
    ("이미지 분류", "image classification", r"classif"),
    ("기계 번역", "machine translation", r"translat"),
    ("질의응답", "question answering", r"question|\bqa\b"),
    ("요약", "summarization", r"summar"),
    ("감정 분석", "sentiment analysis", r"sentiment|emotion"),
    ("추천 시스템", "recommender system", r"recommend"),
    ("그래프 신경망", "graph neural network", r"graph"),
    ("지식 그래프", "knowledge graph", r"knowledge graph"),
    ("자기지도 학습", "self-supervised learning", r"self-supervised"),
    ("대조 학습", "contrastive learning", r"contrastive"),
    ("전이 학습", "transfer learning", r"transfer"),
    ("메타 학습", "meta-learning", r"meta-?learn"),
    ("모델 압축", "model compression", r"compress|prun|quantiz|distill"),
    ("가지치기", "pruning", r"prun"),
    ("희소성", "sparsity", r"spars"),
    ("전문가 혼합", "mixture of experts", r"mixture[- ]of[- ]experts|\bmoe\b"),
    ("프롬프트", "prompt", r"prompt"),
    ("맥락 내 학습", "in-context learning", r"in-context"),
    ("사고의 사슬", "chain of thought", r"chain[- ]of[- ]thought|\bcot\b"),
    ("인간 피드백", "human feedback", r"human feedback|rlhf|preference"),
    ("선호 최적화", "preference optimization", r"preference"),
    ("보상 모델", "reward model", r"reward"),
    ("정렬", "alignment", r"align"),
    ("탈옥", "jailbreak", r"jailbreak"),
    ("워터마크", "watermark", r"watermark"),
    ("개인정보 보호", "privacy", r"privacy|private"),
    ("편향", "bias", r"bias|fair"),
    ("평가 지표", "evaluation metric", r"metric|evaluat"),
    ("합성 데이터", "synthetic data", r"synthetic"),
    ("데이터 증강", "data augmentation", r"augment"),
    ("토큰화", "tokenization", r"tokeniz"),
    ("임베딩", "embedding", r"embed"),
    ("웹 에이전트", "web agent", r"\bweb"),
    ("도구 사용", "tool use", r"\btool"),
    ("수학 추론", "mathematical reasoning", r"math"),
    ("소프트웨어 공학", "software engineering", r"software"),
    ("의료 영상", "medical imaging", r"medical|clinical|radiolog"),
    ("신약 개발", "drug discovery", r"drug|molecul"),
    ("단백질", "protein", r"protein"),
    ("기상 예측", "weather forecasting", r"weather|forecast|climate"),
    ("시계열", "time series", r"time[- ]series"),
    ("음성 합성", "speech synthesis", r"speech|\btts\b|voice"),
    ("음악 생성", "music generation", r"music"),
    ("장면 이해", "scene understanding", r"scene"),
    ("깊이 추정", "depth estimation", r"depth"),
    ("자세 추정", "pose estimation", r"pose"),
    ("동작 생성", "motion generation", r"motion"),
    ("시각 언어 모델", "vision-language model", r"vision-language|\bvlms?\b|multimodal"),
    ("문서 이해", "document understanding", r"document"),
    ("차트 이해", "chart understanding", r"chart|table"),
    (
        "광학 문자 인식",
        "optical character recognition",
        r"\bocr\b|optical character|text recognition",
    ),
    ("세계 모델", "world model", r"world model"),
    ("스케일링 법칙", "scaling law", r"scaling"),
    ("메모리 효율", "memory efficiency", r"memory"),
    ("장기 기억", "long-term memory", r"memory"),
    ("게임", "game", r"\bgame"),
    ("로봇 조작", "robot manipulation", r"manipulat"),
    ("내비게이션", "navigation", r"navigat"),
    ("자기 개선", "self-improvement", r"self-improv|self-evol|self-refin"),
    ("오디오 생성", "audio generation", r"audio|sound"),
]


# Written 2026-12-07 after the second list's results and before the glossary they led to was
# written: nothing was changed for these; they only report (bench.korean_terms --fresh).
FRESH_TERMS = [
    ("생성형 인공지능", "generative AI", r"generative"),
    ("이상 탐지", "anomaly detection", r"anomal"),
    ("얼굴 인식", "face recognition", r"\bfaces?\b|facial"),
    ("비디오 이해", "video understanding", r"video"),
    ("이미지 생성", "image generation", r"image generation|text-to-image|image synthesis"),
    ("초해상도", "super-resolution", r"super-resolution"),
    ("노이즈 제거", "denoising", r"denois"),
    ("스타일 전이", "style transfer", r"style"),
    ("대화 시스템", "dialogue system", r"dialog|conversation|chat"),
    ("챗봇", "chatbot", r"chat"),
    ("정보 검색", "information retrieval", r"retriev"),
    ("개체명 인식", "named entity recognition", r"entit"),
    ("다국어", "multilingual", r"multilingual|cross-lingual"),
    ("한국어", "Korean", r"korean"),
    ("저자원 언어", "low-resource language", r"low-resource|multilingual"),
    ("프로그램 합성", "program synthesis", r"program|\bcode"),
    ("논리 추론", "logical reasoning", r"logic"),
    ("계획 수립", "planning", r"\bplan"),
    ("다중 에이전트", "multi-agent", r"multi-agent"),
    ("모방 학습", "imitation learning", r"imitation|demonstration"),
    ("오프라인 강화학습", "offline reinforcement learning", r"offline"),
    ("보상 해킹", "reward hacking", r"reward hacking"),
    ("지속 학습", "continual learning", r"continual|lifelong|forgetting"),
    ("파국적 망각", "catastrophic forgetting", r"forgetting"),
    ("도메인 적응", "domain adaptation", r"domain"),
    ("분포 변화", "distribution shift", r"distribution shift|out-of-distribution"),
    ("불확실성", "uncertainty", r"uncertain"),
    ("설명 가능성", "explainability", r"explainab|interpretab"),
    ("해석 가능성", "interpretability", r"interpretab|mechanistic"),
    ("공정성", "fairness", r"\bfair"),
    ("독성", "toxicity", r"toxic"),
    ("추측 디코딩", "speculative decoding", r"speculative"),
    ("긴 동영상", "long video", r"long video|long-form video|hour-long"),
    ("가우시안 스플래팅", "Gaussian splatting", r"splat"),
    ("신경 방사장", "neural radiance field", r"radiance|nerf"),
    ("아바타", "avatar", r"avatar"),
    ("가상 착용", "virtual try-on", r"try-on"),
    ("위성 영상", "satellite imagery", r"satellite|remote sensing"),
    ("화학", "chemistry", r"chemi|molecul"),
    ("교육", "education", r"educat|student|tutor"),
    ("금융", "finance", r"financ"),
    ("법률", "legal", r"legal|\blaw"),
]


# Written 2026-12-07 after the glossary and the glosses were in, before any search ran on
# them: the clean held-out check of what shipped (bench.korean_terms --last).
LAST_TERMS = [
    ("이미지 캡셔닝", "image captioning", r"caption"),
    ("비디오 편집", "video editing", r"edit"),
    ("음성 대화", "spoken dialogue", r"spoken|speech|voice|dialog"),
    ("코드 리뷰", "code review", r"review"),
    ("버그 수정", "bug fixing", r"\bbugs?\b|repair|\bfix"),
    ("단위 테스트", "unit test", r"unit test|\btests?\b|testing"),
    ("기하 문제", "geometry problems", r"geometr"),
    ("과학적 발견", "scientific discovery", r"scientific|discover|science"),
    ("문헌 검토", "literature review", r"literature|survey|review"),
    ("재순위화", "reranking", r"rerank|re-rank|ranking"),
    ("밀집 검색", "dense retrieval", r"retriev"),
    ("지식 편집", "knowledge editing", r"edit"),
    ("모델 병합", "model merging", r"merg"),
    ("저비트 양자화", "low-bit quantization", r"quantiz|low-bit"),
    ("추론 비용", "inference cost", r"inference|cost|efficien"),
    ("에이전트 메모리", "agent memory", r"memory"),
    ("자기 성찰", "self-reflection", r"reflect"),
    ("검증기", "verifier", r"verif"),
    ("과정 보상 모델", "process reward model", r"process reward|reward"),
    ("탐험", "exploration", r"explor"),
    ("궤적", "trajectory", r"trajector"),
    ("시뮬레이터", "simulator", r"simulat"),
    ("인간 동작", "human motion", r"motion"),
    ("장면 생성", "scene generation", r"scene"),
    ("텍스처", "texture", r"textur"),
    ("조명", "lighting", r"light"),
    ("방사선 보고서", "radiology report", r"radiolog|report|medical"),
    ("유전체", "genomics", r"genom|\bdna\b|\bgenes?\b"),
    ("뇌", "brain", r"brain|neur"),
    ("기후", "climate", r"climate|weather"),
    ("사이버 보안", "cybersecurity", r"secur|cyber|vulnerab"),
    ("데이터 오염", "data contamination", r"contaminat|leak"),
    ("데이터 필터링", "data filtering", r"filter"),
    ("인간 평가", "human evaluation", r"human"),
    ("개인화", "personalization", r"personaliz"),
    ("역할극", "role-playing", r"role"),
    ("문법 오류", "grammatical error", r"grammat"),
    ("오픈 소스", "open source", r"open[- ]source"),
    ("엣지 디바이스", "edge device", r"\bedge\b|device|mobile"),
    ("분산 학습", "distributed training", r"distributed|parallel"),
]


# Written 2026-12-07, in the session after the fourth list reported, before any search ran on
# them and before that session changed anything: they only report (bench.korean_terms --fifth).
FIFTH_TERMS = [
    ("컴퓨터 비전", "computer vision", r"vision|visual|image"),
    ("자연어 처리", "natural language processing", r"language"),
    ("신경망", "neural network", r"neural|network"),
    ("손실 함수", "loss function", r"\bloss"),
    ("최적화", "optimization", r"optimi"),
    ("경사 하강법", "gradient descent", r"gradient"),
    ("학습률", "learning rate", r"learning rate|schedul"),
    ("과적합", "overfitting", r"overfit|generaliz"),
    ("일반화", "generalization", r"generaliz"),
    ("데이터 품질", "data quality", r"quality"),
    ("주석", "annotation", r"annotat|label"),
    ("레이블 노이즈", "label noise", r"label|nois"),
    ("능동 학습", "active learning", r"active learning|sample selection"),
    ("약지도 학습", "weakly supervised learning", r"weak"),
    ("제로샷", "zero-shot", r"zero-shot"),
    ("퓨샷", "few-shot", r"few-shot"),
    ("시각적 질의응답", "visual question answering", r"question|\bvqa\b"),
    ("영상 분할", "image segmentation", r"segment"),
    ("객체 추적", "object tracking", r"track"),
    ("행동 인식", "action recognition", r"action"),
    ("의류", "garment", r"garment|cloth"),
    ("3차원 생성", "3D generation", r"\b3d\b"),
    ("메시", "mesh", r"mesh"),
    ("비디오 예측", "video prediction", r"video"),
    ("자율 에이전트", "autonomous agent", r"agent"),
    ("사용자 인터페이스", "user interface", r"\bgui\b|interface|\bui\b"),
    ("스마트폰", "smartphone", r"mobile|phone|android"),
    ("검색 엔진", "search engine", r"search"),
    ("질문 생성", "question generation", r"question"),
    ("사실 확인", "fact checking", r"fact"),
    ("허위 정보", "misinformation", r"misinformation|fake|decepti"),
    ("혐오 발언", "hate speech", r"hate|toxic|offensive"),
    ("저작권", "copyright", r"copyright|licens"),
    ("에너지 효율", "energy efficiency", r"energy|power"),
    ("하드웨어 가속", "hardware acceleration", r"hardware|\bgpus?\b|accelerat"),
    ("컴파일러", "compiler", r"compil"),
    ("수학 증명", "mathematical proof", r"proof|theorem"),
    ("물리 법칙", "physical laws", r"physic"),
    ("교통", "traffic", r"traffic|transport"),
    ("음성 복제", "voice cloning", r"voice|clon"),
]


# Written 2026-12-07 after the run-time glosses were in (bot/understand/glossing.py), before
# any search ran on them: the clean check of what that session shipped (--sixth).
SIXTH_TERMS = [
    ("감정 인식", "emotion recognition", r"emotion"),
    ("수화", "sign language", r"sign language"),
    ("필기 인식", "handwriting recognition", r"handwrit"),
    ("표 데이터", "tabular data", r"tabular|table"),
    ("코드 완성", "code completion", r"\bcode|completion"),
    ("증강 현실", "augmented reality", r"augmented reality|\bar\b|mixed reality"),
    ("가상 현실", "virtual reality", r"virtual reality|\bvr\b|immersive"),
    ("드론", "drone", r"drone|\buavs?\b|aerial"),
    ("보행자", "pedestrian", r"pedestrian"),
    ("위치 추정", "localization", r"locali"),
    ("지도", "map", r"\bmaps?\b|mapping"),
    ("농업", "agriculture", r"agricultur|\bcrops?\b|farm"),
    ("진단", "diagnosis", r"diagnos"),
    ("분자 생성", "molecule generation", r"molecul"),
    ("재료 과학", "materials science", r"material"),
    ("양자 컴퓨팅", "quantum computing", r"quantum"),
    ("회로 설계", "circuit design", r"circuit|\bchips?\b|hardware"),
    ("주식 예측", "stock prediction", r"stock|financ|market"),
    ("뉴스", "news", r"\bnews"),
    ("소셜 미디어", "social media", r"social"),
    ("광고", "advertising", r"advertis|\bads?\b"),
    ("전자상거래", "e-commerce", r"commerce|shopping|\bproducts?\b"),
    ("음식", "food", r"\bfood|recipe|cooking"),
    ("스포츠", "sports", r"sport|soccer|football|basketball"),
    ("애니메이션", "animation", r"animat"),
    ("만화", "comics", r"comic|manga|cartoon"),
    ("글꼴", "font", r"\bfonts?\b|typograph"),
    ("건축", "architecture", r"architectur|building"),
    ("실내 장면", "indoor scene", r"indoor"),
    ("날씨", "weather", r"weather|climate"),
    ("시선 추적", "gaze tracking", r"gaze|\beyes?\b"),
    ("립싱크", "lip sync", r"\blip"),
    ("노래 합성", "singing voice synthesis", r"sing"),
    ("윤리", "ethics", r"ethic"),
    ("규제", "regulation", r"regulat|governance|policy"),
    ("개인 비서", "personal assistant", r"assistant"),
    ("이메일", "email", r"e-?mail"),
    ("스프레드시트", "spreadsheet", r"spreadsheet|excel"),
    ("데이터베이스 질의", "database query", r"\bsql\b|database"),
    ("수학 문제 풀이", "math problem solving", r"math"),
]


# Written 2026-12-07 (ninth session) after the loanword reading and before that session changed
# anything or ran a search on them: the report for what it changes (--seventh).
SEVENTH_TERMS = [
    ("사전 학습", "pre-training", r"pre-?train"),
    ("지시 따르기", "instruction following", r"instruction"),
    ("상태 공간 모델", "state space model", r"state[- ]space|mamba"),
    ("위치 인코딩", "positional encoding", r"position"),
    ("소형 언어 모델", "small language model", r"small|compact|lightweight"),
    ("음성 번역", "speech translation", r"speech|translat"),
    ("비디오 검색", "video retrieval", r"video"),
    ("이미지 복원", "image restoration", r"restor|denois|deblur|super-resolution"),
    ("비전 트랜스포머", "vision transformer", r"vision transformer|\bvits?\b"),
    ("체화 지능", "embodied AI", r"embodied"),
    ("휴머노이드", "humanoid", r"humanoid"),
    ("보행", "locomotion", r"locomotion|walking|legged"),
    ("물체 파지", "grasping", r"grasp"),
    ("장면 그래프", "scene graph", r"scene graph"),
    ("공간 추론", "spatial reasoning", r"spatial"),
    ("시간적 추론", "temporal reasoning", r"temporal"),
    ("인과 추론", "causal inference", r"causal"),
    ("반사실적", "counterfactual", r"counterfactual"),
    ("자기 일관성", "self-consistency", r"consisten"),
    ("다수결 투표", "majority voting", r"voting|majority"),
    ("테스트 시간 확장", "test-time scaling", r"test-time"),
    ("과도한 사고", "overthinking", r"overthink|verbos|length"),
    ("정책 최적화", "policy optimization", r"polic"),
    ("가치 함수", "value function", r"\bvalue"),
    ("몬테카를로 트리 탐색", "Monte Carlo tree search", r"monte carlo|\bmcts\b|tree search"),
    ("합성곱 신경망", "convolutional neural network", r"convolution|\bcnns?\b"),
    ("순환 신경망", "recurrent neural network", r"recurren|\brnns?\b|lstm"),
    ("오토인코더", "autoencoder", r"autoencoder|\bvae\b"),
    ("생성적 적대 신경망", "generative adversarial network", r"adversarial|\bgans?\b"),
    ("확산 트랜스포머", "diffusion transformer", r"diffusion transformer|\bdit\b"),
    ("잠재 공간", "latent space", r"latent"),
    ("표현 학습", "representation learning", r"representation"),
    ("다중 작업 학습", "multi-task learning", r"multi-?task"),
    ("커리큘럼 학습", "curriculum learning", r"curriculum"),
    ("개방형 어휘", "open-vocabulary", r"open-vocabulary"),
    ("이미지 검색", "image retrieval", r"retriev"),
    ("심층 연구", "deep research", r"deep research|research agent"),
    ("컴퓨터 사용 에이전트", "computer-use agent", r"computer[- ]use|\bgui\b"),
    ("의료 질의응답", "medical question answering", r"medical|clinical"),
    ("수학 올림피아드", "math olympiad", r"olympiad|competition|\baime\b|\bimo\b"),
]


# Written 2026-12-07 (tenth session) after that session's two changes (a term's own papers
# first; a Korean topic naming a built-in) and before any search ran on them: --eighth.
EIGHTH_TERMS = [
    ("키-값 캐시", "KV cache", r"\bkv\b|key-value"),
    ("희소 어텐션", "sparse attention", r"sparse attention"),
    ("선형 어텐션", "linear attention", r"linear attention"),
    ("저순위 적응", "low-rank adaptation", r"low-rank|\blora\b"),
    ("지시 튜닝", "instruction tuning", r"instruction[- ]tun"),
    ("직접 선호 최적화", "direct preference optimization", r"\bdpo\b|direct preference"),
    ("거부 샘플링", "rejection sampling", r"rejection sampling"),
    ("자기회귀 모델", "autoregressive model", r"autoregressive|auto-regressive"),
    ("흐름 정합", "flow matching", r"flow[- ]matching"),
    ("일관성 모델", "consistency model", r"consistency model"),
    ("비디오 질의응답", "video question answering", r"video ?qa|video question"),
    ("오디오 언어 모델", "audio language model", r"audio"),
    ("텍스트 음성 변환", "text-to-speech", r"text-to-speech|\btts\b"),
    ("음원 분리", "source separation", r"separation"),
    ("새로운 시점 합성", "novel view synthesis", r"novel[- ]view"),
    ("단안 깊이 추정", "monocular depth estimation", r"monocular|depth"),
    ("광학 흐름", "optical flow", r"optical flow"),
    ("이미지 토크나이저", "image tokenizer", r"tokeniz"),
    ("시각 인코더", "visual encoder", r"(visual|vision|image) encoder"),
    ("문서 검색", "document retrieval", r"retriev"),
    ("코드 에이전트", "coding agent", r"(coding|code|software[- ]engineering) agent"),
    ("형식 검증", "formal verification", r"formal|verif"),
    ("정리 증명", "theorem proving", r"theorem|prover|proof"),
    ("다단계 추론", "multi-step reasoning", r"multi-step|multi-hop"),
    ("장기 계획", "long-horizon planning", r"long-horizon|planning"),
    ("보상 설계", "reward design", r"reward"),
    ("시연 데이터", "demonstration data", r"demonstration"),
    ("촉각", "tactile", r"tactile|touch"),
    ("손 동작", "hand motion", r"\bhands?\b"),
    ("병리", "pathology", r"patholog"),
    ("전자 건강 기록", "electronic health records", r"health record|\behrs?\b|clinical"),
    ("모델 붕괴", "model collapse", r"collapse"),
    ("아첨", "sycophancy", r"sycophan"),
    ("암기", "memorization", r"memoriz"),
    ("멤버십 추론 공격", "membership inference attack", r"membership inference"),
    ("백도어 공격", "backdoor attack", r"backdoor"),
    ("가드레일", "guardrail", r"guardrail"),
    ("기계 언러닝", "machine unlearning", r"unlearn"),
    ("지식 충돌", "knowledge conflict", r"conflict"),
    ("인용", "citation", r"citation|\bcit(e|ing)\b"),
]


# Written 2026-12-07 (eleventh session) before that session's changes and before any search
# ran on them, among them concepts described in Hangul only, as the hidden queries are: --ninth.
NINTH_TERMS = [
    ("데이터 증강", "data augmentation", r"augment"),
    ("합성 데이터", "synthetic data", r"synthetic"),
    ("프롬프트 엔지니어링", "prompt engineering", r"prompt"),
    ("탈옥", "jailbreak", r"jailbreak"),
    ("정렬", "alignment", r"align"),
    ("인간 피드백", "human feedback", r"human feedback|\brlhf\b|human preference"),
    ("보상 모델", "reward model", r"reward model"),
    ("사고 사슬", "chain of thought", r"chain[- ]of[- ]thought|\bcot\b"),
    ("도구 사용", "tool use", r"\btools?\b"),
    ("웹 에이전트", "web agent", r"\bweb\b"),
    ("게임", "game", r"\bgames?\b|gaming"),
    ("음악 생성", "music generation", r"music"),
    ("동작 생성", "motion generation", r"motion"),
    ("얼굴", "face", r"\bfaces?\b|facial"),
    ("의료 영상", "medical imaging", r"medical|clinical|radiolog"),
    ("단백질", "protein", r"protein"),
    ("약물", "drug", r"\bdrugs?\b"),
    ("시계열", "time series", r"time[- ]series"),
    ("표 이해", "table understanding", r"\btables?\b|tabular"),
    ("차트 이해", "chart understanding", r"chart"),
    ("문서 이해", "document understanding", r"document"),
    (
        "광학 문자 인식",
        "optical character recognition",
        r"\bocr\b|optical character|text recognition",
    ),
    ("전문가 혼합", "mixture of experts", r"mixture[- ]of[- ]experts|\bmoe\b"),
    ("모델 압축", "model compression", r"compress|prun|quantiz|distill"),
    ("가지치기", "pruning", r"prun"),
    ("메모리 효율", "memory efficiency", r"memory"),
    ("세계 모델", "world model", r"world model"),
    ("물리 시뮬레이션", "physics simulation", r"physic|simulat"),
    ("로봇 조작", "robot manipulation", r"manipulat"),
    ("내비게이션", "navigation", r"navigat"),
    ("포즈 추정", "pose estimation", r"\bposes?\b"),
    ("비디오 캡셔닝", "video captioning", r"caption"),
    ("편향", "bias", r"\bbias"),
    ("개인정보 보호", "privacy", r"privacy|private"),
    ("워터마크", "watermark", r"watermark"),
    ("딥페이크", "deepfake", r"deepfake|forger|fake"),
    ("긴 문서 요약", "long document summarization", r"summar"),
    ("수학 추론 강화학습", "reinforcement learning for math reasoning", r"\bmath"),
    ("시각 언어 모델 환각", "hallucination in vision-language models", r"hallucinat"),
    ("코드 생성 벤치마크", "code generation benchmark", r"\bcode\b|coding"),
]


# Written 2026-12-07 (eleventh session) after the ninth list's first run and before the
# session's glossary block of domain words, which it reports on: --tenth.
TENTH_TERMS = [
    ("이미지 인페인팅", "image inpainting", r"inpaint"),
    ("배경 제거", "background removal", r"background"),
    ("손글씨", "handwriting", r"handwrit"),
    ("의료 보고서 생성", "medical report generation", r"report"),
    ("임상 의사결정", "clinical decision", r"clinical"),
    ("유전자", "gene", r"\bgenes?\b|genom|genetic"),
    ("세포", "cell", r"\bcells?\b|cellular"),
    ("화학 반응", "chemical reaction", r"chemi|reaction"),
    ("천문학", "astronomy", r"astronom|galax|\bstars?\b"),
    ("학생", "student", r"student"),
    ("법률 문서", "legal document", r"legal|\blaws?\b"),
    ("특허", "patent", r"patent"),
    ("금융 분석", "financial analysis", r"financ"),
    ("게임 에이전트", "game agent", r"\bgames?\b"),
    ("음성 합성", "speech synthesis", r"speech|\btts\b|voice"),
    ("노래", "song", r"\bsongs?\b|singing|music"),
    ("동영상 요약", "video summarization", r"video"),
    ("실시간 렌더링", "real-time rendering", r"render|real-time"),
    ("얼굴 표정", "facial expression", r"facial|expression|\bfaces?\b"),
    ("손 제스처", "hand gesture", r"gesture|\bhands?\b"),
    ("사람 재식별", "person re-identification", r"re-?identif|person"),
    ("군중", "crowd", r"crowd"),
    ("위성", "satellite", r"satellite|remote sensing"),
    ("도시", "urban", r"urban|\bcity|cities"),
    ("충돌 회피", "collision avoidance", r"collision"),
    ("물체 인식", "object recognition", r"object"),
    ("공간 이해", "spatial understanding", r"spatial"),
    ("수치 추론", "numerical reasoning", r"numer|arithmetic|\bmath"),
    ("상식 추론", "commonsense reasoning", r"commonsense|common sense"),
    ("다중 홉 질의응답", "multi-hop question answering", r"multi-hop|multihop"),
    ("긴 글 생성", "long-form generation", r"long-form|long text|long-text"),
    ("이야기 생성", "story generation", r"\bstory|stories|narrative"),
    ("창의적 글쓰기", "creative writing", r"creativ|writing"),
    ("번역 품질", "translation quality", r"translat"),
    ("불확실성 추정", "uncertainty estimation", r"uncertain|confidence|calibrat"),
    ("이상치", "outlier", r"outlier|anomal"),
    ("강건성", "robustness", r"robust"),
    ("병렬 디코딩", "parallel decoding", r"parallel"),
    ("토큰 압축", "token compression", r"token"),
    ("시각 토큰", "visual token", r"token"),
]


# Written 2026-12-07 (thirteenth session) before that session changed anything or ran a search
# on them: the basic terms of the earlier lists taken, these go further into the fields papers
# serve and the things they see. Even rows may guide changes, odd rows only report (--eleventh).
ELEVENTH_TERMS = [
    ("단백질 구조 예측", "protein structure prediction", r"protein"),
    ("뇌파", "EEG", r"\beeg\b|brain"),
    ("교통 예측", "traffic forecasting", r"traffic"),
    ("춤", "dance", r"danc"),
    ("요리", "cooking", r"cook|recipe|food"),
    ("프로그램 수리", "program repair", r"repair|\bbugs?\b"),
    ("웹 탐색", "web navigation", r"\bweb"),
    ("화면 조작", "GUI automation", r"\bgui\b|screen|interface"),
    ("차트", "chart", r"chart|\bplots?\b"),
    ("자동차", "car", r"vehicle|\bcars?\b|driving"),
    ("수술", "surgery", r"surg"),
    ("질병 진단", "disease diagnosis", r"diagnos|disease"),
    ("정신 건강", "mental health", r"mental|depress|psych"),
    ("유체", "fluid", r"fluid"),
    ("반도체", "semiconductor", r"semiconductor|\bchips?\b|hardware"),
    ("메모리 사용량", "memory usage", r"memory"),
    ("물체 조작", "object manipulation", r"manipulat|grasp"),
    ("소재 발견", "material discovery", r"material"),
    ("지진", "earthquake", r"earthquake|seismic"),
    ("해양", "ocean", r"ocean|marine"),
    ("작물", "crop", r"\bcrops?\b|agricultur|plant"),
    ("동물", "animal", r"animal"),
    ("새 소리", "bird sound", r"\bbirds?\b|bioacoustic"),
    ("환자", "patient", r"patient"),
    ("병원", "hospital", r"hospital|clinic"),
    ("약물 상호작용", "drug interaction", r"\bdrugs?\b"),
    ("암 진단", "cancer diagnosis", r"cancer|tumou?r"),
    ("피부", "skin", r"\bskin|dermat"),
    ("안과", "ophthalmology", r"ophthalm|retina|\beyes?\b"),
    ("엑스레이", "x-ray", r"x-ray|radiograph"),
    ("심전도", "ECG", r"\becg\b|\bekg\b|cardi"),
    ("법원 판결", "court ruling", r"court|legal|judg"),
    ("계약서", "contract", r"contract"),
    ("회계", "accounting", r"account|financ"),
    ("보험", "insurance", r"insur"),
    ("고객 상담", "customer service", r"customer"),
    ("채용", "hiring", r"hiring|recruit|\bjobs?\b"),
    ("선거", "election", r"election|political|vot"),
    ("가짜 뉴스", "fake news", r"fake|misinformation|fact"),
    ("아동", "children", r"child|kid"),
    ("노인", "elderly", r"elder|older adult|aging"),
    ("장애인", "disability", r"disab|accessib|blind"),
    ("영화", "movie", r"movie|film|cinema"),
    ("게임 엔진", "game engine", r"game"),
    ("가구", "furniture", r"furniture|indoor"),
    ("주방", "kitchen", r"kitchen|cook"),
    ("야외", "outdoor", r"outdoor"),
    ("밤", "night", r"night|low-light"),
    ("안개", "fog", r"\bfog|haze|weather"),
    ("그림자", "shadow", r"shadow"),
    ("반사", "reflection", r"reflect|specular"),
    ("투명", "transparent", r"transparen"),
    ("색상", "color", r"colou?r"),
    ("로고", "logo", r"\blogos?\b"),
    ("웹페이지", "webpage", r"web ?page|website|html"),
    ("스크린샷", "screenshot", r"screenshot"),
    ("발표 자료", "slides", r"slide|presentation"),
    ("논문 작성", "paper writing", r"writing|scientific|paper"),
    ("동료 평가", "peer review", r"review"),
    ("특징 추출", "feature extraction", r"feature"),
    ("토크나이저", "tokenizer", r"tokeni"),
    ("어휘", "vocabulary", r"vocabular"),
    ("문법", "grammar", r"grammar|syntax|syntactic"),
    ("맞춤법", "spelling", r"spell|typo"),
    ("방언", "dialect", r"dialect|accent"),
    ("자막", "subtitles", r"subtitle|caption"),
    ("음향", "acoustics", r"acoustic|audio|sound"),
    ("소음", "noise", r"nois"),
    ("진동", "vibration", r"vibrat"),
    ("냄새", "smell", r"smell|odor|olfact"),
    ("열화상", "thermal imaging", r"thermal|infrared"),
    ("레이더", "radar", r"radar"),
    ("라이다", "LiDAR", r"lidar"),
    ("센서", "sensor", r"sensor"),
    ("배터리", "battery", r"batter"),
    ("전력망", "power grid", r"\bgrids?\b|power"),
    ("공장", "factory", r"factor(y|ies)|industrial|manufactur"),
    ("물류", "logistics", r"logistic|supply chain|warehouse"),
    ("일정 관리", "scheduling", r"schedul"),
    ("최적화 문제", "optimization problem", r"optimi"),
    ("그래프 탐색", "graph search", r"graph|search"),
    ("퍼즐", "puzzle", r"puzzle|sudoku"),
    ("체스", "chess", r"chess|\bgo\b|board game"),
    ("물리 문제", "physics problem", r"physic"),
    ("화학 분자", "chemical molecule", r"chemi|molecul"),
    ("생물학", "biology", r"biolog"),
    ("신경과학", "neuroscience", r"neuro|brain"),
    ("심리학", "psychology", r"psycholog|cognitive"),
    ("경제학", "economics", r"econom"),
    ("사회과학", "social science", r"social"),
    ("철학", "philosophy", r"philosoph"),
    ("역사", "history", r"histor"),
    ("종교", "religion", r"religio"),
    ("문화", "culture", r"cultur"),
]


# Written 2026-12-07 (thirteenth session) after the eleventh list's first run (whose held-out
# summary named five empty answers) and before the glossary block of fields and everyday things
# was measured: a domain word with an ML task, as a reader types them. Only reports (--twelfth).
TWELFTH_TERMS = [
    ("의료 챗봇", "medical chatbot", r"medical|clinical|health"),
    ("법률 질의응답", "legal question answering", r"legal|\blaws?\b"),
    ("금융 에이전트", "financial agent", r"financ|trading|stock"),
    ("교통 신호 제어", "traffic signal control", r"traffic"),
    ("날씨 예측 모델", "weather prediction model", r"weather|forecast|climate"),
    ("분자 특성 예측", "molecular property prediction", r"molecul"),
    ("유전체 분석", "genome analysis", r"genom|\bgenes?\b|\bdna\b"),
    ("병리 이미지", "pathology image", r"patholog|histolog|slide"),
    ("환자 기록", "patient records", r"patient|\behr\b|clinical"),
    ("약물 부작용", "adverse drug reaction", r"\bdrugs?\b|adverse"),
    ("심리 상담", "psychological counseling", r"counsel|mental|therap|psych"),
    ("수학 교육", "math education", r"educat|student|\bmath"),
    ("코딩 교육", "programming education", r"educat|student|program"),
    ("시험 문제 생성", "exam question generation", r"exam|question"),
    ("논문 요약", "paper summarization", r"summar"),
    ("실험 자동화", "experiment automation", r"experiment|automat"),
    ("연구 에이전트", "research agent", r"research"),
    ("특허 검색", "patent search", r"patent"),
    ("계약서 분석", "contract analysis", r"contract|legal"),
    ("회의록 요약", "meeting summarization", r"meeting"),
    ("이메일 작성", "email writing", r"e-?mail"),
    ("고객 리뷰", "customer reviews", r"review|customer"),
    ("상품 추천", "product recommendation", r"recommend|product"),
    ("광고 생성", "ad generation", r"advertis|\bads?\b"),
    ("가격 예측", "price prediction", r"pric"),
    ("주가 예측", "stock price prediction", r"stock|financ|market"),
    ("사기 탐지", "fraud detection", r"fraud|anomal"),
    ("악성코드 탐지", "malware detection", r"malware|malicious"),
    ("개인정보 유출", "privacy leakage", r"privacy|leak"),
    ("지문 인식", "fingerprint recognition", r"fingerprint|biometric"),
    ("음성 비서", "voice assistant", r"voice|speech|assistant"),
    ("노래 생성", "song generation", r"\bsongs?\b|singing|music"),
    ("악기 소리", "instrument sound", r"instrument|music|sound"),
    ("그림 그리기", "drawing", r"draw|sketch|paint"),
    ("사진 보정", "photo retouching", r"photo|retouch|enhanc"),
    ("만화 생성", "comic generation", r"comic|manga|cartoon"),
    ("영화 장면", "movie scene", r"movie|film|cinema"),
    ("뉴스 기사 생성", "news article generation", r"\bnews"),
    ("소설 쓰기", "fiction writing", r"fiction|story|novel|writing"),
    ("시 생성", "poetry generation", r"poe(m|try)"),
    ("여행 계획", "travel planning", r"travel|trip|itinerar"),
    ("요리 레시피", "cooking recipe", r"recipe|cook|food"),
    ("음식 이미지", "food image", r"\bfood"),
    ("패션 추천", "fashion recommendation", r"fashion|outfit|cloth|garment"),
    ("가구 배치", "furniture layout", r"furniture|layout|indoor"),
    ("건물 설계", "building design", r"building|architect|floor ?plan"),
    ("도시 계획", "urban planning", r"urban|city"),
    ("도로 주행", "road driving", r"driving|road"),
    ("주차", "parking", r"parking"),
    ("비행기", "aircraft", r"aircraft|airplane|flight|aerial"),
    ("선박", "ship", r"\bships?\b|vessel|maritime"),
    ("농업 로봇", "agricultural robot", r"agricult|farm|crop"),
    ("산불 감지", "wildfire detection", r"fire|smoke"),
    ("홍수 예측", "flood forecasting", r"flood"),
    ("탄소 배출", "carbon emissions", r"carbon|emission|energy"),
    ("전력 예측", "power forecasting", r"power|electric|energy|load"),
    ("태양광", "solar power", r"solar|photovoltaic"),
    ("배터리 수명", "battery life", r"batter"),
]


@dataclass(frozen=True)
class Answer:
    found: int  # papers in the answer (up to 50)
    precision_at_5: float


async def archive(path: Path) -> Database:
    db = await connect(path)
    for day in sorted(API_DAYS.glob("*.json")):
        await store_text(db, day.read_text(encoding="utf-8"), day.name, IngestReport())
    return db


Gloss = Callable[[str], Awaitable[None]]


async def answer(
    db: Database,
    text: str,
    relevant: str,
    mode: str,
    meaning: MeaningRank | None,
    gloss: Gloss | None = None,
) -> Answer:
    if gloss is not None:  # as the bot does before a search: words nothing translates
        await gloss(text)
    hits = (await search(db, text, limit=50, mode=mode, meaning=meaning)).hits
    pattern = re.compile(relevant, re.I)
    top = [h.paper for h in hits[:5]]
    good = sum(bool(pattern.search(f"{p.title}\n{p.abstract}")) for p in top)
    return Answer(len(hits), good / 5 if top else 0.0)


Term = tuple[str, str, str]


async def measure(
    db: Database,
    mode: str,
    meaning: MeaningRank | None,
    terms: list[Term] = TERMS,
    gloss: Gloss | None = None,
) -> list[tuple[str, Answer, Answer]]:
    """Per term: the Korean answer and the English one."""
    return [
        (
            korean,
            await answer(db, korean, relevant, mode, meaning, gloss),
            await answer(db, english, relevant, mode, meaning, gloss),
        )
        for korean, english, relevant in terms
    ]


def summary(results: list[tuple[str, Answer, Answer]]) -> str:
    empty = [korean for korean, ko, _ in results if not ko.found]
    # The target: no empty answer to a term whose English form the archive holds.
    missed = [korean for korean, ko, en in results if not ko.found and en.found]
    ko_p5 = np.mean([ko.precision_at_5 for _, ko, _ in results])
    en_p5 = np.mean([en.precision_at_5 for _, _, en in results])
    return (
        f"{len(empty)} of {len(results)} Korean terms found nothing {empty or ''}"
        f" ({len(missed)} where the English form found papers);"
        f" mean precision@5 Korean {ko_p5:.3f}, English {en_p5:.3f}"
    )


async def subscriptions(db: Database, terms: list[Term], semantic: Semantic | None) -> str:
    """Each term subscribed in Korean and in English, the whole archive delivered as one day,
    matched as the bot matches (``TopicMatcher``: by words alone without ``semantic``). Returns
    the share of the English form's papers the Korean form brings and the share of the Korean
    cards the English form would not bring (issue 26: 0.25; targets ≥ 0.8 and ≤ 0.3)."""
    from bot.core.topics import parse_topics
    from bot.understand.topics import TopicMatcher
    from storage.archive import papers_keyed

    ids = [pid for (pid,) in await db.execute_fetchall("SELECT id FROM papers ORDER BY id")]
    keyed = await papers_keyed(db, ids)
    papers = [(pid, keyed[pid]) for pid in ids]
    pairs = [(parse_topics(korean)[0], parse_topics(english)[0]) for korean, english, _ in terms]
    matches = TopicMatcher(semantic).match(papers, [topic for pair in pairs for topic in pair])
    brought, extra, lines = [], [], []
    for (ko, en), (korean, _, _) in zip(pairs, terms, strict=True):
        got, wanted = matches[ko], matches[en]
        if wanted:
            brought.append(len(got & wanted) / len(wanted))
        if got:
            extra.append(len(got - wanted) / len(got))
        shared, more = len(got & wanted), len(got - wanted)
        lines.append(f"  {korean:12s} {shared:3d} of {len(wanted):3d}, {more:3d} extra")
    return "\n".join(
        [
            *lines,
            f"share of the English form's papers {np.mean(brought):.3f},"
            f" extra cards {np.mean(extra):.3f} ({len(brought)} terms the English form matches)",
        ]
    )


async def run(words_only: bool, listed: str, subscribed: bool = False) -> None:
    terms = {
        "first": TERMS,
        "later": LATER_TERMS,
        "fresh": FRESH_TERMS,
        "last": LAST_TERMS,
        "fifth": FIFTH_TERMS,
        "sixth": SIXTH_TERMS,
        "seventh": SEVENTH_TERMS,
        "eighth": EIGHTH_TERMS,
        "ninth": NINTH_TERMS,
        "tenth": TENTH_TERMS,
        "eleventh": ELEVENTH_TERMS,
        "twelfth": TWELFTH_TERMS,
    }[listed]
    later = listed in ("later", "eleventh")
    with tempfile.TemporaryDirectory() as tmp:
        db = await archive(Path(tmp) / "x.sqlite3")
        (count,) = (await db.execute_fetchall("SELECT count(*) FROM papers"))[0]
        print(f"{count:,} English-only papers of the shared 2026 API days, {len(terms)} terms")
        modes: list[tuple[str, MeaningRank | None, Gloss | None]] = [("fts", None, None)]
        semantic: Semantic | None = None
        if not words_only:
            from bot.understand.embedder import load_embedder

            embedder = load_embedder()
            if embedder is not None:
                semantic = Semantic(db, embedder)
                await semantic.catch_up()  # what the bot does for papers it stores
                modes.append(("hybrid", semantic.rank, semantic.gloss))
        if subscribed:
            how = "with the encoder" if semantic is not None else "by words alone"
            print(f"\nsubscriptions, {how}: term, cards shared with the English form")
            if later:  # the even rows may have guided changes; the odd rows never did
                print("tune rows:\n" + await subscriptions(db, terms[0::2], semantic))
                print("held-out rows:\n" + await subscriptions(db, terms[1::2], semantic))
            else:
                print(await subscriptions(db, terms, semantic))
            await db.close()
            return
        for mode, meaning, gloss in modes:
            results = await measure(db, mode, meaning, terms, gloss)
            print(f"\n{mode}: term, papers found and precision@5 (Korean | English)")
            for korean, ko, en in results:
                print(
                    f"  {korean:12s} {ko.found:3d} {ko.precision_at_5:.1f}"
                    f"  | {en.found:3d} {en.precision_at_5:.1f}"
                )
            if later:  # the even rows may have guided changes; the odd rows never did
                print(f"{mode}, tune rows: {summary(results[0::2])}")
                print(f"{mode}, held-out rows: {summary(results[1::2])}")
            else:
                print(f"{mode}: {summary(results)}")
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.korean_terms")
    parser.add_argument("--words", action="store_true", help="without the sentence encoder")
    lists = parser.add_mutually_exclusive_group()
    lists.add_argument("--later", action="store_true", help="the second list, LATER_TERMS")
    lists.add_argument("--fresh", action="store_true", help="the third list, FRESH_TERMS")
    lists.add_argument("--last", action="store_true", help="the fourth list, LAST_TERMS")
    lists.add_argument("--fifth", action="store_true", help="the fifth list, FIFTH_TERMS")
    lists.add_argument("--sixth", action="store_true", help="the sixth list, SIXTH_TERMS")
    lists.add_argument("--seventh", action="store_true", help="the seventh list, SEVENTH_TERMS")
    lists.add_argument("--eighth", action="store_true", help="the eighth list, EIGHTH_TERMS")
    lists.add_argument("--ninth", action="store_true", help="the ninth list, NINTH_TERMS")
    lists.add_argument("--tenth", action="store_true", help="the tenth list, TENTH_TERMS")
    lists.add_argument("--eleventh", action="store_true", help="the eleventh, ELEVENTH_TERMS")
    lists.add_argument("--twelfth", action="store_true", help="the twelfth, TWELFTH_TERMS")
    parser.add_argument(
        "--subscriptions",
        action="store_true",
        help="subscribe each term in both languages instead of searching",
    )
    args = parser.parse_args()
    if not API_DAYS.is_dir():
        raise SystemExit(f"bench: {API_DAYS} not found; the benchmark needs ../shared/corpus")
    named = (
        "later",
        "fresh",
        "last",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
    )
    listed = next((n for n in named if getattr(args, n)), "first")
    asyncio.run(run(args.words, listed, args.subscriptions))


if __name__ == "__main__":
    main()
