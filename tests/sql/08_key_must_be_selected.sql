-- expect: error
CREATE STREAM payments (id INT KEY, amount DOUBLE) WITH (kafka_topic='payments', value_format='JSON', partitions=1);
CREATE STREAM amounts AS SELECT amount FROM payments;
