-- A case's timeline (cases/views.cc, EventsJson) without the reads of it: every staff opening of a case is an
-- event of its subject (case.viewed, 访问留痕), so a case opened a thousand times made its page walk a thousand
-- events to skip them. A partial index of every other event by subject; the access log keeps events_subject.
CREATE INDEX events_subject_timeline ON events(subject, seq) WHERE kind <> 'case.viewed';
