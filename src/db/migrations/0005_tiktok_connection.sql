-- 0005 TikTok connection: OAuth state, token refresh bookkeeping, reconciliation watermarks, the
-- shared API request budget. (Filled in by the TikTok connection work.)
SELECT 1;
