-- Where IMAP polling stopped in each folder; a changed UIDVALIDITY starts the folder over.
create table if not exists imap_checkpoints (
    account text not null,
    folder text not null,
    uid_validity integer not null,
    last_uid integer not null,
    updated_at integer not null,
    primary key (account, folder)
);
