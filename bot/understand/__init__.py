"""Understanding papers and what readers ask: the sentence encoder and the vector index
(``semantic``), search fused from words and meaning (``search``, ``snippets``), the one
topic matcher (``topics``, ``topic_model``), "for you" (``foryou``, ``taste``) and the
summary check's sense of meaning (``meaning``). SQL stays in storage: this package asks it."""
