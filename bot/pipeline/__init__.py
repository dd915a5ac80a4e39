"""The running pipeline: poll the sources, fan new listings out, wake the sender."""
