SELECT setval('invoices_id_seq', 1);
