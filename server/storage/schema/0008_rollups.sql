-- dashboard rollups kept by triggers in the same transaction as each change: per received day (China
-- Standard Time) the counts and measures, and per day the counts by channel, category, district and state,
-- so that a dashboard reads a few thousand rows instead of every case. server/reports/rollup_test.cc holds
-- them equal to GROUP BY over the cases.
CREATE TABLE rollup_day(
  day TEXT PRIMARY KEY,
  received INTEGER NOT NULL DEFAULT 0,
  named INTEGER NOT NULL DEFAULT 0,
  replied INTEGER NOT NULL DEFAULT 0,
  handling_days REAL NOT NULL DEFAULT 0,
  rated INTEGER NOT NULL DEFAULT 0,
  satisfied INTEGER NOT NULL DEFAULT 0,
  handling_met INTEGER NOT NULL DEFAULT 0,
  handling_missed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE rollup_dim(
  dim TEXT NOT NULL,
  day TEXT NOT NULL,
  code TEXT NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(dim, day, code)
) WITHOUT ROWID;
CREATE TRIGGER case_rollup_insert AFTER INSERT ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(new.received_at, '+8 hours'), 1, (new.anonymous = 0), (new.replied_at IS NOT NULL),
            COALESCE(julianday(new.replied_at) - julianday(new.received_at), 0),
            (new.satisfaction IS NOT NULL), COALESCE(new.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(new.received_at, '+8 hours'), new.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(new.received_at, '+8 hours'), new.category, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(new.received_at, '+8 hours'), COALESCE(new.district, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(new.received_at, '+8 hours'), new.state, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER case_rollup_update AFTER UPDATE OF received_at, channel, category, district, anonymous, replied_at, satisfaction ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(old.received_at, '+8 hours'), -1, -(old.anonymous = 0), -(old.replied_at IS NOT NULL),
            -COALESCE(julianday(old.replied_at) - julianday(old.received_at), 0),
            -(old.satisfaction IS NOT NULL), -COALESCE(old.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(old.received_at, '+8 hours'), old.channel, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(old.received_at, '+8 hours'), old.category, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(old.received_at, '+8 hours'), COALESCE(old.district, ''), -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(new.received_at, '+8 hours'), 1, (new.anonymous = 0), (new.replied_at IS NOT NULL),
            COALESCE(julianday(new.replied_at) - julianday(new.received_at), 0),
            (new.satisfaction IS NOT NULL), COALESCE(new.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(new.received_at, '+8 hours'), new.channel, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(new.received_at, '+8 hours'), new.category, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(new.received_at, '+8 hours'), COALESCE(new.district, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER state_rollup_update AFTER UPDATE OF state, received_at ON cases BEGIN
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(old.received_at, '+8 hours'), old.state, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(new.received_at, '+8 hours'), new.state, 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER case_rollup_delete AFTER DELETE ON cases BEGIN
  INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
    VALUES (date(old.received_at, '+8 hours'), -1, -(old.anonymous = 0), -(old.replied_at IS NOT NULL),
            -COALESCE(julianday(old.replied_at) - julianday(old.received_at), 0),
            -(old.satisfaction IS NOT NULL), -COALESCE(old.satisfaction >= 4, 0))
    ON CONFLICT DO UPDATE SET received = received + excluded.received, named = named + excluded.named,
      replied = replied + excluded.replied, handling_days = handling_days + excluded.handling_days,
      rated = rated + excluded.rated, satisfied = satisfied + excluded.satisfied;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('channel', date(old.received_at, '+8 hours'), old.channel, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('category', date(old.received_at, '+8 hours'), old.category, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('district', date(old.received_at, '+8 hours'), COALESCE(old.district, ''), -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO rollup_dim(dim, day, code, n) VALUES ('state', date(old.received_at, '+8 hours'), old.state, -1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER deadline_rollup_insert AFTER INSERT ON case_deadlines WHEN new.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), (new.status = 'met'), (new.status = 'missed')
    FROM cases c WHERE c.id = new.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
CREATE TRIGGER deadline_rollup_update AFTER UPDATE OF status ON case_deadlines WHEN new.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), -(old.status = 'met'), -(old.status = 'missed')
    FROM cases c WHERE c.id = old.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), (new.status = 'met'), (new.status = 'missed')
    FROM cases c WHERE c.id = new.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
CREATE TRIGGER deadline_rollup_delete AFTER DELETE ON case_deadlines WHEN old.kind = 'handling' BEGIN
  INSERT INTO rollup_day(day, handling_met, handling_missed)
    SELECT date(c.received_at, '+8 hours'), -(old.status = 'met'), -(old.status = 'missed')
    FROM cases c WHERE c.id = old.case_id
    ON CONFLICT DO UPDATE SET handling_met = handling_met + excluded.handling_met,
      handling_missed = handling_missed + excluded.handling_missed;
END;
INSERT INTO rollup_day(day, received, named, replied, handling_days, rated, satisfied)
  SELECT date(received_at, '+8 hours'), COUNT(*), SUM(anonymous = 0), SUM(replied_at IS NOT NULL),
         TOTAL(julianday(replied_at) - julianday(received_at)), SUM(satisfaction IS NOT NULL),
         SUM(COALESCE(satisfaction >= 4, 0))
  FROM cases GROUP BY 1;
INSERT INTO rollup_day(day, handling_met, handling_missed)
  SELECT date(c.received_at, '+8 hours'), SUM(d.status = 'met'), SUM(d.status = 'missed')
  FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.kind = 'handling' GROUP BY 1
  ON CONFLICT DO UPDATE SET handling_met = excluded.handling_met, handling_missed = excluded.handling_missed;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'channel', date(received_at, '+8 hours'), channel, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'category', date(received_at, '+8 hours'), category, COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'district', date(received_at, '+8 hours'), COALESCE(district, ''), COUNT(*) FROM cases GROUP BY 2, 3;
INSERT INTO rollup_dim(dim, day, code, n) SELECT 'state', date(received_at, '+8 hours'), state, COUNT(*) FROM cases GROUP BY 2, 3;
