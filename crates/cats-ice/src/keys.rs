//! A node's Ed25519 key pair and self-signed certificate (`cats ice keygen`), and peers' public
//! keys.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::IceError;

/// File names `cats ice keygen` writes in its directory.
pub const KEY_FILE: &str = "node.key";
/// The public key, base64 of its 32 bytes: what peers put in their `[[ice.peers]]` `public_key`.
pub const PUBLIC_KEY_FILE: &str = "node.pub";
/// The self-signed X.509 certificate (PEM) of the key, for a test network.
pub const CERTIFICATE_FILE: &str = "node.crt";

/// The files of a generated key pair.
#[derive(Debug, Clone)]
pub struct KeyFiles {
    /// Private key, PKCS#8 PEM (mode 0600).
    pub key: PathBuf,
    /// Public key, base64.
    pub public_key: PathBuf,
    /// Self-signed certificate, PEM.
    pub certificate: PathBuf,
    /// The public key, base64 (the content of `public_key`).
    pub public_key_base64: String,
}

/// Make a node's Ed25519 key pair and a self-signed certificate naming `node` (and `localhost`,
/// `127.0.0.1`) in `dir`. Errors: the directory cannot be written, or a key file exists already
/// (never overwritten).
pub fn generate(dir: &Path, node: &str) -> Result<KeyFiles, IceError> {
    std::fs::create_dir_all(dir).map_err(|e| IceError::io(dir, e))?;
    let key = dir.join(KEY_FILE);
    if key.exists() {
        return Err(IceError::Config(format!(
            "{} exists already; remove it first to make a new key",
            key.display()
        )));
    }
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
        .map_err(|e| IceError::Config(format!("generating the key: {e}")))?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .map_err(|e| IceError::Config(format!("certificate: {e}")))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("CATS ICE node {node}"));
    let cert = params
        .self_signed(&pair)
        .map_err(|e| IceError::Config(format!("certificate: {e}")))?;
    let pem = pair.serialize_pem();
    write_private(&key, &pem)?;
    let signing = SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| IceError::Config(format!("reading back the key: {e}")))?;
    let public_key_base64 = public_key_text(&signing.verifying_key());
    let public_key = dir.join(PUBLIC_KEY_FILE);
    std::fs::write(&public_key, format!("{public_key_base64}\n"))
        .map_err(|e| IceError::io(&public_key, e))?;
    let certificate = dir.join(CERTIFICATE_FILE);
    std::fs::write(&certificate, cert.pem()).map_err(|e| IceError::io(&certificate, e))?;
    Ok(KeyFiles {
        key,
        public_key,
        certificate,
        public_key_base64,
    })
}

fn write_private(path: &Path, pem: &str) -> Result<(), IceError> {
    #[cfg(unix)]
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| IceError::io(path, e))?;
        f.write_all(pem.as_bytes())
            .map_err(|e| IceError::io(path, e))
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, pem).map_err(|e| IceError::io(path, e))
    }
}

/// Load a node's private key (PKCS#8 PEM, as `cats ice keygen` writes it).
pub fn load(path: &Path) -> Result<SigningKey, IceError> {
    let pem = std::fs::read_to_string(path).map_err(|e| IceError::io(path, e))?;
    SigningKey::from_pkcs8_pem(&pem).map_err(|e| {
        IceError::Config(format!(
            "{} is not an Ed25519 private key in PKCS#8 PEM: {e}",
            path.display()
        ))
    })
}

/// A public key as peers write it: base64 (standard alphabet) of its 32 bytes.
pub fn public_key_text(key: &VerifyingKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
}

/// Parse a peer's public key: base64 of 32 bytes. Errors: not base64, not 32 bytes, or not a
/// point of the curve.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, IceError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| IceError::Config(format!("public key is not base64: {e}")))?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        IceError::Config(format!("public key has {} bytes; 32 are required", b.len()))
    })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|e| IceError::Config(format!("public key is not an Ed25519 key: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_load_and_match_their_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let files = generate(dir.path(), "KZ").unwrap();
        let key = load(&files.key).unwrap();
        let public = std::fs::read_to_string(&files.public_key).unwrap();
        assert_eq!(parse_public_key(&public).unwrap(), key.verifying_key());
        assert!(std::fs::read_to_string(&files.certificate)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        // never overwritten
        assert!(generate(dir.path(), "KZ").is_err());
    }

    #[test]
    fn bad_public_keys_are_refused() {
        assert!(parse_public_key("not base64!").is_err());
        assert!(parse_public_key("AAAA").is_err());
    }
}
