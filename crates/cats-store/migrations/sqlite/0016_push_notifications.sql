-- HMRC-shaped push notifications (issue 14): the NCTS message a notification came from, and
-- the body format of each webhook (`cats`, or `hmrc` as HMRC's push notifications).
ALTER TABLE notifications ADD COLUMN message_id TEXT;
ALTER TABLE webhooks ADD COLUMN format TEXT NOT NULL DEFAULT 'cats';
