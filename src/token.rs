//! Signed recipient tokens: `v1.<payload>.<mac>`, base64url without padding, where the payload
//! names the recipient (and optionally the campaign) and the MAC is HMAC-SHA256 over
//! `v1.<payload>` with a secret only the sender knows. The sending system puts a token in a
//! header of every message; a complaint that hides the recipient but keeps the headers names
//! them through it, and a forged or altered token names nobody. Pure: the caller reads the
//! secret; nothing here logs it or puts it in an error.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::EmailAddress;

type HmacSha256 = Hmac<Sha256>;

const VERSION: &str = "v1";
/// Separates the address from the campaign inside the payload.
const SEPARATOR: char = '\n';
/// Shorter secrets are refused: they can be guessed.
pub const MIN_SECRET_BYTES: usize = 16;

/// The HMAC secret. Its `Debug` never shows it.
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(***)")
    }
}

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub address: EmailAddress,
    pub campaign: Option<String>,
}

/// Why a token was refused or could not be made. No variant carries the secret or the MAC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`].
    #[error("the token secret is too short: use at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -base64 32`)")]
    SecretTooShort,
    /// Not three dot-separated base64url parts.
    #[error("not a recipient token")]
    Malformed,
    /// A version this build does not know.
    #[error("unknown token version {0:?}")]
    UnknownVersion(String),
    /// The MAC does not match: forged, altered, or made with another secret.
    #[error("token signature does not verify")]
    BadSignature,
    /// Signed correctly but the payload is not an address (cannot happen with tokens we mint).
    #[error("token payload is not a valid address")]
    BadPayload,
    /// A campaign name containing a line break cannot be put in a token.
    #[error("the campaign name must not contain a line break")]
    BadCampaign,
}

impl TokenKey {
    pub fn new(secret: &[u8]) -> Result<TokenKey, TokenError> {
        let secret = secret.trim_ascii();
        if secret.len() < MIN_SECRET_BYTES {
            return Err(TokenError::SecretTooShort);
        }
        Ok(TokenKey(secret.to_vec()))
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length; this cannot fail.
        <HmacSha256 as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!())
    }
}

/// Makes a token for `address` (and `campaign`).
pub fn mint(key: &TokenKey, address: &EmailAddress, campaign: Option<&str>) -> Result<String, TokenError> {
    let mut payload = address.as_str().to_owned();
    if let Some(campaign) = campaign {
        if campaign.contains(['\n', '\r']) {
            return Err(TokenError::BadCampaign);
        }
        payload.push(SEPARATOR);
        payload.push_str(campaign);
    }
    let signed = format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = key.mac();
    mac.update(signed.as_bytes());
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signed}.{tag}"))
}

/// Checks a token's MAC in constant time and returns what it says.
pub fn verify(key: &TokenKey, token: &str) -> Result<Claims, TokenError> {
    let token = token.trim();
    let (signed, tag) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let (version, payload) = signed.split_once('.').ok_or(TokenError::Malformed)?;
    if version != VERSION {
        return Err(if version.starts_with('v') && version.len() < 8 {
            TokenError::UnknownVersion(version.to_owned())
        } else {
            TokenError::Malformed
        });
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| TokenError::Malformed)?;
    let mut mac = key.mac();
    mac.update(signed.as_bytes());
    mac.verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::BadPayload)?;
    let payload = String::from_utf8(payload).map_err(|_| TokenError::BadPayload)?;
    let (address, campaign) = match payload.split_once(SEPARATOR) {
        Some((a, c)) => (a, Some(c.to_owned())),
        None => (payload.as_str(), None),
    };
    let address = EmailAddress::parse(address).map_err(|_| TokenError::BadPayload)?;
    Ok(Claims { address, campaign })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> TokenKey {
        TokenKey::new(s.as_bytes()).unwrap()
    }

    fn addr(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    #[test]
    fn round_trip_with_and_without_campaign() {
        let k = key("0123456789abcdef-secret");
        let t = mint(&k, &addr("Neko@Example.jp"), Some("2026-11 launch")).unwrap();
        assert!(t.starts_with("v1."));
        let c = verify(&k, &t).unwrap();
        assert_eq!(c.address.as_str(), "neko@example.jp");
        assert_eq!(c.campaign.as_deref(), Some("2026-11 launch"));
        let t = mint(&k, &addr("a@example.com"), None).unwrap();
        assert_eq!(verify(&k, &format!("  {t}\r\n")).unwrap().campaign, None);
    }

    #[test]
    fn other_secret_and_tampering_are_refused() {
        let k = key("0123456789abcdef-secret");
        let t = mint(&k, &addr("a@example.com"), Some("c1")).unwrap();
        assert_eq!(verify(&key("another-secret-of-16+"), &t), Err(TokenError::BadSignature));
        // Swap in another address's payload, keep the MAC.
        let other = mint(&k, &addr("victim@example.com"), Some("c1")).unwrap();
        let (_, payload, _) = split3(&other);
        let (v, _, mac) = split3(&t);
        assert_eq!(verify(&k, &format!("{v}.{payload}.{mac}")), Err(TokenError::BadSignature));
        assert_eq!(verify(&k, "v2.abc.def"), Err(TokenError::UnknownVersion("v2".into())));
        assert_eq!(verify(&k, "garbage"), Err(TokenError::Malformed));
        assert_eq!(verify(&k, "v1.a.!!"), Err(TokenError::Malformed));
    }

    fn split3(t: &str) -> (&str, &str, &str) {
        let mut it = t.splitn(3, '.');
        (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
    }

    #[test]
    fn short_secrets_and_bad_campaigns() {
        assert_eq!(TokenKey::new(b"short").unwrap_err(), TokenError::SecretTooShort);
        let k = key("0123456789abcdef-secret");
        assert_eq!(mint(&k, &addr("a@example.com"), Some("a\nb")), Err(TokenError::BadCampaign));
        assert_eq!(format!("{k:?}"), "TokenKey(***)");
    }
}
