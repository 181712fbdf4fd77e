"""Publishers: deliver follow-up jobs (SMS to a phone, events to a topic). The port they
implement belongs to follow-ups (``chalicelib.followups.ports``)."""

from chalicelib.followups.ports import Publisher, PublishFailed

__all__ = ["PublishFailed", "Publisher"]
