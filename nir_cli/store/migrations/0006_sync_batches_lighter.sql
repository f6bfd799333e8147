-- 0006: which outbox rows an unfinished batch carries is its sync_batches.outbox_seqs, and a
-- run knows the rows it has on the wire, so marking each outbox row with its batch was a second
-- write of every row sent. A batch's payload is needed only until it is answered; once it is,
-- it is emptied (it repeated records the version tables hold), so batches already answered are
-- emptied here too.
ALTER TABLE outbox DROP COLUMN batch_key;
UPDATE sync_batches SET payload = '' WHERE state = 'done';
