-- How far `poll` has applied its after-actions (after = seen | move:FOLDER | delete, other_to) in
-- each folder. The checkpoint (imap_checkpoints) says what is stored and is committed with the
-- batch; the actions run on the server only after that commit, and this mark follows once they
-- are done. If poll dies in between, the next poll finds acted_uid < last_uid and re-applies
-- the actions for just that range (they are idempotent), so no stored report is left behind.
create table if not exists imap_after_marks (
    account text not null,
    folder text not null,
    uid_validity integer not null,
    acted_uid integer not null,
    updated_at integer not null,
    primary key (account, folder)
);
