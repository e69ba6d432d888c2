-- expect: error
CREATE STREAM orders (id INT KEY, amount DOUBLE, customer STRING)
  WITH (kafka_topic='orders', value_format='JSON', partitions=1);
CREATE STREAM big AS
  SELECT id, ammount FROM orders;
