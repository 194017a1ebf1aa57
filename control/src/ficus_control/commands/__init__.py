"""The `ficus` CLI's control-plane commands; each module registers its commands on the app."""
