-- Message bodies deflated (issue 16, storage): a new message keeps its body, byte for byte, as
-- raw DEFLATE (RFC 1951) in body_deflate and an empty body; messages stored before keep their
-- body as it was (body_deflate NULL).
ALTER TABLE messages ADD COLUMN body_deflate BLOB;
