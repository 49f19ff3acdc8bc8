-- The discipline office's access log across cases (访问留痕: cases/access_log.cc, AccessLogAcross): the staff reads
-- of cases, their files and reporters' identities, newest first, of one kind or by one person. Partial indexes of
-- those three kinds only, by kind and by actor; the per-case log keeps events_subject.
CREATE INDEX events_reads ON events(kind, seq)
  WHERE kind IN ('case.viewed', 'case.attachment_opened', 'reporter.identity_opened');
CREATE INDEX events_reads_by ON events(actor, seq)
  WHERE kind IN ('case.viewed', 'case.attachment_opened', 'reporter.identity_opened');
