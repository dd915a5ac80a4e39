"""Where digests come from: reading files, URLs and the HF API, then parsing and storing them."""
