//! IMAP checkpoints: the last UID stored per account and folder, under one UIDVALIDITY.

use sqlx::SqliteConnection;

use super::{Store, StoreError};

/// Where polling of one folder stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapCheckpoint {
    pub account: String,
    pub folder: String,
    pub uid_validity: u32,
    pub last_uid: u32,
    pub updated_at: i64,
}

const SAVE: &str = "insert into imap_checkpoints (account, folder, uid_validity, last_uid, updated_at) \
     values (?1, ?2, ?3, ?4, ?5) \
     on conflict (account, folder) do update set uid_validity = excluded.uid_validity, \
     last_uid = excluded.last_uid, updated_at = excluded.updated_at";

const LOAD: &str = "select account, folder, uid_validity, last_uid, updated_at from imap_checkpoints \
     where account = ?1 and folder = ?2";

pub(crate) async fn save_checkpoint(conn: &mut SqliteConnection, c: &ImapCheckpoint) -> Result<(), sqlx::Error> {
    sqlx::query(SAVE)
        .bind(&c.account)
        .bind(&c.folder)
        .bind(i64::from(c.uid_validity))
        .bind(i64::from(c.last_uid))
        .bind(c.updated_at)
        .execute(conn)
        .await?;
    Ok(())
}

impl Store {
    /// The checkpoint of one folder, if polled before.
    pub async fn imap_checkpoint(&self, account: &str, folder: &str) -> Result<Option<ImapCheckpoint>, StoreError> {
        let row: Option<(String, String, i64, i64, i64)> =
            sqlx::query_as(LOAD).bind(account).bind(folder).fetch_optional(self.pool()).await.map_err(|e| self.error(e))?;
        Ok(row.map(|(account, folder, v, u, at)| ImapCheckpoint {
            account,
            folder,
            uid_validity: u32::try_from(v).unwrap_or(0),
            last_uid: u32::try_from(u).unwrap_or(0),
            updated_at: at,
        }))
    }

    /// Records a checkpoint on its own (without a batch).
    pub async fn save_imap_checkpoint(&self, checkpoint: &ImapCheckpoint) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await.map_err(|e| self.error(e))?;
        save_checkpoint(&mut conn, checkpoint).await.map_err(|e| self.error(e))
    }
}
