-- The talk's 2018 KSQL form: a SELECT on a stream without EMIT CHANGES is a push query.
SET 'auto.offset.reset' = 'earliest';
CREATE STREAM syslog (host STRING, severity INT, message STRING)
  WITH (kafka_topic='syslog', value_format='JSON', partitions=1);
INSERT INTO syslog VALUES ('web-1', 3, 'disk full');
INSERT INTO syslog VALUES ('web-2', 6, 'login ok');
SELECT host, message FROM syslog WHERE severity <= 3;
SELECT host, CASE WHEN severity <= 3 THEN 'error' ELSE 'info' END AS level, LEN(message) FROM syslog EMIT CHANGES;
