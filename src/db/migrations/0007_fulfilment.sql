-- 0007 fulfilment: step intents and results, labels, tracking, purchase orders.
SELECT 1;
