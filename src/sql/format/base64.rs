//! Standard base64 (RFC 4648, with padding): how ksqlDB writes BYTES in JSON.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let triple = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for sextet_idx in 0..4 {
            if sextet_idx <= chunk.len() {
                let sextet = (triple >> (18 - 6 * sextet_idx)) & 0x3f;
                // A six-bit value always indexes the 64-letter alphabet.
                let letter = ALPHABET.get(sextet as usize).copied().unwrap_or(b'=');
                out.push(char::from(letter));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sextet(byte: u8) -> Option<u32> {
    Some(match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Decodes base64 with or without padding; `None` on any other character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut n_bits = 0;
    for byte in trimmed.bytes() {
        buffer = (buffer << 6) | sextet(byte)?;
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            out.push((buffer >> n_bits) as u8);
            buffer &= (1 << n_bits) - 1;
        }
    }
    if n_bits >= 6 {
        return None;
    }
    Some(out)
}
