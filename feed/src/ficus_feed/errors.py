"""Errors of the event feed.

FeedError
 ├── InvalidEvent        an event that fails validation or cannot be mapped → dead letter
 ├── SourceUnavailable   the event transport cannot be read → the consumer retries with backoff
 └── CheckpointMoved     another replica applied the batch first → re-read the checkpoint
"""

from __future__ import annotations


class FeedError(Exception):
    """Base of every error the feed raises on purpose."""


class InvalidEvent(FeedError):
    """The event cannot be applied as it is; the dead-letter policy decides what happens."""


class SourceUnavailable(FeedError):
    """The event transport (sync's `domain_event` table) cannot be reached."""


class CheckpointMoved(FeedError):
    """Another consumer with the same name moved the checkpoint; re-read it and go on."""
