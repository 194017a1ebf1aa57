"""The shadow feature's pure core: comparing two answers, and keeping the results."""
