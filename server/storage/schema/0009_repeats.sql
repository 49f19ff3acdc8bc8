-- repeat detection reads the search index's term statistics (search/repeats.h): no write-side cost.
CREATE VIRTUAL TABLE case_fts_terms USING fts5vocab('case_fts', 'row');
