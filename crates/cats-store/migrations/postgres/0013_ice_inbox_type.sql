-- Announced unavailability (CD070C, CD071C) is read from the inbox by message type on every
-- delivery round: an index keeps that cheap however many messages were received.
CREATE INDEX ice_inbox_type ON ice_inbox(message_type);
