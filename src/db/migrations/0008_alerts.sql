-- 0008 alerting: alert rules and alert episodes for the dashboard.
SELECT 1;
