-- The console's bell (cases/notifications.cc): the newest cases sent back or returned, found from the ledger's
-- events without walking them. A partial index: only these few kinds, so that appending other events costs nothing.
CREATE INDEX events_case_returns ON events(seq)
  WHERE kind IN ('case.send_back','case.redo','case.refuse_return','case.approve_return');
