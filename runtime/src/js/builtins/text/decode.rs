//! The decoding algorithms of `TextDecoder`: UTF-8 with maximal-subpart replacement,
//! UTF-16 in either byte order and Latin-1, each able to stream.

/// The encodings a decoder knows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Node decodes it as ISO-8859-1: each byte is the code point.
    Windows1252,
}

impl Encoding {
    /// Its canonical name (`decoder.encoding`).
    pub(super) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// The encoding a label names (WHATWG Encoding's labels, ASCII whitespace trimmed).
    pub(super) fn of_label(label: &str) -> Option<Encoding> {
        let l = label
            .trim_matches(|c| matches!(c, '\t' | '\n' | '\x0C' | '\r' | ' '))
            .to_ascii_lowercase();
        Some(match l.as_str() {
            "unicode-1-1-utf-8" | "unicode11utf8" | "unicode20utf8" | "utf-8" | "utf8"
            | "x-unicode20utf8" => Encoding::Utf8,
            "csunicode" | "iso-10646-ucs-2" | "ucs-2" | "unicode" | "unicodefeff" | "utf-16"
            | "utf-16le" => Encoding::Utf16Le,
            "unicodefffe" | "utf-16be" => Encoding::Utf16Be,
            "ansi_x3.4-1968" | "ascii" | "cp1252" | "cp819" | "csisolatin1" | "ibm819"
            | "iso-8859-1" | "iso-ir-100" | "iso8859-1" | "iso88591" | "iso_8859-1"
            | "iso_8859-1:1987" | "l1" | "latin1" | "us-ascii" | "windows-1252" | "x-cp1252" => {
                Encoding::Windows1252
            }
            _ => return None,
        })
    }
}

/// A `TextDecoder`: its settings and the state of a stream being decoded.
pub(super) struct Decoder {
    pub(super) encoding: Encoding,
    pub(super) fatal: bool,
    pub(super) ignore_bom: bool,
    /// Bytes of an incomplete sequence at the end of the last streamed chunk.
    pending: Vec<u8>,
    /// Has the stream produced text yet (past the point where a BOM is removed)?
    started: bool,
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub(super) fn new(encoding: Encoding, fatal: bool, ignore_bom: bool) -> Decoder {
        Decoder {
            encoding,
            fatal,
            ignore_bom,
            pending: Vec::new(),
            started: false,
        }
    }

    /// Decodes the next chunk of the stream (the last when `!stream`); `None` for invalid
    /// data in fatal mode.
    pub(super) fn decode(&mut self, input: &[u8], stream: bool) -> Option<String> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(input);
        let decoded = match self.encoding {
            Encoding::Utf8 => utf8(&bytes, stream, self.fatal),
            Encoding::Utf16Le => utf16(&bytes, stream, self.fatal, u16::from_le_bytes),
            Encoding::Utf16Be => utf16(&bytes, stream, self.fatal, u16::from_be_bytes),
            Encoding::Windows1252 => Some((bytes.iter().map(|&b| b as char).collect(), 0)),
        };
        let Some((mut text, held)) = decoded else {
            self.started = false;
            return None;
        };
        self.pending = bytes[bytes.len() - held..].to_vec();
        if !self.started && !text.is_empty() {
            self.started = true;
            if !self.ignore_bom && text.starts_with('\u{FEFF}') {
                text.remove(0);
            }
        }
        if !stream {
            self.started = false;
        }
        Some(text)
    }
}

/// Decodes UTF-8, each maximal invalid subpart becoming one U+FFFD (or `None` when
/// `fatal`); with `stream`, an incomplete sequence at the end is held back. Returns the text
/// and how many bytes were held back.
fn utf8(bytes: &[u8], stream: bool, fatal: bool) -> Option<(String, usize)> {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return Some((out, 0));
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                match e.error_len() {
                    None if stream => return Some((out, after.len())),
                    _ if fatal => return None,
                    None => {
                        out.push('\u{FFFD}');
                        return Some((out, 0));
                    }
                    Some(n) => {
                        out.push('\u{FFFD}');
                        rest = &after[n..];
                    }
                }
            }
        }
    }
}

/// Decodes UTF-16 with the byte order `unit` reads; lone surrogates and an odd last byte
/// become U+FFFD (or `None` when `fatal`); with `stream`, an odd byte and a lead surrogate
/// at the end are held back.
fn utf16(
    bytes: &[u8],
    stream: bool,
    fatal: bool,
    unit: fn([u8; 2]) -> u16,
) -> Option<(String, usize)> {
    let mut units: Vec<u16> = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]])).collect();
    let mut held = bytes.len() % 2;
    if stream && units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) {
        units.pop();
        held += 2;
    }
    let mut out = String::with_capacity(units.len());
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => out.push(c),
            Err(_) if fatal => return None,
            Err(_) => out.push('\u{FFFD}'),
        }
    }
    if !stream && held == 1 {
        if fatal {
            return None;
        }
        out.push('\u{FFFD}');
        held = 0;
    }
    Some((out, held))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn utf8_replaces_maximal_subparts() {
        let cases: [(&[u8], &str); 6] = [
            (&[0x61, 0xff, 0x62], "a\u{FFFD}b"),
            (&[0xe2, 0x82], "\u{FFFD}"),
            (&[0xe2, 0x82, 0x41], "\u{FFFD}A"),
            (&[0xc0, 0xaf], "\u{FFFD}\u{FFFD}"),
            (&[0xed, 0xa0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
            (
                &[0xf4, 0x90, 0x80, 0x80],
                "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}",
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(utf8(bytes, false, false), Some((want.to_string(), 0)));
        }
        assert_eq!(
            utf8(&[0x61, 0xe2, 0x82], true, false),
            Some(("a".into(), 2))
        );
        assert_eq!(utf8(&[0xe2, 0x82], false, true), None);
    }

    #[test]
    fn streams_split_sequences() {
        let mut d = Decoder::new(Encoding::Utf8, false, false);
        assert_eq!(d.decode(&[0xef, 0xbb], true).as_deref(), Some(""));
        assert_eq!(d.decode(&[0xbf, 0x41, 0xe2], true).as_deref(), Some("A"));
        assert_eq!(d.decode(&[0x82, 0xac], false).as_deref(), Some("€"));
        assert_eq!(d.decode(&[0xef, 0xbb, 0xbf], false).as_deref(), Some(""));
    }

    #[test]
    fn utf16_handles_surrogates_and_odd_bytes() {
        let le = u16::from_le_bytes;
        let got = utf16(&[0x00, 0xd8, 0x41, 0x00, 0x42], false, false, le);
        assert_eq!(
            got.map(|(s, _)| units(&s)),
            Some(vec![0xFFFD, 0x41, 0xFFFD])
        );
        let got = utf16(&[0x68, 0, 0x3d, 0xd8], true, false, le);
        assert_eq!(got, Some(("h".into(), 2)));
        assert_eq!(utf16(&[0x00, 0xd8], false, true, le), None);
    }

    #[test]
    fn labels() {
        assert!(Encoding::of_label(" UTF8\n") == Some(Encoding::Utf8));
        assert!(Encoding::of_label("utf-16") == Some(Encoding::Utf16Le));
        assert!(Encoding::of_label("latin1") == Some(Encoding::Windows1252));
        assert!(Encoding::of_label("bogus").is_none());
    }
}
