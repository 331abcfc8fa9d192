//! Credentials and where they go. Secrets never appear in `Debug` output or error messages.

use std::collections::BTreeMap;
use std::fmt;

/// Where an API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// A security scheme of the API, as the generated code declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// `Authorization: Bearer <token>`.
    Bearer { id: &'static str },
    /// `Authorization: Basic base64(user:password)`.
    Basic { id: &'static str },
    /// An API key in a header, query parameter or cookie.
    ApiKey { id: &'static str, location: KeyLocation, name: &'static str },
    /// OAuth2 with a client credentials flow: sent as a bearer token, which the client fetches
    /// from `token_url` when given a client id and secret (or takes as given).
    OAuth2 { id: &'static str, token_url: &'static str, scopes: &'static [&'static str] },
}

impl Scheme {
    /// The scheme's name in the OpenAPI document.
    pub(crate) fn id(&self) -> &'static str {
        match self {
            Scheme::Bearer { id } | Scheme::Basic { id } | Scheme::ApiKey { id, .. } | Scheme::OAuth2 { id, .. } => id,
        }
    }
}

/// A credential value.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Secret {
    /// A token or key.
    Token(String),
    /// A user name and password.
    Basic { user: String, password: String },
    /// OAuth2 client credentials, exchanged for an access token.
    ClientCredentials { client_id: String, client_secret: String },
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The credentials set on a client, by scheme name.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Credentials(BTreeMap<&'static str, Secret>);

impl Credentials {
    pub(crate) fn set(&mut self, id: &'static str, secret: Secret) {
        self.0.insert(id, secret);
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Secret> {
        self.0.get(id)
    }

    pub(crate) fn has(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// Takes a credential out.
    pub(crate) fn take(&mut self, id: &str) -> Option<Secret> {
        self.0.remove(id)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Replaces a credential in place (an exchanged token for client credentials).
    pub(crate) fn replace(&mut self, id: &'static str, secret: Secret) {
        self.0.insert(id, secret);
    }

    /// Adds (replacing) every credential of `other`.
    pub(crate) fn extend(&mut self, other: &Credentials) {
        self.0.extend(other.0.iter().map(|(k, v)| (*k, v.clone())));
    }

    /// The first alternative whose schemes all have a credential. An empty list of
    /// alternatives, or an empty alternative, needs none.
    pub(crate) fn choose<'s>(&self, alternatives: &'s [&'s [Scheme]]) -> Option<&'s [Scheme]> {
        alternatives.iter().copied().find(|alt| alt.iter().all(|s| self.0.contains_key(s.id())))
    }
}

impl fmt::Debug for Credentials {
    /// Shows which schemes have a credential, never the values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.keys().map(|k| (k, "<redacted>"))).finish()
    }
}

/// Base64 (standard alphabet, padded), for basic auth.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEARER: Scheme = Scheme::Bearer { id: "Authorization" };
    const KEY: Scheme = Scheme::ApiKey { id: "X-Api-Key", location: KeyLocation::Header, name: "X-Api-Key" };

    #[test]
    fn debug_never_shows_secrets() {
        let mut c = Credentials::default();
        c.set("Authorization", Secret::Token("s3cr3t".into()));
        c.set("basic", Secret::Basic { user: "u".into(), password: "hunter2".into() });
        let shown = format!("{c:?} {:?}", c.get("basic"));
        assert!(!shown.contains("s3cr3t") && !shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("Authorization"));
    }

    #[test]
    fn first_satisfiable_alternative_wins() {
        let mut c = Credentials::default();
        let both: &[&[Scheme]] = &[&[BEARER], &[KEY]];
        assert_eq!(c.choose(both), None);
        c.set("X-Api-Key", Secret::Token("k".into()));
        assert_eq!(c.choose(both), Some(&[KEY][..]));
        c.set("Authorization", Secret::Token("t".into()));
        assert_eq!(c.choose(both), Some(&[BEARER][..]));
        assert_eq!(c.choose(&[]), None);
        assert_eq!(c.choose(&[&[]]), Some(&[][..]));
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy"), ("user:pass", "dXNlcjpwYXNz")] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }
}
