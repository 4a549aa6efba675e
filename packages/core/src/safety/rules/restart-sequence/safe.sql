SELECT setval('invoices_id_seq', (SELECT max(id) FROM invoices));
