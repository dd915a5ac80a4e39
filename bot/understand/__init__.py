"""Understanding papers: multilingual embeddings, the vector index, hybrid search, similar
papers."""
