//! Passwords (Argon2id), opaque tokens stored as hashes, and throttling of failed logins.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Argon2id cost. [`PasswordCost::DEFAULT`] is the OWASP-recommended 19 MiB, 2 passes; tests
/// use [`PasswordCost::LOW`] so that debug builds stay quick (a hash records its own cost, so
/// verification works whatever the server's setting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordCost {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
}

impl PasswordCost {
    /// Production cost.
    pub const DEFAULT: PasswordCost = PasswordCost { m_kib: 19_456, t: 2 };
    /// Test cost (still Argon2id).
    pub const LOW: PasswordCost = PasswordCost { m_kib: 256, t: 1 };
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String> {
    let params =
        Params::new(cost.m_kib, cost.t, 1, None).map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Ok(argon
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?
        .to_string())
}

/// Whether `password` matches the PHC string (false for a malformed hash).
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A new random opaque token (256 bits, hex).
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random password for a new account (20 characters, ~119 bits).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// Throttles repeated failed logins per account and per remote address: after `free` failures
/// each further attempt waits twice as long as the last (1 s, 2 s, 4 s … up to 15 minutes).
#[derive(Debug)]
pub struct Throttle {
    free: u32,
    state: Mutex<HashMap<String, (u32, i64)>>,
}

impl Throttle {
    /// Allows `free` failures before delays start.
    pub fn new(free: u32) -> Self {
        Throttle {
            free,
            state: Mutex::new(HashMap::new()),
        }
    }

    fn keys(name: &str, remote: &str) -> [String; 2] {
        [format!("user:{name}"), format!("addr:{remote}")]
    }

    /// `Err(Throttled(secs))` while the account or address must wait.
    pub fn check(&self, name: &str, remote: &str, now_ms: i64) -> Result<()> {
        let state = self
            .state
            .lock()
            .map_err(|_| Error::Internal("throttle lock poisoned".into()))?;
        for (i, key) in Self::keys(name, remote).iter().enumerate() {
            // The address gets four times the allowance: several users may share one.
            let free = if i == 0 { self.free } else { self.free * 4 };
            if let Some(&(fails, until)) = state.get(key)
                && fails >= free
                && now_ms < until
            {
                return Err(Error::Throttled(((until - now_ms) as u64).div_ceil(1000)));
            }
        }
        Ok(())
    }

    /// Records a failure.
    pub fn failure(&self, name: &str, remote: &str, now_ms: i64) {
        if let Ok(mut state) = self.state.lock() {
            if state.len() > 100_000 {
                state.retain(|_, (_, until)| *until > now_ms);
            }
            for (i, key) in Self::keys(name, remote).into_iter().enumerate() {
                let free = if i == 0 { self.free } else { self.free * 4 };
                let e = state.entry(key).or_insert((0, 0));
                e.0 = e.0.saturating_add(1);
                if e.0 >= free {
                    let exp = (e.0 - free).min(10);
                    e.1 = now_ms + (1000i64 << exp).min(900_000);
                }
            }
        }
    }

    /// Clears the account's failures after a successful login.
    pub fn success(&self, name: &str) {
        if let Ok(mut state) = self.state.lock() {
            state.remove(&format!("user:{name}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip() {
        let h = hash_password("correct horse", PasswordCost::LOW).unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn throttle_backs_off() {
        let t = Throttle::new(3);
        for _ in 0..3 {
            assert!(t.check("a", "r", 0).is_ok());
            t.failure("a", "r", 0);
        }
        assert!(matches!(t.check("a", "r", 10), Err(Error::Throttled(1))));
        assert!(t.check("a", "r", 2000).is_ok());
        assert!(t.check("b", "r", 10).is_ok());
    }
}
