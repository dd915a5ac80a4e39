"""Every string a user sees, one catalogue per language, keyed.

Values are ``str.format`` templates of *plain text*: the renderer escapes them (and the values
put into them) before they become Telegram HTML. Korean is written as Korean, not translated
word by word.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ko", "en"]
LANGUAGES: tuple[Lang, ...] = ("ko", "en")
DEFAULT_LANG: Lang = "en"

# Examples of commands, the same in every language (a search example is not).
_EXAMPLES = {
    "example.top": "/top 5 week",
    "example.paper": "/paper 2406.11230",
    "example.digest": "/digest 2024-06-20",
    "example.ask": "/ask 2409.12917 which datasets?",
    "example.saved": "/saved",
    "example.settings": "/settings",
    "example.start": "/start",
    "example.help": "/help",
    "example.foryou": "/foryou month",
    "example.follow": "/follow Kaiming He",
    "example.following": "/following",
    "example.unfollow": "/unfollow Kaiming He",
    "example.subscribe": "/subscribe llm -survey",
    "example.unsubscribe": "/unsubscribe llm",
    "example.topics": "/topics",
    "example.stop": "/stop",
    "example.forget": "/forget",
}

EN: dict[str, str] = {
    **_EXAMPLES,
    "feed.title": "Daily Papers",
    "feed.subtitle": "Hugging Face Daily Papers with summaries, by Paperboy",
    "feed.more_authors": "and {count} others",
    "feed.generated": "Summary written by {model}",
    "cmd.ask": "Ask a paper a question; answered from its full text, with quotes",
    "ask.usage": "Send a paper and a question: /ask 2409.12917 which datasets does it use? Or reply to a paper card with your question.",
    "ask.no_model": "Asking papers needs a language model: the operator sets PAPERBOY_LLM_URL and PAPERBOY_LLM_MODEL.",
    "ask.unknown": "No paper {ref} in the archive. /search finds papers by words.",
    "ask.too_long": "A question may be at most {limit} characters. Ask something shorter.",
    "ask.spent": "This chat has asked its {limit} questions for today. Ask again tomorrow.",
    "ask.pick": "Ask “{title}”: tap a question, or send /ask with the paper and your own.",
    "ask.q_data": "Which datasets and benchmarks does it use, and how big are they?",
    "ask.q_baseline": "What does it compare against, and by how much does it win?",
    "ask.q_limits": "What limitations do the authors state?",
    "ask.q_code": "Is the code released, and where?",
    "ask.q_compute": "How much compute does it need to train and run?",
    "ask.working": "Reading the paper…",
    "ask.closest": "The passages of the paper closest to your question:",
    "ask.ungrounded": "I could not find a grounded answer in the paper: every answer the model gave quoted words the paper does not have, or none.",
    "ask.endpoint": "The language model did not answer in time. Try again in a few minutes.",
    "ask.from_fulltext": "answered from the full text; quotes checked against it",
    "ask.from_abstract": "answered from the abstract only (no full text: {reason})",
    "ask.busy": "Still answering your last question. One at a time, please.",
    "cmd.follow": "Get a person's or a lab's new papers (org:google for a lab)",
    "cmd.following": "Who this chat follows, with buttons to stop",
    "cmd.unfollow": "Stop following a person or a lab",
    "follow.usage": "Send a name: /follow Kaiming He, /follow K. He, or /follow org:google.",
    "follow.added": "Following {who}. Their new papers come to this chat even when no topic matches; the chat's hour, minimum votes and pause still apply.",
    "follow.latest": "Latest in the archive: {title} ({date})",
    "follow.unknown": "No paper in the archive names {who} yet. Following anyway: their papers will come when they appear. /unfollow {name} undoes it.",
    "follow.already": "This chat already follows {who}.",
    "follow.ambiguous": "“{name}” could be several people. Send the one you mean:",
    "follow.too_many": "A chat can follow at most {limit} people and labs. /following shows them.",
    "follow.none": "This chat follows nobody yet. Try /follow Kaiming He or /follow org:google.",
    "follow.title": "This chat follows",
    "follow.removed": "Stopped following {who}.",
    "follow.not_following": "This chat doesn't follow “{name}”. /following shows who it does.",
    "follow.pick": "Follow whom of “{title}”? Their new papers will come to this chat.",
    # /start and /help
    "start.greeting": "Hi {name}! I'm Paperboy.",
    "start.about": (
        "I bring you the day's trending AI papers from Hugging Face Daily Papers, "
        "with summaries, and find any paper in the archive."
    ),
    "start.try": "Try these:",
    "start.more": "Everything I can do: /help",
    "help.title": "What I can do",
    "help.footer": "In any chat, type @{bot} and a few words to share a paper.",
    "cmd.start": "Say hello and see what I do",
    "cmd.help": "All commands, with examples",
    "cmd.top": "Most-voted papers of a day, week or month",
    "cmd.search": "Search titles, authors and summaries",
    "cmd.paper": "One paper's card by arXiv id or link",
    "cmd.digest": "A day's whole digest",
    "cmd.saved": "Papers you saved",
    "cmd.settings": "Delivery time, zone, format, language",
    "example.search": "/search diffusion",
    # /top
    "top.title": "Top {count} · {period}",
    "top.empty": "No papers listed for {period}.",
    "top.rising_title": "Rising: {count} papers gaining votes in the last 24 hours",
    "top.rising_none": "No paper gained votes in the last 24 hours (live votes come from the Hugging Face API source).",
    "top.stars_title": "Most ⭐ on GitHub: {count} papers with code · {period}",
    "top.stars_empty": "No paper with code listed for {period}.",
    "top.usage": (
        "Usage: /top [stars] [N] [today|week|month|all|rising|YYYY-MM-DD]\n"
        "For example: /top 5 week, or /top stars month (ranked by GitHub stars)"
    ),
    "period.range": "{start} – {end}",
    "period.all": "all time",
    # /search
    "search.usage": "What should I look for? For example: /search gaussian splatting",
    "search.title": "Results for “{query}”",
    "search.page": "page {page} of {pages}",
    "search.count": "{total} papers",
    "search.none": "No papers match “{query}”. Try fewer or shorter words.",
    "search.too_long": "A search can be at most {limit} characters. Try its key words.",
    # /paper
    "paper.usage": "Send an arXiv id or link, for example: /paper 2406.11230",
    "paper.not_found": "I don't have {arxiv_id} in the archive yet.",
    # /digest
    "digest.title": "Daily Papers · {date}",
    "digest.none": "There is no digest for {date}.",
    "digest.usage": "Usage: /digest [YYYY-MM-DD], for example: /digest 2024-06-20",
    "archive.empty": "The archive is still empty. Papers arrive with the next digest.",
    # saved papers
    "saved.title": "Your saved papers",
    "saved.empty": "Nothing saved yet. Tap ☆ Save under a paper to keep it here.",
    "saved.added": "Saved ★",
    "saved.removed": "Removed from saved",
    "rate.liked": "👍 Noted: more like this",
    "rate.disliked": "👎 Noted: fewer like this",
    "rate.removed": "Rating taken back",
    "cmd.foryou": "Papers picked for this chat from its 👍/👎",
    "foryou.title.week": "✨ For you: the past week",
    "foryou.title.month": "✨ For you: the past month",
    "foryou.because": "💡 close to “{title}”, which this chat liked",
    "foryou.topic": "💡 topic: {topic}",
    "foryou.no_ratings": (
        "Rate a few papers with 👍/👎 on their cards (or save some) and I'll pick papers for "
        "this chat. From 5 ratings on, I learn what it likes."
    ),
    "foryou.none": "No unrated papers from this period yet. Try /foryou month.",
    "foryou.unavailable": "For you needs the paper embeddings, which are not loaded right now.",
    "foryou.usage": "Use /foryou, /foryou week or /foryou month.",
    "coldstart.title": "🎯 Teach me your taste",
    "coldstart.how": (
        "Five papers from the past month, on different topics. Tap 👍 or 👎 for each: "
        "/foryou and your digests learn from it."
    ),
    # settings
    "settings.title": "Settings",
    "settings.language": "Language: {language}",
    "language.name": "English",
    # cards
    "card.votes": "▲ {votes}",
    "card.more_authors": "et al. ({count})",
    "card.section.whats_new": "💡 What's New",
    "card.section.technical": "⚙️ Technical Details",
    "card.section.performance": "📊 Performance Highlights",
    "card.section.summary": "📝 Summary",
    "card.section.ai_summary": "✨ AI summary",
    "card.digest_withheld": "ℹ️ the digest's summary was withheld: it did not match this paper",
    "card.section.abstract": "📄 Abstract",
    "btn.github": "GitHub",
    "btn.project": "🌐 Project page",
    "btn.arxiv": "arXiv",
    "btn.pdf": "PDF",
    "btn.hf": "🤗 Hugging Face",
    "btn.save": "☆ Save",
    "btn.saved": "★ Saved",
    "btn.similar": "🔗 Similar",
    "btn.cite": "📚 BibTeX",
    "cite.title": "BibTeX for {arxiv_id}: copy it into your .bib (Zotero reads it too)",
    "btn.export_bib": "📚 Export .bib",
    "saved.bib_caption": "{count} saved papers as BibTeX: import it into Zotero or your .bib.",
    "archive.loading": "📥 The archive is still loading ({percent}%): some papers may be missing.",
    "similar.title": "Similar to “{title}”",
    "similar.none": "No similar papers found yet.",
    "similar.unavailable": "Similar papers are not available right now.",
    "btn.prev": "◀",
    "btn.next": "▶",
    # subscriptions
    "cmd.subscribe": "Get new papers here: all, or by topic",
    "cmd.unsubscribe": "Stop one topic, or everything",
    "cmd.topics": "This chat's topics, with buttons",
    "cmd.stop": "Stop all deliveries to this chat",
    "cmd.forget": "After /stop: delete this chat's ratings, saves and settings",
    "forget.stop_first": "This chat still gets papers. Send /stop first, then /forget.",
    "forget.done": (
        "Deleted: ratings ({ratings}), saved papers ({saves}) and {settings}. "
        "Paperboy keeps nothing else of this chat."
    ),
    "forget.settings": "this chat's settings",
    "forget.no_settings": "no settings",
    "sub.everything": "Subscribed: every paper of each new digest.",
    "sub.added": "Subscribed to: {topics}.",
    "sub.already": "Already subscribed to: {topics}.",
    "sub.when": "Delivery: {when}. Change it in /settings.",
    "sub.bad_topic": (
        "I can't use “{topic}” as a topic. Try a built-in one ({slugs}) or a few words, "
        "for example: /subscribe gaussian splatting"
    ),
    "sub.too_long": "A topic can be at most {limit} characters. Nothing was changed.",
    "sub.too_many": "A chat can follow at most {limit} topics. /topics shows them; /unsubscribe "
    "frees one. Nothing was changed.",
    "sub.removed": "Unsubscribed from {topic}.",
    "sub.not_subscribed": "This chat doesn't follow “{topic}”. /topics shows what it follows.",
    "sub.removed_all": "Unsubscribed from everything. /subscribe starts again.",
    "sub.none": "This chat has no subscriptions. Try /subscribe or /subscribe llm.",
    "topics.title": "Topics of this chat",
    "topics.everything": "Every paper of each new digest",
    "topics.custom": "Your own topics (remove with /unsubscribe <topic>):",
    "topics.tap": "Tap a topic to follow or unfollow it:",
    "topics.lean": (
        "Built-in topics lean towards not missing a paper: now and then a card is only close"
        " to the topic. Narrow one with exclusions: /subscribe video -colorization, in place of"
        " video, leaves colourisation papers out."
    ),
    "topics.toggled_on": "Following {topic}",
    "topics.toggled_off": "Stopped following {topic}",
    "admins_only": "Only the group's admins can change subscriptions and settings here.",
    # settings
    "settings.delivery": "Delivery: {when}",
    "settings.instant": "as soon as a digest arrives",
    "settings.at": "every day at {time} ({zone})",
    "settings.format": "Format: {format}",
    "settings.format.cards": "one card per paper",
    "settings.format.compact": "one list per digest",
    "settings.min_votes": "Minimum votes: {votes}",
    "settings.code_only": "Only papers with code: {state}",
    "settings.weekly": "Weekly recap: {when}",
    "settings.bad_weekly": "Send a day and a time, like /settings weekly sun 09:00, or /settings weekly off.",
    "recap.title": "Your week in papers · {period}",
    "recap.top": "Most voted",
    "recap.picks": "For you",
    "recap.followed": "By people and labs you follow",
    "recap.counts": "{papers} papers in {digests} digests this week.",
    "settings.switch_on": "on",
    "settings.switch_off": "off",
    "settings.notifications": "Notifications: {state}",
    "settings.order": "Order: {order}",
    "settings.rank.auto": "auto",
    "settings.rank.votes": "by votes",
    "settings.rank.foryou": "for you",
    "settings.top": "only the top {count} a day",
    "settings.bad_top": "Use /settings foryou-only N with N from 1 to 50, or off.",
    "settings.on": "on",
    "settings.off": "off (quiet)",
    "settings.status": "Status: {state}",
    "settings.active": "active",
    "settings.paused": "paused",
    "settings.more": ("Other times and zones: /settings time 07:45 · /settings tz Europe/Berlin"),
    "settings.saved": "Saved: {what}",
    "settings.bad": (
        "I didn't understand that. Examples: /settings time 08:30, /settings time instant, "
        "/settings tz Asia/Seoul, /settings votes 10, /settings format compact, "
        "/settings quiet on, /settings pause, /settings resume, /settings rank foryou, "
        "/settings foryou-only 5, /settings code-only on"
    ),
    "settings.bad_zone": "“{zone}” is not a time zone I know. Use a name like Asia/Seoul or Europe/Berlin.",
    "btn.instant": "⚡ Instant",
    "btn.cards": "🗂 Cards",
    "btn.compact": "📋 Compact",
    "btn.quiet_on": "🔕 Make quiet",
    "btn.quiet_off": "🔔 Notify",
    "btn.pause": "⏸ Pause",
    "btn.resume": "▶ Resume",
    # admin
    "cmd.stats": "Bot statistics (admins)",
    "cmd.ingest": "Poll the sources now (admins)",
    "stats.title": "Paperboy status",
    "stats.body": (
        "Chats: {chats} ({active} active)\nActive subscriptions: {subscriptions}\n"
        "Papers: {papers}\nDigests: {digests} (latest {latest})\n"
        "Outbox: {pending} pending, {sent} sent, {failed} failed, {cancelled} cancelled\n"
        "Last poll: {last_poll}"
    ),
    "stats.never": "not yet",
    "stats.asks": "Questions to papers (7 days): {questions}, tokens: {tokens}; full texts stored: {texts} ({size}), without: {without}",
    "stats.summaries": "Summaries ({model}): {stored} written, {pending} pending, {refused} refused; {tokens} tokens today",
    "stats.summaries_off": "Summaries: off (no PAPERBOY_LLM_URL)",
    "stats.poll": "{at} UTC: {changed} changed, {new_digests} new digests, {papers} new papers, {deliveries} deliveries, {errors} errors",
    "ingest.started": "Polling the sources…",
    "ingest.done": "Done: {changed} changed, {new_digests} new digests, {papers} new papers, {deliveries} deliveries queued, {errors} errors.",
    # errors
    "unknown_command": "I don't know that command. /help lists what I can do.",
    "error": "Sorry, something went wrong on my side. Please try again in a moment.",
    "stale_button": "This button no longer works. Send the command again.",
}

KO: dict[str, str] = {
    **_EXAMPLES,
    "feed.title": "Daily Papers (한국어)",
    "feed.subtitle": "Hugging Face Daily Papers 한국어 요약, Paperboy",
    "feed.more_authors": "외 {count}명",
    "feed.generated": "{model} 모델이 쓴 요약",
    "cmd.ask": "논문에 질문하기: 전문을 읽고 인용과 함께 답해요",
    "ask.usage": "논문과 질문을 함께 보내 주세요: /ask 2409.12917 어떤 데이터셋을 썼나요? 논문 카드에 답장으로 질문해도 돼요.",
    "ask.no_model": "논문 질문에는 언어 모델이 필요해요: 운영자가 PAPERBOY_LLM_URL 과 PAPERBOY_LLM_MODEL 을 설정해야 해요.",
    "ask.unknown": "아카이브에 {ref} 논문이 없어요. /search 로 단어로 찾아보세요.",
    "ask.too_long": "질문은 {limit}자까지예요. 더 짧게 물어봐 주세요.",
    "ask.spent": "이 채팅방은 오늘 질문 {limit}개를 모두 썼어요. 내일 다시 물어봐 주세요.",
    "ask.pick": "“{title}”에 질문하기: 아래 질문을 누르거나 /ask 로 직접 물어보세요.",
    "ask.q_data": "어떤 데이터셋과 벤치마크를 쓰고, 규모는 얼마나 되나요?",
    "ask.q_baseline": "무엇과 비교했고, 얼마나 앞서나요?",
    "ask.q_limits": "저자들이 밝힌 한계는 무엇인가요?",
    "ask.q_code": "코드가 공개되었나요? 어디에 있나요?",
    "ask.q_compute": "학습과 실행에 연산이 얼마나 필요한가요?",
    "ask.working": "논문을 읽는 중…",
    "ask.closest": "질문에 가장 가까운 논문의 구절:",
    "ask.ungrounded": "논문에 근거한 답을 찾지 못했어요: 모델의 답이 논문에 없는 문장을 인용했거나 인용이 없었어요.",
    "ask.endpoint": "언어 모델이 제시간에 답하지 않았어요. 몇 분 뒤에 다시 물어봐 주세요.",
    "ask.from_fulltext": "논문 전문에서 답함, 인용은 전문과 대조해 확인함",
    "ask.from_abstract": "초록만으로 답함 (전문 없음: {reason})",
    "ask.busy": "앞선 질문에 아직 답하는 중이에요. 하나씩 물어봐 주세요.",
    "start.greeting": "{name}님, 반가워요! 페이퍼보이입니다.",
    "start.about": (
        "Hugging Face Daily Papers에 오른 AI 논문을 요약과 함께 매일 전해 드리고, "
        "지난 논문도 찾아 드려요."
    ),
    "start.try": "이렇게 써 보세요:",
    "start.more": "전체 명령어는 /help 에서 볼 수 있어요.",
    "help.title": "이런 걸 할 수 있어요",
    "help.footer": "아무 채팅방에서나 @{bot} 뒤에 검색어를 입력하면 논문을 공유할 수 있어요.",
    "cmd.start": "인사와 간단한 소개",
    "cmd.help": "명령어 전체와 사용 예",
    "cmd.top": "하루·한 주·한 달 동안 추천을 가장 많이 받은 논문",
    "cmd.search": "제목·저자·요약에서 논문 검색",
    "cmd.paper": "arXiv 번호나 링크로 논문 카드 보기",
    "cmd.digest": "그날의 논문 목록 전체",
    "cmd.saved": "저장한 논문",
    "cmd.settings": "받는 시간, 시간대, 형식, 언어",
    "cmd.follow": "사람이나 연구실의 새 논문 받기 (연구실은 org:google)",
    "cmd.following": "이 채팅이 팔로우하는 사람과 연구실",
    "cmd.unfollow": "팔로우 그만하기",
    "follow.usage": "이름을 보내 주세요: /follow Kaiming He, /follow K. He, /follow org:google",
    "follow.added": "{who} 팔로우를 시작했어요. 주제와 맞지 않아도 새 논문을 보내 드려요 (보내는 시간, 최소 추천 수, 일시중지는 그대로 적용돼요).",
    "follow.latest": "아카이브의 최근 논문: {title} ({date})",
    "follow.unknown": "아직 {who}의 논문이 아카이브에 없어요. 그래도 팔로우할게요: 논문이 나오면 보내 드려요. 취소하려면 /unfollow {name}",
    "follow.already": "이미 {who}를 팔로우하고 있어요.",
    "follow.ambiguous": "“{name}”에 해당하는 사람이 여럿이에요. 원하는 분을 골라 보내 주세요:",
    "follow.too_many": "한 채팅은 최대 {limit}명(곳)까지 팔로우할 수 있어요. /following 에서 확인하세요.",
    "follow.none": "아직 팔로우하는 사람이 없어요. /follow Kaiming He 나 /follow org:google 로 시작해 보세요.",
    "follow.title": "이 채팅이 팔로우하는 사람과 연구실",
    "follow.removed": "{who} 팔로우를 그만했어요.",
    "follow.not_following": "이 채팅은 “{name}”를 팔로우하고 있지 않아요. /following 에서 확인하세요.",
    "follow.pick": "“{title}”의 누구를 팔로우할까요? 새 논문을 이 채팅으로 보내 드려요.",
    "example.search": "/search 확산 모델",
    "top.title": "인기 논문 {count}편 · {period}",
    "top.empty": "{period}에 올라온 논문이 없어요.",
    "top.rising_title": "급상승: 지난 24시간 동안 추천이 늘어난 논문 {count}편",
    "top.rising_none": "지난 24시간 동안 추천이 늘어난 논문이 없어요 (실시간 추천 수는 Hugging Face API 소스에서 와요).",
    "top.stars_title": "GitHub ⭐ 많은 논문 {count}편 (코드 있음) · {period}",
    "top.stars_empty": "{period}에 코드가 있는 논문이 없어요.",
    "top.usage": (
        "사용법: /top [stars] [개수] [today|week|month|all|rising|YYYY-MM-DD]\n"
        "예: /top 5 week, /top stars month (GitHub 스타 순)"
    ),
    "period.range": "{start} ~ {end}",
    "period.all": "전체 기간",
    "search.usage": "무엇을 찾아 드릴까요? 예: /search 가우시안 스플래팅",
    "search.title": "“{query}” 검색 결과",
    "search.page": "{pages}쪽 중 {page}쪽",
    "search.count": "논문 {total}편",
    "search.none": "“{query}”에 맞는 논문이 없어요. 검색어를 줄이거나 짧게 바꿔 보세요.",
    "search.too_long": "검색어는 {limit}자까지 쓸 수 있어요. 핵심 단어로 찾아 보세요.",
    "paper.usage": "arXiv 번호나 링크를 보내 주세요. 예: /paper 2406.11230",
    "paper.not_found": "{arxiv_id} 논문은 아직 보관함에 없어요.",
    "digest.title": "Daily Papers · {date}",
    "digest.none": "{date}에는 다이제스트가 없어요.",
    "digest.usage": "사용법: /digest [YYYY-MM-DD], 예: /digest 2024-06-20",
    "archive.empty": "아직 보관함이 비어 있어요. 다음 다이제스트가 나오면 채워져요.",
    "saved.title": "저장한 논문",
    "saved.empty": "아직 저장한 논문이 없어요. 논문 아래 ☆ 저장을 누르면 여기에 모여요.",
    "saved.added": "저장했어요 ★",
    "saved.removed": "저장을 취소했어요",
    "rate.liked": "👍 반영했어요: 이런 논문을 더 보여 드릴게요",
    "rate.disliked": "👎 반영했어요: 이런 논문은 덜 보여 드릴게요",
    "rate.removed": "평가를 취소했어요",
    "cmd.foryou": "👍/👎로 배운 이 채팅 맞춤 논문",
    "foryou.title.week": "✨ 맞춤 추천: 지난 일주일",
    "foryou.title.month": "✨ 맞춤 추천: 지난 한 달",
    "foryou.because": "💡 이 채팅이 좋아한 “{title}”와(과) 비슷해요",
    "foryou.topic": "💡 주제: {topic}",
    "foryou.no_ratings": (
        "카드의 👍/👎로 논문 몇 편을 평가해 주세요 (저장해도 돼요). 평가가 5개를 넘으면 "
        "이 채팅이 좋아하는 것을 배워서 골라 드릴게요."
    ),
    "foryou.none": "이 기간에 아직 평가하지 않은 논문이 없어요. /foryou month 를 써 보세요.",
    "foryou.unavailable": "맞춤 추천에는 논문 임베딩이 필요한데, 지금은 불러오지 않았어요.",
    "foryou.usage": "/foryou, /foryou week 또는 /foryou month 로 써 주세요.",
    "coldstart.title": "🎯 취향을 알려 주세요",
    "coldstart.how": (
        "지난 한 달의 논문 다섯 편이에요. 주제가 모두 달라요. 각각 👍 또는 👎를 눌러 주시면 "
        "/foryou 와 다이제스트가 그에 맞춰져요."
    ),
    "settings.title": "설정",
    "settings.language": "언어: {language}",
    "language.name": "한국어",
    "card.votes": "▲ {votes}",
    "card.more_authors": "외 {count}명",
    "card.section.whats_new": "💡 새로운 점",
    "card.section.technical": "⚙️ 기술적 세부사항",
    "card.section.performance": "📊 성능",
    "card.section.summary": "📝 요약",
    "card.section.ai_summary": "✨ AI 요약 (영문)",
    "card.digest_withheld": "ℹ️ 다이제스트 요약은 이 논문과 맞지 않아 표시하지 않습니다",
    "card.section.abstract": "📄 초록 (영문)",
    "btn.github": "GitHub",
    "btn.project": "🌐 프로젝트 페이지",
    "btn.arxiv": "arXiv",
    "btn.pdf": "PDF",
    "btn.hf": "🤗 Hugging Face",
    "btn.save": "☆ 저장",
    "btn.saved": "★ 저장됨",
    "btn.prev": "◀",
    "btn.next": "▶",
    "cmd.subscribe": "새 논문 받기: 전부 또는 주제별로",
    "cmd.unsubscribe": "주제 하나 또는 전체 구독 취소",
    "cmd.topics": "이 채팅의 구독 주제 보기와 변경",
    "cmd.stop": "이 채팅으로 보내는 것을 모두 중단",
    "cmd.forget": "/stop 다음에: 이 채팅의 평가, 저장, 설정 삭제",
    "forget.stop_first": "이 채팅은 아직 논문을 받고 있어요. /stop 을 먼저 보낸 뒤 /forget 을 보내 주세요.",
    "forget.done": (
        "삭제했어요: 평가 {ratings}개, 저장한 논문 {saves}편, {settings}. "
        "이 채팅에 대해 남은 것은 없어요."
    ),
    "forget.settings": "이 채팅의 설정",
    "forget.no_settings": "설정 없음",
    "sub.everything": "구독했어요. 새 다이제스트의 논문을 모두 보내 드릴게요.",
    "sub.added": "구독한 주제: {topics}",
    "sub.already": "이미 구독 중인 주제: {topics}",
    "sub.when": "보내는 시간: {when}. /settings 에서 바꿀 수 있어요.",
    "sub.bad_topic": (
        "“{topic}”은(는) 주제로 쓸 수 없어요. 기본 주제({slugs})나 검색어를 써 보세요. "
        "예: /subscribe gaussian splatting"
    ),
    "sub.too_long": "주제는 {limit}자까지 쓸 수 있어요. 아무것도 바꾸지 않았어요.",
    "sub.too_many": "한 채팅은 주제를 {limit}개까지 구독할 수 있어요. /topics 에서 확인하고 "
    "/unsubscribe 로 하나를 지워 주세요. 아무것도 바꾸지 않았어요.",
    "sub.removed": "{topic} 구독을 취소했어요.",
    "sub.not_subscribed": "이 채팅은 “{topic}”을(를) 구독하고 있지 않아요. /topics 에서 확인해 보세요.",
    "sub.removed_all": "모든 구독을 취소했어요. 다시 받으려면 /subscribe 를 보내 주세요.",
    "sub.none": "구독 중인 주제가 없어요. /subscribe 나 /subscribe llm 으로 시작해 보세요.",
    "topics.title": "이 채팅의 구독 주제",
    "topics.everything": "새 다이제스트의 모든 논문",
    "topics.custom": "직접 만든 주제 (/unsubscribe <주제> 로 취소):",
    "topics.tap": "주제를 눌러 구독하거나 취소하세요:",
    "topics.lean": (
        "기본 주제는 논문을 놓치지 않는 쪽으로 골라요. 가끔 주제와 조금 먼 카드도 와요."
        " 빼고 싶은 말은 - 를 붙여 좁혀 보세요. 예: video 대신 /subscribe video -colorization"
    ),
    "topics.toggled_on": "{topic} 구독을 시작했어요",
    "topics.toggled_off": "{topic} 구독을 취소했어요",
    "admins_only": "이 그룹에서는 관리자만 구독과 설정을 바꿀 수 있어요.",
    "settings.delivery": "받는 시간: {when}",
    "settings.instant": "다이제스트가 나오는 즉시",
    "settings.at": "매일 {time} ({zone})",
    "settings.format": "형식: {format}",
    "settings.format.cards": "논문마다 카드 한 장",
    "settings.format.compact": "다이제스트마다 목록 하나",
    "settings.min_votes": "최소 추천 수: {votes}",
    "settings.code_only": "코드 있는 논문만: {state}",
    "settings.weekly": "주간 요약: {when}",
    "settings.bad_weekly": "요일과 시간을 보내 주세요. 예: /settings weekly sun 09:00, 끄려면 /settings weekly off",
    "recap.title": "이번 주 논문 · {period}",
    "recap.top": "추천을 가장 많이 받은 논문",
    "recap.picks": "맞춤 추천",
    "recap.followed": "팔로우하는 사람과 연구실의 논문",
    "recap.counts": "이번 주 다이제스트 {digests}개, 논문 {papers}편.",
    "settings.switch_on": "켜짐",
    "settings.switch_off": "꺼짐",
    "settings.notifications": "알림: {state}",
    "settings.order": "순서: {order}",
    "settings.rank.auto": "자동",
    "settings.rank.votes": "추천순",
    "settings.rank.foryou": "맞춤순",
    "settings.top": "하루 상위 {count}편만",
    "settings.bad_top": "/settings foryou-only N 으로 써 주세요 (N은 1~50, 끄려면 off).",
    "settings.on": "켜짐",
    "settings.off": "꺼짐 (조용히)",
    "settings.status": "상태: {state}",
    "settings.active": "받는 중",
    "settings.paused": "일시 중지",
    "settings.more": "다른 시간과 시간대: /settings time 07:45 · /settings tz Europe/Berlin",
    "settings.saved": "저장했어요: {what}",
    "settings.bad": (
        "잘 모르겠어요. 예: /settings time 08:30, /settings time instant, "
        "/settings tz Asia/Seoul, /settings votes 10, /settings format compact, "
        "/settings quiet on, /settings pause, /settings resume, /settings code-only on"
    ),
    "settings.bad_zone": "“{zone}”은(는) 모르는 시간대예요. Asia/Seoul, Europe/Berlin 같은 이름을 써 주세요.",
    "btn.instant": "⚡ 즉시",
    "btn.cards": "🗂 카드",
    "btn.compact": "📋 목록",
    "btn.quiet_on": "🔕 조용히 받기",
    "btn.quiet_off": "🔔 알림 켜기",
    "btn.pause": "⏸ 일시 중지",
    "btn.resume": "▶ 다시 받기",
    "cmd.stats": "봇 통계 (관리자)",
    "cmd.ingest": "지금 소스 확인 (관리자)",
    "stats.title": "페이퍼보이 상태",
    "stats.body": (
        "채팅: {chats} (활성 {active})\n활성 구독: {subscriptions}\n"
        "논문: {papers}\n다이제스트: {digests} (최신 {latest})\n"
        "발송함: 대기 {pending}, 보냄 {sent}, 실패 {failed}, 취소 {cancelled}\n"
        "마지막 확인: {last_poll}"
    ),
    "stats.never": "아직 없음",
    "stats.asks": "논문 질문 (7일): {questions}개, 토큰: {tokens}; 저장된 전문: {texts}편 ({size}), 전문 없음: {without}편",
    "stats.summaries": "요약 ({model}): 작성 {stored}, 대기 {pending}, 거절 {refused}, 오늘 토큰 {tokens}",
    "stats.summaries_off": "요약: 꺼짐 (PAPERBOY_LLM_URL 없음)",
    "stats.poll": "{at} UTC: 변경 {changed}, 새 다이제스트 {new_digests}, 새 논문 {papers}, 발송 예약 {deliveries}, 오류 {errors}",
    "ingest.started": "소스를 확인하고 있어요…",
    "ingest.done": "완료: 변경 {changed}, 새 다이제스트 {new_digests}, 새 논문 {papers}, 발송 예약 {deliveries}, 오류 {errors}",
    "unknown_command": "모르는 명령어예요. /help 에서 쓸 수 있는 명령어를 확인해 보세요.",
    "error": "죄송해요, 처리 중에 문제가 생겼어요. 잠시 후 다시 시도해 주세요.",
    "stale_button": "이 버튼은 더 이상 쓸 수 없어요. 명령어를 다시 보내 주세요.",
    "btn.similar": "🔗 비슷한 논문",
    "btn.cite": "📚 BibTeX",
    "cite.title": "{arxiv_id}의 BibTeX: .bib 파일에 붙여 넣으세요 (Zotero도 읽어요)",
    "btn.export_bib": "📚 .bib 내보내기",
    "saved.bib_caption": "저장한 논문 {count}편의 BibTeX: Zotero나 .bib 파일로 가져가세요.",
    "archive.loading": "📥 보관함을 불러오는 중이에요 ({percent}%): 아직 없는 논문이 있을 수 있어요.",
    "similar.title": "“{title}”와 비슷한 논문",
    "similar.none": "아직 비슷한 논문을 찾지 못했어요.",
    "similar.unavailable": "지금은 비슷한 논문을 찾을 수 없어요.",
}

CATALOGUES: dict[Lang, dict[str, str]] = {"en": EN, "ko": KO}


def t(lang: Lang, key: str, **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    return CATALOGUES[lang][key].format(**values)


def lang_from_code(code: str | None) -> Lang:
    """Korean for a Korean Telegram client (``ko``, ``ko-KR``), English otherwise."""
    return "ko" if code and code.lower().split("-")[0] == "ko" else "en"
