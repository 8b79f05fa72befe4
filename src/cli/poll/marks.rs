//! The after-action mark of a folder (table `imap_after_marks`, see its migration): UIDs up to
//! `acted_uid` have had their after-actions applied on the server.

use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub uid_validity: u32,
    pub acted_uid: u32,
}

const LOAD: &str = "select uid_validity, acted_uid from imap_after_marks where account = ?1 and folder = ?2";

const SAVE: &str = "insert into imap_after_marks (account, folder, uid_validity, acted_uid, updated_at) \
     values (?1, ?2, ?3, ?4, ?5) \
     on conflict (account, folder) do update set uid_validity = excluded.uid_validity, \
     acted_uid = excluded.acted_uid, updated_at = excluded.updated_at";

pub async fn load(store: &Store, account: &str, folder: &str) -> Result<Option<Mark>, StoreError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as(LOAD).bind(account).bind(folder).fetch_optional(store.pool()).await.map_err(|e| store.error(e))?;
    Ok(row.map(|(v, u)| Mark { uid_validity: u32::try_from(v).unwrap_or(0), acted_uid: u32::try_from(u).unwrap_or(0) }))
}

pub async fn save(store: &Store, account: &str, folder: &str, mark: Mark, now: i64) -> Result<(), StoreError> {
    sqlx::query(SAVE)
        .bind(account)
        .bind(folder)
        .bind(i64::from(mark.uid_validity))
        .bind(i64::from(mark.acted_uid))
        .bind(now)
        .execute(store.pool())
        .await
        .map_err(|e| store.error(e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn round_trip_and_overwrite() {
        let store = Store::open_in_memory().await.unwrap();
        assert_eq!(load(&store, "a", "INBOX").await.unwrap(), None);
        save(&store, "a", "INBOX", Mark { uid_validity: 7, acted_uid: 10 }, 1).await.unwrap();
        save(&store, "a", "INBOX", Mark { uid_validity: 7, acted_uid: 25 }, 2).await.unwrap();
        assert_eq!(load(&store, "a", "INBOX").await.unwrap(), Some(Mark { uid_validity: 7, acted_uid: 25 }));
        assert_eq!(load(&store, "a", "Other").await.unwrap(), None);
    }
}
