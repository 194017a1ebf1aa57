"""The dashboard's pure parts: sessions and the in-process history of sampled signals."""
