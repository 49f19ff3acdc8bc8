-- Nothing changes on PostgreSQL: its search index (case_search) has always been written by the application. This
-- file keeps the two dialects' migrations in step (SQLite drops its index triggers in 0016).
SELECT 1;
