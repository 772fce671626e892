-- 0006 rules and demand: versioned rule sets, content signals, viral spike episodes.
SELECT 1;
