//! The POS session flow: log in with an OTP, make signed calls (the client refreshes an expired
//! access token by itself, once), and log out (the client forgets the tokens).
//!
//! ```sh
//! cargo run -p commerce-engine-pos --example pos_session
//! ```
//!
//! By default it talks to a small stand-in server on loopback, started below, that behaves as
//! the POS API does (its first access token has expired by the time it is used). Set
//! `POS_BASE_URL`, `POS_API_KEY`, `POS_EMAIL`, `POS_LOCATION_ID` and `POS_OTP` to run it against
//! a real store instead.
//!
//! This file is hand-written; sdkforge keeps it (`keep = ["examples"]` in sdkforge.toml).

use commerce_engine_pos::types::{PosLoginWithEmailBody, PosVerifyOtpBody, PosVerifyOtpBodyOtpAction};
use commerce_engine_pos::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
    let base_url = match std::env::var("POS_BASE_URL") {
        Ok(url) => url,
        Err(_) => stand_in::start(),
    };

    // The session flow, as in the README.
    let client = Client::builder().base_url(&base_url).api_key(env("POS_API_KEY", "sk_test")).build()?;
    let login = PosLoginWithEmailBody::new(env("POS_LOCATION_ID", "loc_1"), env("POS_EMAIL", "staff@example.com"));
    let otp = client.pos().login_with_email(login).await?.content;
    let verify = PosVerifyOtpBody::new(env("POS_OTP", "123456"), otp.otp_token, PosVerifyOtpBodyOtpAction::Login);
    let user = client.pos().verify_otp(verify).await?.content.user; // tokens are stored
    println!("logged in as {} {}", user.first_name, user.last_name.unwrap_or_default());
    let bye = client.pos().logout().await?; // signed; an expired token is refreshed once
    println!("{} (session open: {})", bye.message, client.session_tokens().is_some());

    assert!(client.session_tokens().is_none(), "logout forgets the tokens");
    Ok(())
}

/// A stand-in for the POS API on loopback: just enough HTTP/1.1 for this example.
mod stand_in {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    /// Starts the server on a free port and returns its base URL.
    pub fn start() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let base = format!("http://{}/api/v1/demo-store/storefront", listener.local_addr().expect("bound"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (mut request_line, mut auth, mut length) = (String::new(), String::new(), 0usize);
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty() {
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("authorization:") {
                        auth = line["authorization:".len()..].trim().to_string();
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let path = request_line.split_whitespace().nth(1).unwrap_or("").rsplit("/storefront").next().unwrap_or("");
                let (status, json) = answer(path, &auth);
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{json}",
                    json.len()
                );
                let _ = reader.get_mut().write_all(reply.as_bytes());
            }
        });
        base
    }

    fn answer(path: &str, auth: &str) -> (&'static str, String) {
        let ok = "200 OK";
        match (path, auth) {
            ("/pos/auth/login/email", _) => (ok, r#"{"message":"OTP sent","success":true,"content":{"otp_token":"otp-1","otp_action":"login"}}"#.into()),
            ("/pos/auth/verify-otp", _) => (
                ok,
                r#"{"message":"ok","success":true,"content":{"access_token":"expired-token","refresh_token":"refresh-1","user":{"id":"u1","first_name":"Asha","last_name":"Rao","phone":"9876543210","email":"asha@example.com","channel":{"id":"c1","name":"POS"},"device":null,"location":{"id":"l1","name":"Main"},"roles":[]}}}"#.into(),
            ),
            ("/pos/auth/refresh-token", _) => (ok, r#"{"message":"ok","success":true,"content":{"access_token":"fresh-token","refresh_token":"refresh-2"}}"#.into()),
            ("/pos/auth/logout", "Bearer fresh-token") => (ok, r#"{"message":"Logged out","success":true}"#.into()),
            _ => ("401 Unauthorized", r#"{"message":"Token expired","success":false,"code":"unauthorized"}"#.into()),
        }
    }
}
