//! `listhygiene token mint ADDRESS [--campaign C]` prints a signed recipient token for the
//! sending system to put in a header; `token verify TOKEN` checks one. The secret comes from
//! `[resolve] token_secret_file` or the `token_secret_env` variable and is never printed.

use std::io::Write;

use anyhow::{anyhow, Context};
use serde::Serialize;

use super::{storage, Outcome, RunContext};
use crate::domain::EmailAddress;
use crate::token::{self, TokenKey};

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Print a token naming ADDRESS (and a campaign) for the configured recipient-token header
    Mint {
        /// The recipient's address
        address: String,
        /// Campaign the message belongs to
        #[arg(long)]
        campaign: Option<String>,
    },
    /// Check a token: print who it names, or fail if it is forged or altered
    Verify {
        token: String,
        /// Print the result as one JSON object
        #[arg(long)]
        json: bool,
    },
}

#[derive(Serialize)]
struct Verified<'a> {
    valid: bool,
    address: Option<&'a str>,
    campaign: Option<&'a str>,
    error: Option<String>,
}

pub fn run(ctx: &RunContext, args: TokenArgs) -> anyhow::Result<Outcome> {
    let key = required_key(ctx)?;
    let mut out = storage::stdout();
    match args.command {
        TokenCommand::Mint { address, campaign } => {
            let address = EmailAddress::parse(&address).with_context(|| format!("address {address:?}"))?;
            let token = token::mint(&key, &address, campaign.as_deref())?;
            writeln!(out, "{token}")?;
            Ok(Outcome::Clean)
        }
        TokenCommand::Verify { token, json } => {
            let result = token::verify(&key, &token);
            let (valid, line) = match &result {
                Ok(c) => (true, Verified { valid: true, address: Some(c.address.as_str()), campaign: c.campaign.as_deref(), error: None }),
                Err(e) => (false, Verified { valid: false, address: None, campaign: None, error: Some(e.to_string()) }),
            };
            if json {
                storage::json_line(&mut out, &line)?;
            } else if let Some(address) = line.address {
                writeln!(out, "valid: {address}{}", line.campaign.map(|c| format!(" (campaign {c})")).unwrap_or_default())?;
            } else {
                writeln!(out, "invalid: {}", line.error.unwrap_or_default())?;
            }
            Ok(if valid { Outcome::Clean } else { Outcome::SomeFailed })
        }
    }
}

fn required_key(ctx: &RunContext) -> anyhow::Result<TokenKey> {
    storage::token_key(&ctx.config.resolve)?.ok_or_else(|| {
        anyhow!(
            "no token secret configured: set the environment variable {} (or the one named by [resolve] token_secret_env), \
             or [resolve] token_secret_file, to at least {} random bytes, e.g. `openssl rand -base64 32`",
            ctx.config.resolve.token_secret_env,
            token::MIN_SECRET_BYTES
        )
    })
}
