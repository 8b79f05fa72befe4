//! The enclosed original message's headers and the sender-placed identifiers in them.
use super::{mime::Mail, Identifiers, Original, ParseOptions};
pub fn original(_mail: &Mail<'_>) -> Original { Original::default() }
pub fn identifiers(_mail: &Mail<'_>, _o: &Original, _opts: &ParseOptions) -> Identifiers { Identifiers::default() }
