"""The local development stack: engines and Ficus processes started under .ficus/."""
