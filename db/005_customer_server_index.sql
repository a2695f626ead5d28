-- 005_customer_server_index.sql - a customer's servers in id order, so a
-- customer's list (a page after a cursor) is one index range however many
-- servers the host holds.
CREATE INDEX servers_customer ON servers(customer_id, id);
