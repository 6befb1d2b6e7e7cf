//! Text that came from a provider or an operator, made safe for a status or a log line.
//!
//! A relation bag, a config option or a secret id can hold anything: a megabyte, a NUL, CR/LF,
//! a right-to-left override. Before such text is put into a status message or a `juju-log`
//! line it passes through [`quoted`] (or [`bounded`]): URL credentials are masked, control and
//! bidirectional-formatting characters are escaped, and the text is capped at
//! [`MAX_CHARS`] characters with an ellipsis. [`status_message`] and [`log_line`] are the last
//! line of defence for whole messages, applied by [`crate::juju::Juju`] before a hook tool
//! sees them, so no message can exceed what the OS accepts as one argument.
//!
//! ```
//! use paas_charm_runtime::untrusted;
//!
//! assert_eq!(untrusted::bounded("a\nb\u{202e}c"), "a\\nb\\u{202e}c");
//! assert_eq!(
//!     untrusted::redact_userinfo("https://alice:s3cret@example.com/x"),
//!     "https://alice:***@example.com/x"
//! );
//! assert_eq!(untrusted::bounded(&"x".repeat(300)).chars().count(), untrusted::MAX_CHARS + 1);
//! ```

use std::fmt::Write as _;

/// How many characters of one untrusted value reach a status or a log line.
pub const MAX_CHARS: usize = 256;

/// The longest whole status message (in characters) handed to `status-set`.
pub const MAX_STATUS_CHARS: usize = 1024;

/// The longest whole log line (in characters) handed to `juju-log`.
pub const MAX_LOG_CHARS: usize = 8192;

/// What replaces the cut-off part of a capped text.
pub const ELLIPSIS: char = '…';

/// `text` with URL credentials masked ([`redact_userinfo`]), escaped ([`escape`]) and capped at
/// [`MAX_CHARS`] characters: the form of any provider or operator value in a message.
pub fn bounded(text: &str) -> String {
    escape_capped(&redact_userinfo(text), MAX_CHARS)
}

/// [`bounded`] in double quotes, as Rust's `{:?}` would quote it (`"value"`).
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", bounded(text).replace('"', "\\\""))
}

/// A whole status message made safe for `status-set`: escaped and capped at
/// [`MAX_STATUS_CHARS`]. paas-charm's own messages pass unchanged.
pub fn status_message(message: &str) -> String {
    escape_capped(message, MAX_STATUS_CHARS)
}

/// A whole log line made safe for `juju-log`: credentials masked, escaped, capped at
/// [`MAX_LOG_CHARS`].
pub fn log_line(message: &str) -> String {
    escape_capped(&redact_userinfo(message), MAX_LOG_CHARS)
}

/// How much of a command's stdout, and of its stderr, a log line or a status keeps (the end):
/// the operator's log (`oplog`) and a failed migration's status cut the output to it.
pub const OUTPUT_TAIL_CHARS: usize = 2000;

/// The last `max` characters of `text`, with an ellipsis in front when some were cut: the tail
/// of a command's output, where the error usually is.
pub fn tail(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let start = text
        .char_indices()
        .nth(count - max)
        .map_or(text.len(), |(i, _)| i);
    format!("{ELLIPSIS}{}", &text[start..])
}

/// [`escape`]d `text` cut to `max` characters, ending with an ellipsis when it was longer. An
/// escape sequence is never cut in half.
fn escape_capped(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut piece = String::new();
    for c in text.chars() {
        piece.clear();
        push_escaped(&mut piece, c);
        let len = piece.chars().count();
        if count + len > max {
            out.push(ELLIPSIS);
            return out;
        }
        out.push_str(&piece);
        count += len;
    }
    out
}

/// Whether `c` must not reach a terminal or a status line raw: C0/C1 controls, DEL, and the
/// bidirectional formatting characters (LRM, RLM, ALM, LRE..RLO, LRI..PDI).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
        || c == '\u{2028}'
        || c == '\u{2029}'
}

/// `text` with every [`is_unsafe`] character escaped (`\n`, `\r`, `\t`, `\0`, else `\u{..}`).
pub fn escape(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` with the credentials of every URL in it masked: `scheme://user:password@host`
/// becomes `scheme://user:***@host`, and a lone `scheme://token@host` becomes
/// `scheme://***@host`. Everything else is unchanged.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The authority ends at the first '/', '?', '#' or whitespace/quote.
        let end = after
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(sign) => {
                let userinfo = &authority[..sign];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str("***"),
                }
                out.push_str(&authority[sign..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(escape("a\0b\r\nc\t"), "a\\0b\\r\\nc\\t");
        assert_eq!(escape("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
        assert_eq!(escape("\u{7f}\u{85}"), "\\u{7f}\\u{85}");
        assert_eq!(escape("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn caps_with_an_ellipsis() {
        let long = "é".repeat(1_000_000);
        let out = bounded(&long);
        assert_eq!(out.chars().count(), MAX_CHARS + 1);
        assert!(out.ends_with('…'));
        assert_eq!(bounded("short"), "short");
        // Escapes count toward the cap, and are never cut in half.
        let nul = "\0".repeat(1000);
        assert_eq!(bounded(&nul), format!("{}…", "\\0".repeat(MAX_CHARS / 2)));
        let odd = format!("x{}", "\0".repeat(1000));
        assert_eq!(
            bounded(&odd),
            format!("x{}…", "\\0".repeat(MAX_CHARS / 2 - 1))
        );
    }

    #[test]
    fn masks_url_credentials_anywhere_in_a_text() {
        assert_eq!(
            redact_userinfo("see http://u:p@h:1/x and https://tok@h2?q=a@b"),
            "see http://u:***@h:1/x and https://***@h2?q=a@b"
        );
        assert_eq!(redact_userinfo("no url here @ all"), "no url here @ all");
        assert_eq!(
            redact_userinfo("\"postgres://a:b:c@d@host/db\""),
            "\"postgres://a:***@host/db\""
        );
        assert_eq!(quoted("http://u:pw@h/"), "\"http://u:***@h/\"");
    }

    #[test]
    fn whole_messages_are_bounded() {
        let message = format!("prefix {}", "z".repeat(200_000));
        assert_eq!(
            status_message(&message).chars().count(),
            MAX_STATUS_CHARS + 1
        );
        assert_eq!(log_line(&message).chars().count(), MAX_LOG_CHARS + 1);
        assert_eq!(
            status_message("missing integrations: redis"),
            "missing integrations: redis"
        );
    }

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(tail("abcdef", 3), "…def");
        assert_eq!(tail("abc", 3), "abc");
    }
}
