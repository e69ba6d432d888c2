CREATE STREAM readings (sensor STRING KEY, celsius DOUBLE, site STRING)
  WITH (kafka_topic='readings', value_format='DELIMITED', partitions=2);
CREATE STREAM hot AS SELECT sensor, celsius * 9 / 5 + 32 AS fahrenheit FROM readings WHERE celsius > 30;
SHOW STREAMS;
LIST TOPICS;
SHOW QUERIES;
DESCRIBE hot;
DESCRIBE EXTENDED readings;
EXPLAIN CSAS_HOT_0;
